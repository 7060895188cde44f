// The group pages: admins create, rename, describe and archive groups; lecturers see the groups
// they teach, read-only; students have no group pages.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Browser } from '../../../test/http.js';
import { testDatabases } from '../../../test/services.js';
import { csvLines, xlsxRows } from '../../../test/sheet-rows.js';
import { createGroup, createLecturer, createStudent, teach } from '../../../test/factories.js';
import { pagesApp, signInAsNew } from '../../../test/people/page-helpers.js';

const listed = (body: string) => [...body.matchAll(/<a class="fw-semibold" href="\/groups\/\d+">([^<]+)<\/a>/g)].map((m) => m[1]);

for (const database of await testDatabases()) {
  describe(`group pages on ${database}`, () => {
    test('an admin creates a group through the form, sees it listed with its student count, renames, describes and archives it', async (t) => {
      const { admin, db, system } = await pagesApp(t, database);
      const created = await admin.post('/groups', { name: 'CS-101', description: 'First-year computing' }, { from: '/groups/new' });
      assert.equal(created.statusCode, 303);
      const location = String(created.headers.location);
      assert.match(location, /^\/groups\/\d+$/);
      const id = Number(location.split('/').pop());
      await createStudent(system, { groupId: id });
      await createStudent(system, { groupId: id });
      const archivedStudent = await createStudent(system, { groupId: id });
      await db.updateTable('students').set({ archived: true }).where('id', '=', archivedStudent.student.id).execute();

      const list = await admin.get('/groups');
      assert.equal(list.statusCode, 200);
      assert.match(list.body, /CS-101/);
      assert.match(list.body, new RegExp(`href="/students\\?group=${id}" data-testid="student-count">2<`), 'active students only are counted');
      assert.match(list.body, /New group/);

      const page = await admin.get(location);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /First-year computing/);
      assert.match(page.body, new RegExp(`href="/students\\?group=${id}"`));
      assert.match(page.body, /data-testid="student-count">2</);
      assert.match(page.body, /data-testid="record-history"/, 'admins see where the history is');

      const renamed = await admin.post(location, { name: 'CS-102', description: 'Renamed & described <b>' }, { from: location });
      assert.equal(renamed.statusCode, 303);
      const after = await admin.get(location);
      assert.match(after.body, /CS-102/);
      assert.match(after.body, /Renamed &amp; described &lt;b>/, 'the description is escaped');

      const archived = await admin.post(`${location}/archive`, {}, { from: location });
      assert.equal(archived.statusCode, 303);
      assert.deepEqual(listed((await admin.get('/groups')).body), [], 'archived groups leave the list');
      assert.deepEqual(listed((await admin.get('/groups?archived=true')).body), ['CS-102']);
      assert.match((await admin.get(location)).body, /Restore/);
      await admin.post(`${location}/restore`, {}, { from: location });
      assert.deepEqual(listed((await admin.get('/groups')).body), ['CS-102']);
      const actions = (await db.selectFrom('auditLog').select('action').where('entity', '=', 'group').where('entityId', '=', String(id)).orderBy('id').execute()).map((r) => r.action);
      assert.deepEqual(actions, ['group.created', 'group.updated', 'group.archived', 'group.restored']);
    });

    test('exports carry the search and the archived switch, neutralise formula-like names, and hold only the groups the actor may see', async (t) => {
      const { app, admin, db, system } = await pagesApp(t, database);
      const cs = await createGroup(system, { name: 'CS-1' });
      await createGroup(system, { name: 'CS-2' });
      await createGroup(system, { name: 'Math-1' });
      const formula = await createGroup(system, { name: '=A1+1' });
      await db.updateTable('groups').set({ description: '@risky note' }).where('id', '=', formula.id).execute();
      await createStudent(system, { groupId: cs.id });
      await createStudent(system, { groupId: cs.id });
      await admin.post(`/groups/${(await createGroup(system, { name: 'CS-Old' })).id}/archive`, {}, { from: '/groups' });

      const list = await admin.get('/groups?q=cs');
      assert.match(list.body, /href="\/groups\/export\.xlsx\?q=cs"/);
      assert.match(list.body, /href="\/groups\/export\.csv\?q=cs"/);

      const xlsx = await admin.get('/groups/export.xlsx?q=cs');
      assert.equal(xlsx.statusCode, 200);
      assert.equal(xlsx.headers['content-type'], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      assert.match(String(xlsx.headers['content-disposition']), /^attachment; filename="groups-\d{4}-\d{2}-\d{2}\.xlsx"$/);
      assert.deepEqual(await xlsxRows(xlsx.rawPayload), [
        ['Name', 'Description', 'Students'],
        ['CS-1', '', '2'],
        ['CS-2', '', '0'],
      ]);

      const csv = await admin.get('/groups/export.csv');
      assert.equal(csv.statusCode, 200);
      assert.match(String(csv.headers['content-type']), /^text\/csv/);
      assert.deepEqual(csvLines(csv.body), ['Name,Description,Students', "'=A1+1,'@risky note,0", 'CS-1,,2', 'CS-2,,0', 'Math-1,,0']);

      const archived = await admin.get('/groups/export.csv?archived=true');
      assert.match(String(archived.headers['content-disposition']), /filename="groups-archived-/);
      assert.deepEqual(csvLines(archived.body), ['Name,Description,Students,Archived', 'CS-Old,,0,yes']);

      // A lecturer exports the groups they teach, and never the archived ones.
      const made = await createLecturer(system);
      await teach(system, made.lecturer.id, cs.id);
      const teacher = await signInAsNew(app, made.account.username, made.account.oneTimePassword);
      assert.match((await teacher.get('/groups')).body, /href="\/groups\/export\.csv"/);
      assert.deepEqual(csvLines((await teacher.get('/groups/export.csv')).body), ['Name,Description,Students', 'CS-1,,2']);
      assert.deepEqual(csvLines((await teacher.get('/groups/export.csv?archived=true')).body), ['Name,Description,Students', 'CS-1,,2']);

      const pupil = await createStudent(system, { groupId: cs.id });
      const learner = await signInAsNew(app, pupil.account.username, pupil.account.oneTimePassword);
      assert.equal((await learner.get('/groups/export.csv')).statusCode, 403);
    });

    test('form errors name the field, keep the input and change nothing: empty name, duplicate name', async (t) => {
      const { admin, db, system } = await pagesApp(t, database);
      const existing = await createGroup(system, { name: 'Physics' });
      const empty = await admin.post('/groups', { name: '', description: 'kept text' }, { from: '/groups/new' });
      assert.equal(empty.statusCode, 422);
      assert.match(empty.body, /Enter a name of 1–100 characters/);
      assert.match(empty.body, /kept text/);
      const duplicate = await admin.post('/groups', { name: 'physics', description: '' }, { from: '/groups/new' });
      assert.equal(duplicate.statusCode, 409);
      assert.match(duplicate.body, /already exists/);
      const other = await createGroup(system, { name: 'Chemistry' });
      const clash = await admin.post(`/groups/${other.id}`, { name: 'Physics', description: 'changed' }, { from: `/groups/${other.id}` });
      assert.equal(clash.statusCode, 409);
      assert.match(clash.body, /value="Physics"/, 'the rejected input is shown again');
      const rows = await db.selectFrom('groups').select(['name', 'description']).orderBy('id').execute();
      assert.deepEqual(rows, [
        { name: 'Physics', description: '' },
        { name: 'Chemistry', description: '' },
      ]);
      assert.equal(existing.name, 'Physics');
    });

    test('a lecturer sees only the groups they teach, read-only; other groups are 404; students get 403', async (t) => {
      const { app, db, system } = await pagesApp(t, database);
      const taught = await createGroup(system, { name: 'Taught-A' });
      const other = await createGroup(system, { name: 'Other-B' });
      const made = await createLecturer(system);
      await teach(system, made.lecturer.id, taught.id);
      const browser = await signInAsNew(app, made.account.username, made.account.oneTimePassword);

      const list = await browser.get('/groups');
      assert.equal(list.statusCode, 200);
      assert.match(list.body, /Groups you teach/);
      assert.deepEqual(listed(list.body), ['Taught-A']);
      assert.doesNotMatch(list.body, /New group/);
      const page = await browser.get(`/groups/${taught.id}`);
      assert.equal(page.statusCode, 200);
      assert.doesNotMatch(page.body, /data-testid="group-form"/, 'no edit form');
      assert.doesNotMatch(page.body, /Archive/);
      assert.equal((await browser.get(`/groups/${other.id}`)).statusCode, 404);
      assert.equal((await browser.get('/groups/new')).statusCode, 403);
      assert.equal((await browser.post(`/groups/${taught.id}`, { name: 'Hijacked' }, { from: '/groups' })).statusCode, 403);
      assert.equal((await browser.post(`/groups/${taught.id}/archive`, {}, { from: '/groups' })).statusCode, 403);

      const pupil = await createStudent(system, { groupId: taught.id });
      const studentBrowser = await signInAsNew(app, pupil.account.username, pupil.account.oneTimePassword);
      assert.equal((await studentBrowser.get('/groups')).statusCode, 403);
      assert.equal((await studentBrowser.get(`/groups/${taught.id}`)).statusCode, 403);
      assert.equal((await db.selectFrom('groups').select('name').where('id', '=', taught.id).executeTakeFirstOrThrow()).name, 'Taught-A');
    });

    test('signed out, the group pages lead to the sign-in page', async (t) => {
      const { app } = await pagesApp(t, database);
      const anonymous = new Browser(app);
      const response = await anonymous.get('/groups');
      assert.equal(response.statusCode, 303);
      assert.match(String(response.headers.location), /^\/login/);
    });
  });
}
