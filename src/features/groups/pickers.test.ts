// The group pickers with 2,000 groups (issue 11): the students' and lecturers' group filters and
// the student form's group carry a few suggestions, never every group; GET /groups/choices answers
// what is typed; and without JavaScript a typed name filters or saves the group it names, or is
// answered with the closest groups.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { uniqueNameKey } from '../../lib/text-rules.js';
import { Browser } from '../../../test/http.js';
import { testDatabases } from '../../../test/services.js';
import { createLecturer, createStudent, teach } from '../../../test/factories.js';
import { pagesApp, postMultipart, rowNames, signInAsNew } from '../../../test/people/page-helpers.js';

const GROUPS = 2_000;

/** 2,000 groups, written in a few statements: "Group 0001" … plus a few that the tests type. */
const special = ['CS-101', 'CS-102', 'CS-1010', 'Šarić 2026', 'Old-1'];
const numbered = Array.from({ length: GROUPS - special.length }, (_, i) => `Group ${String(i + 1).padStart(4, '0')}`);
const allNames = [...numbered, ...special];
/** The first 20 active groups by name (the database's order agrees for these names). */
const firstByName = allNames.filter((name) => name !== 'Old-1').sort().slice(0, 20);

async function departmentWith2000Groups(t: Parameters<typeof pagesApp>[0], database: Parameters<typeof pagesApp>[1]) {
  const built = await pagesApp(t, database);
  const now = new Date();
  const rows = allNames.map((name) => ({ name, nameKey: uniqueNameKey(name), description: '', archived: name === 'Old-1', createdAt: now, updatedAt: now }));
  for (let i = 0; i < rows.length; i += 500) await built.db.insertInto('groups').values(rows.slice(i, i + 500)).execute();
  const ids = new Map((await built.db.selectFrom('groups').select(['id', 'name']).execute()).map((g) => [g.name, g.id]));
  assert.equal(ids.size, GROUPS);
  return { ...built, ids: (name: string) => ids.get(name)! };
}

/** How many of the 2,000 group names a page carries (as an attribute value or as text). */
const groupNamesIn = (body: string) => allNames.filter((name) => body.includes(`"${name}"`) || body.includes(`>${name}<`)).length;

const suggestionsIn = (body: string, list = 'filter-group-suggestions') =>
  [...(new RegExp(`<datalist id="${list}">(.*?)</datalist>`, 's').exec(body)?.[1] ?? '').matchAll(/<option value="([^"]*)"><\/option>/g)].map((m) => m[1]);

for (const database of await testDatabases()) {
  describe(`group pickers with ${GROUPS} groups on ${database}`, () => {
    test('the students list, the student forms and the lecturers list each carry at most 25 group names', async (t) => {
      const { admin, system, ids } = await departmentWith2000Groups(t, database);
      const student = await createStudent(system, { lastName: 'Kovač', groupId: ids('Group 1500') });
      const pages = ['/students', '/students/new', `/students/${student.student.id}/edit`, '/lecturers', `/students?group=${ids('Group 1990')}`];
      for (const url of pages) {
        const page = await admin.get(url);
        assert.equal(page.statusCode, 200, url);
        assert.ok(groupNamesIn(page.body) <= 25, `${url} carries ${groupNamesIn(page.body)} group names`);
        assert.ok(page.body.length < 20_000, `${url} is ${page.body.length} bytes`);
      }
      const edit = await admin.get(`/students/${student.student.id}/edit`);
      assert.match(edit.body, /<input[^>]*id="field-groupId"[^>]*value="Group 1500"/, "the edit form shows the student's group by name");
      assert.deepEqual(suggestionsIn(edit.body, 'field-groupId-suggestions'), firstByName, 'the first 20 groups by name');
      const filtered = await admin.get(`/students?group=${ids('Group 1500')}`);
      assert.match(filtered.body, /<input[^>]*name="groupName"[^>]*value="Group 1500"/, 'a link to ?group=<id> shows the group by name');
      assert.deepEqual(rowNames(filtered.body), ['Kovač, Sam']);
    });

    test('GET /groups/choices: at most 20 groups in sight whose names contain the text, by name, without case; lecturers their own; students none', async (t) => {
      const { app, admin, system, ids } = await departmentWith2000Groups(t, database);
      const options = async (browser: Browser, query: string) => {
        const reply = await browser.get(`/groups/choices?${query}`, { 'hx-request': 'true' });
        assert.equal(reply.statusCode, 200, reply.body.slice(0, 500));
        assert.equal(reply.headers['cache-control'], 'no-store');
        assert.match(String(reply.headers['content-type']), /^text\/html/);
        return [...reply.body.matchAll(/<option value="([^"]*)"><\/option>/g)].map((m) => m[1]);
      };
      assert.deepEqual(await options(admin, 'q='), firstByName, 'nothing typed: the first 20 by name');
      assert.deepEqual(await options(admin, 'q=cs-10'), ['CS-101', 'CS-1010', 'CS-102'], 'contains, in any case');
      assert.deepEqual(await options(admin, 'q=%EF%BC%A3%EF%BC%B3%E2%80%90101'), ['CS-101', 'CS-1010'], 'fullwidth letters and a Unicode dash fold as names do');
      assert.deepEqual(await options(admin, 'q=%C5%A0ARI%C4%86'), ['Šarić 2026'], 'capitals beyond ASCII');
      assert.deepEqual(await options(admin, 'groupName=group%2019'), numbered.slice(1899, 1919), 'the filter input sends groupName');
      assert.deepEqual(await options(admin, 'groupId=CS-102'), ['CS-102'], 'the student form sends groupId');
      assert.deepEqual(await options(admin, 'q=Old-1'), [], 'archived groups are not offered');
      assert.deepEqual(await options(admin, 'q=100%25'), [], 'LIKE wildcards are text');

      const made = await createLecturer(system);
      await teach(system, made.lecturer.id, ids('CS-101'));
      const teacher = await signInAsNew(app, made.account.username, made.account.oneTimePassword);
      assert.deepEqual(await options(teacher, 'q='), ['CS-101'], 'a lecturer is offered the groups they teach');
      assert.deepEqual(await options(teacher, 'q=cs-102'), []);

      const pupil = await createStudent(system, { groupId: ids('CS-101') });
      const learner = await signInAsNew(app, pupil.account.username, pupil.account.oneTimePassword);
      assert.equal((await learner.get('/groups/choices?q=cs')).statusCode, 403);
      assert.equal((await new Browser(app).get('/groups/choices?q=cs')).statusCode, 303, 'signed out: to the sign-in page');
      assert.equal((await admin.get('/groups/choices?q=a&q=b')).statusCode, 422, 'one text');
      assert.equal((await admin.get(`/groups/choices?q=${'x'.repeat(101)}`)).statusCode, 422, 'at most 100 characters');
    });

    test('without JavaScript, a typed group name filters the students and the lecturers by the group it names', async (t) => {
      const { app, admin, system, ids } = await departmentWith2000Groups(t, database);
      await createStudent(system, { lastName: 'Inside', groupId: ids('CS-101') });
      await createStudent(system, { lastName: 'Outside', groupId: ids('CS-102') });
      const made = await createLecturer(system, { lastName: 'Teacher' });
      await teach(system, made.lecturer.id, ids('CS-101'));
      await createLecturer(system, { lastName: 'Other' });

      const list = await admin.get('/students?q=&groupName=cs-101');
      assert.deepEqual(rowNames(list.body), ['Inside, Sam'], 'the name as typed, in any case');
      assert.match(list.body, /<input[^>]*name="groupName"[^>]*value="CS-101"/, 'the picker shows the group by its name');
      assert.match(list.body, new RegExp(`href="/students/export.csv\\?group=${ids('CS-101')}"`), 'exports and links carry its id');
      assert.deepEqual(rowNames((await admin.get(`/students?group=${ids('CS-101')}&groupName=`)).body).sort(), ['Inside, Sam', 'Outside, Sam'], 'an emptied picker is every group');
      assert.deepEqual(rowNames((await admin.get('/students?groupName=Old-1')).body), [], 'an archived group is found by its exact name');

      const lecturers = await admin.get('/lecturers?groupName=CS-101');
      assert.deepEqual(rowNames(lecturers.body), ['Teacher, Lena']);
      assert.match(lecturers.body, /<input[^>]*name="groupName"[^>]*value="CS-101"/);

      // A lecturer's picker finds only the groups they teach.
      const teacher = await signInAsNew(app, made.account.username, made.account.oneTimePassword);
      assert.deepEqual(rowNames((await teacher.get('/students?groupName=CS-101')).body), ['Inside, Sam']);
      const notTaught = await teacher.get('/students?groupName=CS-102');
      assert.match(notTaught.body, /no group is named &#34;CS-102&#34;/, 'a group they do not teach is no group to them');
      assert.deepEqual(rowNames(notTaught.body), ['Inside, Sam']);
    });

    test('a typed group name that names no group is explained with the closest groups, on the lists and on the student form', async (t) => {
      const { admin, db, system, ids } = await departmentWith2000Groups(t, database);
      await createStudent(system, { lastName: 'Inside', groupId: ids('CS-101') });

      const list = await admin.get('/students?groupName=CS-10');
      assert.equal(list.statusCode, 200);
      const problem = /<div class="alert alert-warning" role="alert" id="filter-group-problem"[^>]*>(.*?)<\/div>/s.exec(list.body)?.[1] ?? '';
      assert.match(problem, /Group: no group is named &#34;CS-10&#34;, so the list is not filtered by it\. Did you mean:/, 'the message names the field');
      assert.deepEqual(
        [...problem.matchAll(/<a class="alert-link" href="([^"]*)">([^<]*)<\/a>/g)].map((m) => [m[1], m[2]]),
        [
          [`/students?group=${ids('CS-101')}`, 'CS-101'],
          [`/students?group=${ids('CS-1010')}`, 'CS-1010'],
          [`/students?group=${ids('CS-102')}`, 'CS-102'],
        ],
        'the close matches are links that apply them',
      );
      assert.match(list.body, /<input[^>]*name="groupName"[^>]*value="CS-10"[^>]*aria-invalid="true"[^>]*aria-describedby="filter-group-problem"/, 'the typed text is kept and tied to the message');
      assert.deepEqual(rowNames(list.body), ['Inside, Sam'], 'not filtered');

      const typo = await admin.get('/lecturers?groupName=CS%201O1');
      assert.match(typo.body, /Teaches group: no group is named &#34;CS 1O1&#34;/);
      assert.equal([...typo.body.matchAll(/<a class="alert-link"/g)].length, 3, 'a word of it finds the CS groups');
      const nothing = await admin.get('/students?groupName=zzz');
      assert.match(
        nothing.body,
        /no group is named &#34;zzz&#34;, so the list is not filtered by it\. No group&#39;s name contains &#34;zzz&#34; or any of its words: check the spelling, or find the group on <\/span><a class="alert-link" href="\/groups">the Groups page<\/a>/,
      );
      const nothingForm = await postMultipart(admin, '/students', '/students/new', { studentNumber: 'T-0', lastName: 'Typed', firstName: 'Tia', groupId: 'zzz' });
      assert.match(
        nothingForm.body,
        /id="field-groupId-error">No group is named &#34;zzz&#34;, and no group&#39;s name contains it or any of its words: check the spelling, find the group on the Groups page, or leave the field empty for no group\.</,
      );

      const twice = await admin.get('/students?groupName=a&groupName=b');
      assert.equal(twice.statusCode, 422);
      assert.match(twice.body, /Give the group \(groupName\) only once\./);
      const nul = await admin.get('/lecturers?groupName=CS%00');
      assert.equal(nul.statusCode, 422, 'a NUL is refused, not sent to the database');
      assert.match(nul.body, /The group contains an invisible or control character/);

      const fields = { studentNumber: 'T-1', lastName: 'Typed', firstName: 'Tia', email: 'tia@example.org', groupId: 'CS-10' };
      const refused = await postMultipart(admin, '/students', '/students/new', fields);
      assert.equal(refused.statusCode, 422);
      assert.match(refused.body, /id="field-groupId-error">No group is named &#34;CS-10&#34;\. Did you mean CS-101, CS-1010 or CS-102\?</);
      assert.match(refused.body, /<input[^>]*id="field-groupId"[^>]*value="CS-10"[^>]*aria-invalid="true"[^>]*aria-describedby="field-groupId-error field-groupId-help"/);
      assert.deepEqual(suggestionsIn(refused.body, 'field-groupId-suggestions'), ['CS-101', 'CS-1010', 'CS-102'], 'the close matches are the suggestions');
      for (const kept of ['value="T-1"', 'value="Typed"', 'value="Tia"', 'value="tia@example.org"']) assert.ok(refused.body.includes(kept), `keeps ${kept}`);
      assert.equal((await db.selectFrom('students').select('id').where('studentNumber', '=', 'T-1').execute()).length, 0, 'nothing is written');

      // A word of the name finds the groups the message names, and the suggestions are the same ones.
      const byWord = await postMultipart(admin, '/students', '/students/new', { ...fields, groupId: 'CS 1O1' });
      assert.match(byWord.body, /id="field-groupId-error">No group is named &#34;CS 1O1&#34;\. Did you mean CS-101, CS-1010 or CS-102\?</);
      assert.deepEqual(suggestionsIn(byWord.body, 'field-groupId-suggestions'), ['CS-101', 'CS-1010', 'CS-102'], 'the suggestions agree with the message');

      const both = await postMultipart(admin, '/students', '/students/new', { ...fields, studentNumber: '' });
      assert.match(both.body, /id="field-studentNumber-error"/, 'the other fields are checked at the same time');
      assert.match(both.body, /id="field-groupId-error"/);
    });

    test('without JavaScript, the student form saves the group typed by name, new and edited; an archived group stays with its student', async (t) => {
      const { admin, db, ids } = await departmentWith2000Groups(t, database);
      const created = await postMultipart(admin, '/students', '/students/new', { studentNumber: 'N-1', lastName: 'New', firstName: 'Nia', groupId: 'šarić 2026' });
      assert.equal(created.statusCode, 201, created.body.slice(0, 1000));
      const row = await db.selectFrom('students').select(['id', 'groupId']).where('studentNumber', '=', 'N-1').executeTakeFirstOrThrow();
      assert.equal(row.groupId, ids('Šarić 2026'));

      const fields = { studentNumber: 'N-1', lastName: 'New', firstName: 'Nia', patronymic: '', birthDate: '', email: '', phone: '', address: '' };
      const save = (groupId: string) => admin.post(`/students/${row.id}`, { ...fields, groupId }, { from: `/students/${row.id}/edit` });
      const groupOf = async () => (await db.selectFrom('students').select('groupId').where('id', '=', row.id).executeTakeFirstOrThrow()).groupId;
      assert.equal((await save('Group 1990')).statusCode, 303);
      assert.equal(await groupOf(), ids('Group 1990'));
      assert.equal((await save('')).statusCode, 303);
      assert.equal(await groupOf(), null, 'empty: no group');

      const refused = await save('Old-1');
      assert.equal(refused.statusCode, 422, 'an archived group is not chosen for a student');
      assert.match(refused.body, /The group Old-1 is archived; choose an active group\./);
      await db.updateTable('students').set({ groupId: ids('Old-1') }).where('id', '=', row.id).execute();
      const edit = await admin.get(`/students/${row.id}/edit`);
      assert.match(edit.body, /<input[^>]*id="field-groupId"[^>]*value="Old-1"/);
      assert.equal((await save('Old-1')).statusCode, 303, 'a student already in an archived group keeps it when saved');
      assert.equal(await groupOf(), ids('Old-1'));
    });
  });
}
