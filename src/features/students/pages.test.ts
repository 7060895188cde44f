// The student pages as admins, lecturers and students use them: forms with their errors, the list
// with search, filter, sorting and pages, exports, photos, the record's account box, and who may
// see what.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Browser } from '../../../test/http.js';
import { xlsxRows } from '../../../test/sheet-rows.js';
import { testDatabases } from '../../../test/services.js';
import { createGroup, createLecturer, createStudent, teach, TEST_PASSWORD } from '../../../test/factories.js';
import { oneTimePasswordIn, pagesApp, png, postMultipart, rowNames, signInAsNew, usernameIn } from '../../../test/people/page-helpers.js';
import * as groups from '../groups/service.js';
import { actorFromUser, findUserById } from '../auth/service.js';
import { createExercise } from '../exercises/service.js';
import { dismissSubmission, releaseScores, scoreSubmission, submitExercises } from '../exercises/submissions.js';
import { createSubject } from '../subjects/service.js';
import type { ServiceContext } from '../../context.js';

/** A service context acting as the account's owner. */
async function actingAs(system: ServiceContext, userId: number): Promise<ServiceContext> {
  const user = await findUserById(system, userId);
  if (!user) throw new Error(`no account ${userId}`);
  return { ...system, actor: actorFromUser(user) };
}

/** The exercises card's rows: each exercise's state and the score shown (empty: none), by id. */
function exerciseRows(body: string): Map<number, { state: string; score: string; html: string }> {
  const rows = new Map<number, { state: string; score: string; html: string }>();
  for (const m of body.matchAll(/<tr data-exercise-id="(\d+)" data-state="([^"]+)">([\s\S]*?)<\/tr>/g)) {
    const score = /data-testid="record-score">([^<]*)</.exec(m[3]!)?.[1] ?? '';
    rows.set(Number(m[1]), { state: m[2]!, score, html: m[3]! });
  }
  return rows;
}

const countRows = async (db: Awaited<ReturnType<typeof pagesApp>>['db'], table: 'students' | 'users' | 'files') =>
  Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

for (const database of await testDatabases()) {
  describe(`student pages on ${database}`, () => {
    test('an admin adds a student with a photo in one form; the page shows the one-time credentials once, and they sign in', async (t) => {
      const { app, admin, db, system } = await pagesApp(t, database);
      const cs = await createGroup(system, { name: 'CS-1' });
      const form = await admin.get('/students/new');
      assert.equal(form.statusCode, 200);
      assert.match(form.body, /enctype="multipart\/form-data"/);
      assert.match(form.body, /action="\/students"/);
      assert.doesNotMatch(form.body, /\?_csrf=/, 'no address carries the CSRF token');

      const created = await postMultipart(
        admin,
        '/students',
        '/students/new',
        { studentNumber: '2026-0001', lastName: 'Novak', firstName: 'Ana', patronymic: 'Petrovna', birthDate: '2005-04-01', email: 'Ana.Novak@Example.org', phone: '+359 2 123', address: 'Sofia', groupId: 'CS-1', username: '' },
        { field: 'photo', filename: 'me.png', type: 'image/png', bytes: await png() },
      );
      assert.equal(created.statusCode, 201, created.body.slice(0, 2000));
      assert.equal(created.headers['cache-control'], 'no-store');
      const username = usernameIn(created.body);
      const otp = oneTimePasswordIn(created.body);
      assert.equal(username, 'a.novak');
      assert.ok(otp && otp.length >= 12);
      assert.match(created.body, /shown once; hand it over securely/);
      assert.match(created.body, /data-testid="record-photo"/);
      assert.match(created.body, /data-testid="account-card"/);
      const row = await db.selectFrom('students').selectAll().where('studentNumber', '=', '2026-0001').executeTakeFirstOrThrow();
      assert.equal(row.email, 'ana.novak@example.org');
      assert.equal(row.groupId, cs.id);
      assert.ok(row.photoFileId && row.photoThumbnailFileId);

      const page = await admin.get(`/students/${row.id}`);
      assert.equal(oneTimePasswordIn(page.body), undefined, 'the password is not shown again');
      assert.match(page.body, new RegExp(`href="/groups/${cs.id}"`));
      assert.match(page.body, /data-testid="birth-date">2005-04-01</);
      assert.match(page.body, /Subjects/);
      assert.match(page.body, /Exercises and scores/);
      assert.match(page.body, /Thesis/);

      const owner = await signInAsNew(app, username!, otp!);
      const mine = await owner.get('/my-record');
      assert.equal(mine.statusCode, 303);
      assert.equal(mine.headers.location, `/students/${row.id}`);
      const own = await owner.get(`/students/${row.id}`);
      assert.equal(own.statusCode, 200);
      assert.match(own.body, /My record/);
      assert.match(own.body, /data-testid="phone">\+359 2 123</, 'a student sees their own contact data');
      assert.doesNotMatch(own.body, /data-testid="account-card"/);
      assert.doesNotMatch(own.body, /href="\/students\/\d+\/edit"/);
      const photo = await owner.get(`/students/${row.id}/photo`);
      assert.equal(photo.statusCode, 200);
      assert.equal(photo.headers['content-type'], 'image/jpeg');
    });

    test('a new student without a photo (empty file input) and with a chosen username', async (t) => {
      const { admin, db } = await pagesApp(t, database);
      const created = await postMultipart(admin, '/students', '/students/new', { studentNumber: 'X-1', lastName: 'Ivanov', firstName: 'Ivan', username: 'Ivan.Custom' }, { field: 'photo', filename: '', type: 'application/octet-stream', bytes: Buffer.alloc(0) });
      assert.equal(created.statusCode, 201, created.body.slice(0, 1500));
      assert.equal(usernameIn(created.body), 'ivan.custom');
      assert.match(created.body, /data-testid="photo-placeholder"/);
      const row = await db.selectFrom('students').select(['photoFileId']).where('studentNumber', '=', 'X-1').executeTakeFirstOrThrow();
      assert.equal(row.photoFileId, null);
    });

    test('the multipart forms carry the CSRF token as their first field or in the header; one in the address is refused', async (t) => {
      const { admin, db, system } = await pagesApp(t, database);
      const form = await admin.get('/students/new');
      assert.match(form.body, /<form[^>]*enctype="multipart\/form-data"[^>]*>\s*<input type="hidden" name="_csrf"/, 'the token is the form\'s first field');
      const created = await postMultipart(admin, '/students', '/students/new', { studentNumber: 'Q-1', lastName: 'Field', firstName: 'Quinn' });
      assert.equal(created.statusCode, 201, 'as the page\'s form sends it');
      const viaHeader = await postMultipart(admin, '/students', '/students/new', { studentNumber: 'Q-2', lastName: 'Header', firstName: 'Hal' }, undefined, { token: 'header' });
      assert.equal(viaHeader.statusCode, 201, 'as htmx sends it');
      const students0 = await countRows(db, 'students');
      const viaQuery = await postMultipart(admin, '/students', '/students/new', { studentNumber: 'Q-3', lastName: 'Query', firstName: 'Quentin' }, undefined, { token: 'query' });
      assert.equal(viaQuery.statusCode, 403);
      assert.equal(viaQuery.headers.connection, 'close', 'the refused body is not read on');
      assert.equal(await countRows(db, 'students'), students0, 'nothing was added');

      const made = await createStudent(system);
      const record = await admin.get(`/students/${made.student.id}`);
      assert.match(record.body, new RegExp(`<form method="post" action="/students/${made.student.id}/photo" enctype="multipart/form-data"[^>]*>\\s*<input type="hidden" name="_csrf"`));
      const photo = { field: 'photo', filename: 'p.png', type: 'image/png', bytes: await png() };
      const files0 = await countRows(db, 'files');
      const photoViaQuery = await postMultipart(admin, `/students/${made.student.id}/photo`, `/students/${made.student.id}`, {}, photo, { token: 'query' });
      assert.equal(photoViaQuery.statusCode, 403);
      assert.equal(await countRows(db, 'files'), files0, 'no photo was stored');
      const uploaded = await postMultipart(admin, `/students/${made.student.id}/photo`, `/students/${made.student.id}`, {}, photo);
      assert.equal(uploaded.statusCode, 303);
      assert.equal(uploaded.headers.location, `/students/${made.student.id}`, 'the browser ends on the record, with no token in the address');
    });

    test('form errors name the field, keep the input and leave nothing changed: bad date, duplicate number, unknown group, bad photo', async (t) => {
      const { admin, db, system } = await pagesApp(t, database);
      const first = await createStudent(system, { studentNumber: 'TAKEN-1', email: 'taken@example.org' });
      const students0 = await countRows(db, 'students');
      const users0 = await countRows(db, 'users');
      const base = { studentNumber: 'NEW-1', lastName: 'Kept', firstName: 'Name', email: 'new@example.org' };

      const badDate = await postMultipart(admin, '/students', '/students/new', { ...base, birthDate: '2005-02-30' });
      assert.equal(badDate.statusCode, 422);
      assert.match(badDate.body, /Enter a real birth date/);
      assert.match(badDate.body, /value="Kept"/);
      assert.match(badDate.body, /is-invalid" id="field-birthDate"/);

      const duplicate = await postMultipart(admin, '/students', '/students/new', { ...base, studentNumber: 'TAKEN-1' });
      assert.equal(duplicate.statusCode, 409);
      assert.match(duplicate.body, /Student number TAKEN-1 belongs to another student/);
      assert.match(duplicate.body, /Check the highlighted fields\./, 'the alert points at the fields, which name the problem');
      assert.doesNotMatch(duplicate.body, /data-testid="photo-again"/, 'no photo was sent: nothing to choose again');

      const withPhoto = await postMultipart(admin, '/students', '/students/new', { ...base, studentNumber: 'TAKEN-1' }, { field: 'photo', filename: 'ana.png', type: 'image/png', bytes: await png() });
      assert.equal(withPhoto.statusCode, 409);
      assert.match(withPhoto.body, /Choose the photo \(ana\.png\) again: files cannot be kept when the form is shown again\./);

      const unknownGroup = await postMultipart(admin, '/students', '/students/new', { ...base, groupId: '999999' });
      assert.equal(unknownGroup.statusCode, 422);
      assert.match(unknownGroup.body, /No group is named &#34;999999&#34;/, 'the group field takes a name, not an id');
      assert.match(unknownGroup.body, /name="groupId"[^>]*value="999999"/, 'what was typed is kept');

      const notAnImage = await postMultipart(admin, '/students', '/students/new', base, { field: 'photo', filename: 'photo.jpg', type: 'image/jpeg', bytes: Buffer.from('this is not a picture') });
      assert.equal(notAnImage.statusCode, 422);
      assert.match(notAnImage.body, /JPEG, PNG or WebP/);
      assert.match(notAnImage.body, /value="NEW-1"/);

      const tooBig = await postMultipart(admin, '/students', '/students/new', base, { field: 'photo', filename: 'big.png', type: 'image/png', bytes: Buffer.alloc(5 * 1024 * 1024 + 10, 1) });
      assert.equal(tooBig.statusCode, 413);
      assert.match(tooBig.body, /5 MB/);
      assert.match(tooBig.body, /value="Kept"/);

      assert.equal(await countRows(db, 'students'), students0, 'no student was added');
      assert.equal(await countRows(db, 'users'), users0, 'no account was added');
      assert.equal(await countRows(db, 'files'), 0, 'no photo was kept');

      const editPage = `/students/${first.student.id}/edit`;
      assert.equal((await admin.get(editPage)).statusCode, 200);
      const badEdit = await admin.post(`/students/${first.student.id}`, { studentNumber: 'TAKEN-1', lastName: 'Changed', firstName: 'Sam', birthDate: 'yesterday' }, { from: editPage });
      assert.equal(badEdit.statusCode, 422);
      assert.match(badEdit.body, /Enter the birth date as YYYY-MM-DD/);
      assert.match(badEdit.body, /value="Changed"/);
      const unchanged = await db.selectFrom('students').select(['lastName']).where('id', '=', first.student.id).executeTakeFirstOrThrow();
      assert.notEqual(unchanged.lastName, 'Changed');
    });

    test('edit, archive and restore: archived students leave the list, stay on their page and in the history', async (t) => {
      const { admin, db, system } = await pagesApp(t, database);
      const g = await createGroup(system, { name: 'G-1' });
      const made = await createStudent(system, { lastName: 'Before' });
      const id = made.student.id;
      const saved = await admin.post(
        `/students/${id}`,
        { studentNumber: made.student.studentNumber, lastName: 'After', firstName: 'Sam', patronymic: '', birthDate: '2004-12-31', email: 'after@example.org', phone: '', address: '', groupId: 'G-1' },
        { from: `/students/${id}/edit` },
      );
      assert.equal(saved.statusCode, 303);
      assert.equal((await db.selectFrom('students').select('groupId').where('id', '=', id).executeTakeFirstOrThrow()).groupId, g.id, 'the group typed by name is saved');
      const page = await admin.get(`/students/${id}`);
      assert.match(page.body, /Saved the record/);
      assert.match(page.body, /data-testid="birth-date">2004-12-31</);
      assert.match(page.body, /G-1/);

      assert.equal((await admin.post(`/students/${id}/archive`, {}, { from: `/students/${id}` })).statusCode, 303);
      assert.deepEqual(rowNames((await admin.get('/students')).body), []);
      assert.deepEqual(rowNames((await admin.get('/students?archived=true')).body), ['After, Sam']);
      const archivedPage = await admin.get(`/students/${id}`);
      assert.equal(archivedPage.statusCode, 200);
      assert.match(archivedPage.body, /data-testid="archived-badge"/);
      assert.equal((await admin.post(`/students/${id}/restore`, {}, { from: `/students/${id}` })).statusCode, 303);
      assert.deepEqual(rowNames((await admin.get('/students')).body), ['After, Sam']);
      const actions = (await db.selectFrom('auditLog').select('action').where('entity', '=', 'student').where('entityId', '=', String(id)).orderBy('id').execute()).map((r) => r.action);
      assert.deepEqual(actions, ['student.created', 'student.updated', 'student.archived', 'student.restored']);
    });

    test('the list searches number, name, patronymic, phone and e-mail, filters by group, sorts and pages', async (t) => {
      const { admin, system } = await pagesApp(t, database);
      const a = await createGroup(system, { name: 'Alpha' });
      const b = await createGroup(system, { name: 'Beta' });
      await createStudent(system, { studentNumber: 'S-003', lastName: 'Zeller', firstName: 'Zoe', patronymic: 'Markovna', phone: '+359 88 111 2222', email: 'zoe@uni.example', groupId: a.id });
      await createStudent(system, { studentNumber: 'S-001', lastName: 'Adams', firstName: 'Amy', email: 'amy@uni.example', groupId: b.id });
      await createStudent(system, { studentNumber: 'S-002', lastName: 'Mikić', firstName: 'Ivo', groupId: a.id });

      const names = async (query: string) => rowNames((await admin.get(`/students?${query}`)).body);
      assert.deepEqual(await names(''), ['Adams, Amy', 'Mikić, Ivo', 'Zeller, Zoe Markovna']);
      assert.deepEqual(await names('q=S-001'), ['Adams, Amy']);
      assert.deepEqual(await names('q=zell'), ['Zeller, Zoe Markovna']);
      assert.deepEqual(await names('q=mikic'), ['Mikić, Ivo'], 'accents fold');
      assert.deepEqual(await names('q=markovna'), ['Zeller, Zoe Markovna']);
      assert.deepEqual(await names('q=1112222'), ['Zeller, Zoe Markovna'], 'phone digits without spaces');
      assert.deepEqual(await names('q=amy%40uni'), ['Adams, Amy']);
      assert.deepEqual(await names(`group=${a.id}`), ['Mikić, Ivo', 'Zeller, Zoe Markovna']);
      assert.deepEqual(await names(`group=${a.id}&q=ivo`), ['Mikić, Ivo']);
      assert.deepEqual(await names('sort=number'), ['Adams, Amy', 'Mikić, Ivo', 'Zeller, Zoe Markovna']);
      assert.deepEqual(await names('sort=-number'), ['Zeller, Zoe Markovna', 'Mikić, Ivo', 'Adams, Amy']);
      assert.deepEqual(await names('sort=-name'), ['Zeller, Zoe Markovna', 'Mikić, Ivo', 'Adams, Amy']);
      const sorted = await admin.get('/students?sort=number&q=s-');
      assert.match(sorted.body, /aria-sort="ascending"/);
      assert.match(sorted.body, /href="\/students\?q=s-&sort=-number"/, 'the header link reverses the order and keeps the search');
      const bad = await admin.get('/students?sort=shoe-size&group=abc');
      assert.equal(bad.statusCode, 200);
      assert.match(bad.body, /sorted by name instead/);

      for (let i = 0; i < 57; i++) await createStudent(system, { studentNumber: `P-${String(i).padStart(3, '0')}`, lastName: `Page${String(i).padStart(3, '0')}`, groupId: b.id });
      const first = await admin.get(`/students?group=${b.id}&sort=number`);
      assert.equal(rowNames(first.body).length, 50);
      assert.match(first.body, /Showing 1–50 of 58 students/);
      assert.match(first.body, new RegExp(`href="/students\\?group=${b.id}&sort=number&page=2"`));
      const second = await admin.get(`/students?group=${b.id}&sort=number&page=2`);
      assert.match(second.body, /Showing 51–58 of 58 students/);
      await groups.archiveGroup(system, b.id);
      const archivedGroup = await admin.get(`/students?group=${b.id}`);
      assert.match(archivedGroup.body, /name="groupName"[^>]*value="Beta"/, 'an archived group filter shows by name in the picker');
      assert.match(archivedGroup.body, /id="filter-group-note">An archived group\.</);
      const applied = await admin.get('/students?groupName=Beta');
      assert.equal(rowNames(applied.body).length, 50, 'and survives Apply (the form sends the name)');
      assert.match(applied.body, new RegExp(`href="/students\\?group=${b.id}&page=2"`), "the page's links carry the group's id");
      await groups.archiveGroup(system, b.id, false);
      const beyond = await admin.get(`/students?group=${b.id}&page=99`);
      assert.match(beyond.body, /No students on this page\./, 'not "No students yet": there are 58');
      assert.match(beyond.body, /Page 99 is past the end/);
      // By number, P-… comes before S-…: the second page ends with the group's S-001.
      assert.deepEqual(rowNames(second.body), ['Page050, Sam', 'Page051, Sam', 'Page052, Sam', 'Page053, Sam', 'Page054, Sam', 'Page055, Sam', 'Page056, Sam', 'Adams, Amy']);
    });

    test('the new-student form carries a one-time id: sent again (a refreshed answer), it says the student was created and links them', async (t) => {
      const { admin, db } = await pagesApp(t, database);
      const form = await admin.get('/students/new');
      const formId = /name="formId" value="([0-9a-f-]{36})"/.exec(form.body)?.[1];
      assert.ok(formId, 'the form holds a random id');
      const fields = { studentNumber: 'R-1', lastName: 'Again', firstName: 'Rita', formId };
      const refused = await postMultipart(admin, '/students', '/students/new', { ...fields, birthDate: '2006-02-30' });
      assert.equal(refused.statusCode, 422);
      assert.match(refused.body, new RegExp(`name="formId" value="${formId}"`), 'a refused form keeps its id');
      const first = await postMultipart(admin, '/students', '/students/new', fields);
      assert.equal(first.statusCode, 201);
      const again = await postMultipart(admin, '/students', '/students/new', fields);
      assert.equal(again.statusCode, 409);
      const rows = await db.selectFrom('students').select('id').where('studentNumber', '=', 'R-1').execute();
      assert.equal(rows.length, 1, 'one student');
      assert.match(again.body, /This form was already submitted; the record was created:/);
      assert.doesNotMatch(again.body, /belongs to another student/, 'not the taken-number error, which reads as a failure');
      assert.match(again.body, new RegExp(`href="/students/${rows[0]!.id}"`));
      assert.equal(oneTimePasswordIn(again.body), undefined, 'no password shown again');
      const other = await postMultipart(admin, '/students', '/students/new', { studentNumber: 'R-2', lastName: 'Other', firstName: 'Olga' });
      assert.equal(other.statusCode, 201, 'a form without the id (the API, older pages) still creates');
    });

    test('exports carry the filter, neutralise formula-like cells, and follow what the actor may see', async (t) => {
      const { app, admin, system } = await pagesApp(t, database);
      const a = await createGroup(system, { name: 'Export-A' });
      const b = await createGroup(system, { name: 'Export-B' });
      await createStudent(system, { studentNumber: 'E-1', lastName: '=cmd|calc', firstName: 'Eve', birthDate: '2003-03-03', phone: '+1 555', groupId: a.id });
      await createStudent(system, { studentNumber: 'E-2', lastName: 'Plain', firstName: 'Paul', groupId: b.id });

      const list = await admin.get(`/students?group=${a.id}`);
      assert.match(list.body, new RegExp(`href="/students/export.xlsx\\?group=${a.id}"`));
      assert.match(list.body, new RegExp(`href="/students/export.csv\\?group=${a.id}"`));

      const xlsx = await admin.get(`/students/export.xlsx?group=${a.id}`);
      assert.equal(xlsx.statusCode, 200);
      assert.equal(xlsx.headers['content-type'], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      assert.match(String(xlsx.headers['content-disposition']), /^attachment; filename="students-\d{4}-\d{2}-\d{2}\.xlsx"$/);
      assert.equal(xlsx.headers['x-content-type-options'], 'nosniff');
      const rows = await xlsxRows(xlsx.rawPayload);
      assert.deepEqual(rows[0], ['Student number', 'Last name', 'First name', 'Patronymic', 'Birth date', 'E-mail', 'Phone', 'Address', 'Group']);
      assert.equal(rows.length, 2, 'only the filtered group');
      assert.equal(rows[1]![0], 'E-1');
      assert.equal(rows[1]![1], "'=cmd|calc", 'the formula is neutralised');

      const csv = await admin.get(`/students/export.csv?q=plain`);
      assert.equal(csv.statusCode, 200);
      assert.match(String(csv.headers['content-type']), /^text\/csv/);
      assert.match(String(csv.headers['content-disposition']), /filename="students-\d{4}-\d{2}-\d{2}\.csv"/);
      const lines = csv.body.replace(/^\uFEFF/, '').trim().split('\r\n');
      assert.equal(lines.length, 2);
      assert.match(lines[1]!, /^E-2,Plain,Paul,/);
      const all = (await admin.get('/students/export.csv')).body;
      assert.match(all, /'=cmd\|calc/);

      const made = await createLecturer(system);
      await teach(system, made.lecturer.id, a.id);
      const teacher = await signInAsNew(app, made.account.username, made.account.oneTimePassword);
      const theirs = await teacher.get('/students/export.csv');
      assert.equal(theirs.statusCode, 200);
      const theirLines = theirs.body.replace(/^\uFEFF/, '').trim().split('\r\n');
      assert.equal(theirLines[0], 'Student number,Last name,First name,Patronymic,E-mail,Group', 'no birth date, phone or address');
      assert.equal(theirLines.length, 2, "only the taught group's students");
      assert.doesNotMatch(theirs.body, /2003-03-03|\+1 555/);
    });

    test('a lecturer sees the students of the groups they teach, without birth date, phone or address; others are 404', async (t) => {
      const { app, system } = await pagesApp(t, database);
      const taught = await createGroup(system, { name: 'Taught' });
      const other = await createGroup(system, { name: 'Other' });
      const mine = await createStudent(system, { lastName: 'Mine', birthDate: '2002-02-02', phone: '+44 20 7946 0000', address: '1 Secret Street', email: 'mine@example.org', groupId: taught.id });
      const notMine = await createStudent(system, { lastName: 'NotMine', groupId: other.id });
      const made = await createLecturer(system);
      await teach(system, made.lecturer.id, taught.id);
      const teacher = await signInAsNew(app, made.account.username, made.account.oneTimePassword);

      const list = await teacher.get('/students');
      assert.equal(list.statusCode, 200);
      assert.deepEqual(rowNames(list.body), ['Mine, Sam']);
      assert.doesNotMatch(list.body, /New student/);
      assert.doesNotMatch(list.body, /Show archived/);
      assert.doesNotMatch(list.body, /\+44 20/);
      assert.match(list.body, /placeholder="Number, name, patronymic or e-mail"/, 'the search box does not promise a phone search');
      const groupOptions = [...list.body.matchAll(/<option value="([^"]*)"><\/option>/g)].map((m) => m[1]);
      assert.deepEqual(groupOptions, ['Taught'], 'the group filter offers the taught groups only');

      const page = await teacher.get(`/students/${mine.student.id}`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /mine@example.org/);
      assert.doesNotMatch(page.body, /2002-02-02|\+44 20 7946|Secret Street/);
      assert.doesNotMatch(page.body, /data-testid="account-card"|\/edit"|Archive/);
      assert.equal((await teacher.get(`/students/${notMine.student.id}`)).statusCode, 404);
      assert.equal((await teacher.get(`/students/${notMine.student.id}/photo`)).statusCode, 404);
      assert.equal((await teacher.get('/students/new')).statusCode, 403);
      assert.equal((await teacher.post(`/students/${mine.student.id}/archive`, {}, { from: '/students' })).statusCode, 403);
      const ownRecord = await teacher.get('/my-record');
      assert.equal(ownRecord.statusCode, 303, "a lecturer's own record is theirs to open");
      assert.equal(ownRecord.headers.location, `/lecturers/${made.lecturer.id}`);
    });

    test('a student sees only their own record: others are 404, the list leads to their record', async (t) => {
      const { app, system } = await pagesApp(t, database);
      const g = await createGroup(system, { name: 'Mates' });
      const me = await createStudent(system, { lastName: 'Me', groupId: g.id });
      const mate = await createStudent(system, { lastName: 'Mate', groupId: g.id });
      const browser = await signInAsNew(app, me.account.username, me.account.oneTimePassword);
      assert.equal((await browser.get(`/students/${me.student.id}`)).statusCode, 200);
      assert.equal((await browser.get(`/students/${mate.student.id}`)).statusCode, 404);
      assert.equal((await browser.get(`/students/${mate.student.id}/photo/thumbnail`)).statusCode, 404);
      const list = await browser.get('/students');
      assert.equal(list.statusCode, 303);
      assert.equal(list.headers.location, '/my-record');
      assert.equal((await browser.get('/students/export.csv')).statusCode, 403);
      const own = await browser.get(`/students/${me.student.id}`);
      assert.doesNotMatch(own.body, /href="\/groups\//, 'no link to group pages a student cannot open');
      assert.match(own.body, /Mates/);
      assert.match(own.body, /Your group takes no subjects yet\./, 'the student is addressed directly on their own record');
      assert.doesNotMatch(own.body, /The group takes no subjects/);
    });

    test('photos: upload, served with ETag and private caching to those allowed, replaced, removed; refusals explained', async (t) => {
      const { app, admin, db, system } = await pagesApp(t, database);
      const g = await createGroup(system, { name: 'Photo-G' });
      const made = await createStudent(system, { groupId: g.id });
      const id = made.student.id;
      assert.equal((await admin.get(`/students/${id}/photo`)).statusCode, 404, 'no photo yet');

      const uploaded = await postMultipart(admin, `/students/${id}/photo`, `/students/${id}`, {}, { field: 'photo', filename: 'face.png', type: 'image/png', bytes: await png() });
      assert.equal(uploaded.statusCode, 303, uploaded.body.slice(0, 1000));
      const page = await admin.get(`/students/${id}`);
      assert.match(page.body, new RegExp(`src="/students/${id}/photo\\?v=\\d+"`));
      assert.match(page.body, /Remove photo/);

      const photo = await admin.get(`/students/${id}/photo`);
      assert.equal(photo.statusCode, 200);
      assert.equal(photo.headers['content-type'], 'image/jpeg');
      assert.equal(photo.headers['cache-control'], 'private, no-cache');
      assert.equal(photo.headers['x-content-type-options'], 'nosniff');
      const etag = String(photo.headers.etag);
      assert.match(etag, /^"[0-9a-f]{64}"$/);
      assert.equal((await admin.get(`/students/${id}/photo`, { 'if-none-match': etag })).statusCode, 304);
      const thumb = await admin.get(`/students/${id}/photo/thumbnail`);
      assert.equal(thumb.statusCode, 200);
      assert.ok(thumb.rawPayload.length < photo.rawPayload.length);
      assert.match((await admin.get('/students')).body, new RegExp(`src="/students/${id}/photo/thumbnail\\?v=\\d+"`));

      const made2 = await createLecturer(system);
      await teach(system, made2.lecturer.id, g.id);
      const teacher = await signInAsNew(app, made2.account.username, made2.account.oneTimePassword);
      assert.equal((await teacher.get(`/students/${id}/photo`)).statusCode, 200, 'a lecturer of the group sees it');
      const outsider = await createLecturer(system);
      const stranger = await signInAsNew(app, outsider.account.username, outsider.account.oneTimePassword);
      assert.equal((await stranger.get(`/students/${id}/photo`)).statusCode, 404);
      assert.equal((await new Browser(app).get(`/students/${id}/photo`)).statusCode, 303, 'signed out: to the sign-in page');
      assert.equal((await postMultipart(teacher, `/students/${id}/photo`, '/students', {}, { field: 'photo', filename: 'x.png', type: 'image/png', bytes: await png() })).statusCode, 403);

      const refused = await postMultipart(admin, `/students/${id}/photo`, `/students/${id}`, {}, { field: 'photo', filename: 'evil.jpg', type: 'image/jpeg', bytes: Buffer.from('<script>alert(1)</script>') });
      assert.equal(refused.statusCode, 422);
      assert.match(refused.body, /JPEG, PNG or WebP/);
      assert.equal((await admin.get(`/students/${id}/photo`)).headers.etag, etag, 'the photo is unchanged');

      const replaced = await postMultipart(admin, `/students/${id}/photo`, `/students/${id}`, {}, { field: 'photo', filename: 'new.png', type: 'image/png', bytes: await png(640, 640) });
      assert.equal(replaced.statusCode, 303);
      assert.notEqual((await admin.get(`/students/${id}/photo`)).headers.etag, etag);
      assert.equal(await countRows(db, 'files'), 2, 'the replaced photo and thumbnail are deleted');

      const removed = await admin.post(`/students/${id}/photo/remove`, {}, { from: `/students/${id}` });
      assert.equal(removed.statusCode, 303);
      assert.equal((await admin.get(`/students/${id}/photo`)).statusCode, 404);
      assert.equal(await countRows(db, 'files'), 0);
      assert.match((await admin.get(`/students/${id}`)).body, /data-testid="photo-placeholder"/);
    });

    test("the record's account box: reset shows a one-time password that signs in; disable and enable", async (t) => {
      const { app, admin, system } = await pagesApp(t, database);
      const made = await createStudent(system);
      const id = made.student.id;
      const page = await admin.get(`/students/${id}`);
      assert.match(page.body, new RegExp(`data-testid="account-card"`));
      assert.match(page.body, new RegExp(made.account.username.replace('.', '\\.')));

      const resetId = /name="resetId" value="([0-9a-f-]{36})"/.exec(page.body)?.[1];
      assert.ok(resetId, 'the reset form holds a random id');
      const reset = await admin.post(`/students/${id}/account/reset-password`, { resetId }, { from: `/students/${id}` });
      assert.equal(reset.statusCode, 200);
      const reloaded = await admin.post(`/students/${id}/account/reset-password`, { resetId }, { from: `/students/${id}` });
      assert.equal(reloaded.statusCode, 303, 'a reloaded answer makes no second password');
      assert.match((await admin.get(`/students/${id}`)).body, /already reset from this page/);
      assert.equal(reset.headers['cache-control'], 'no-store');
      const otp = oneTimePasswordIn(reset.body);
      assert.ok(otp && otp !== made.account.oneTimePassword);
      assert.equal((await new Browser(app).post('/login', { username: made.account.username, password: made.account.oneTimePassword })).statusCode, 401, 'the old password is gone');
      const owner = await signInAsNew(app, made.account.username, otp!);
      assert.equal((await owner.get('/dashboard')).statusCode, 200);

      const disabled = await admin.post(`/students/${id}/account/disable`, {}, { from: `/students/${id}` });
      assert.equal(disabled.statusCode, 303);
      assert.equal(disabled.headers.location, `/students/${id}`);
      assert.equal((await owner.get('/dashboard')).statusCode, 303, 'signed out everywhere');
      assert.match((await admin.get(`/students/${id}`)).body, /Enable account/);
      const enabled = await admin.post(`/students/${id}/account/enable`, {}, { from: `/students/${id}` });
      assert.equal(enabled.statusCode, 303);
      assert.match((await admin.get(`/students/${id}`)).body, /Disable account/);
    });

    test("a student's record shows the group's subjects and the exercises and scores each viewer may see: a lecturer only their subjects', the student only released scores", async (t) => {
      const { app, adminUser, system, clock } = await pagesApp(t, database);
      const g = await createGroup(system, { name: 'CS-7' });
      const other = await createGroup(system, { name: 'MA-7' });
      const horvat = await createLecturer(system, { lastName: 'Horvat', firstName: 'Ivan' });
      const ilic = await createLecturer(system, { lastName: 'Ilic', firstName: 'Iva' });
      const databases = await createSubject(system, { name: 'Databases', groupIds: [g.id], lecturerIds: [horvat.lecturer.id] });
      const algorithms = await createSubject(system, { name: 'Algorithms', groupIds: [g.id], lecturerIds: [ilic.lecturer.id] });
      // Horvat teaches Geometry to another group only: he may open its page, not see it here.
      const geometry = await createSubject(system, { name: 'Geometry', groupIds: [g.id, other.id], lecturerIds: [ilic.lecturer.id] });
      await system.db.insertInto('teaching').values({ subjectId: geometry.id, lecturerId: horvat.lecturer.id, groupId: other.id }).execute();
      const sara = await createStudent(system, { lastName: 'Novak', firstName: 'Sara', groupId: g.id });
      const mate = await createStudent(system, { lastName: 'Mate', groupId: g.id });
      const asHorvat = await actingAs(system, horvat.account.userId);
      const asIlic = await actingAs(system, ilic.account.userId);
      const asSara = await actingAs(system, sara.account.userId);
      const at = (hours: number) => new Date(clock.now().getTime() + hours * 3_600_000).toISOString();
      const keys = await createExercise(asHorvat, { subjectId: databases.id, groupIds: [g.id], title: 'Keys', dueAt: at(100) });
      const joins = await createExercise(asHorvat, { subjectId: databases.id, groupIds: [g.id], title: 'Joins', dueAt: at(100), scoreRelease: 'manual' });
      const views = await createExercise(asHorvat, { subjectId: databases.id, groupIds: [g.id], title: 'Views', dueAt: at(24) });
      const sorting = await createExercise(asIlic, { subjectId: algorithms.id, groupIds: [g.id], title: 'Sorting', dueAt: at(1) });
      const graphs = await createExercise(asIlic, { subjectId: algorithms.id, groupIds: [g.id], title: 'Graphs', dueAt: at(2) });
      const angles = await createExercise(asIlic, { subjectId: geometry.id, groupIds: [g.id], title: 'Angles' });
      const sent = new Map<number, { id: number; version: number }>();
      for (const e of [keys, joins, views]) sent.set(e.id, (await submitExercises(asSara, { exerciseIds: [e.id] })).sent[0]!);
      clock.advance(90 * 60_000);
      sent.set(sorting.id, (await submitExercises(asSara, { exerciseIds: [sorting.id] })).sent[0]!);
      await scoreSubmission(asHorvat, sent.get(keys.id)!.id, { score: 5, version: sent.get(keys.id)!.version });
      await scoreSubmission(asHorvat, sent.get(joins.id)!.id, { score: 4, version: sent.get(joins.id)!.version });
      await dismissSubmission(asHorvat, sent.get(views.id)!.id, { reason: 'Empty <file>' });
      await scoreSubmission(asIlic, sent.get(sorting.id)!.id, { score: 2, version: sent.get(sorting.id)!.version });
      // Graphs is now overdue and never sent, Views (removed) due within two days; Angles has no due time.
      clock.advance(90 * 60_000);

      // Signed in now: the sessions of three hours ago have timed out.
      const admin = new Browser(app);
      await admin.signIn(adminUser.username, TEST_PASSWORD);
      // An admin: every subject linked, every exercise, every given score (Joins not yet shown to Sara).
      const byAdmin = (await admin.get(`/students/${sara.student.id}`)).body;
      for (const subject of [databases, algorithms, geometry]) assert.match(byAdmin, new RegExp(`href="/subjects/${subject.id}"`));
      assert.match(byAdmin, /Databases<\/a><span class="small text-secondary"> · Horvat Ivan</, 'who teaches the subject to the group');
      const adminRows = exerciseRows(byAdmin);
      assert.deepEqual([...adminRows.keys()].sort(), [keys.id, joins.id, views.id, sorting.id, graphs.id, angles.id].sort());
      assert.deepEqual(
        [keys, joins, views, sorting, graphs, angles].map((e) => [adminRows.get(e.id)!.state, adminRows.get(e.id)!.score]),
        [['scored', '5'], ['scored', '4'], ['due soon', ''], ['scored', '2'], ['overdue', ''], ['open', '']],
      );
      assert.match(adminRows.get(joins.id)!.html, /not yet shown to the student/);
      assert.match(adminRows.get(views.id)!.html, /Returned by the lecturer: Empty &lt;file/, 'the reason, escaped');
      assert.match(adminRows.get(sorting.id)!.html, />late</, 'sent after its due time');
      assert.match(byAdmin, /data-testid="record-rating">Rating 3\.67 \(3 scores\)</);
      assert.match(byAdmin, new RegExp(`href="/subjects/${databases.id}/gradebook\\?group=${g.id}"`));
      assert.match(byAdmin, new RegExp(`href="/subjects/${algorithms.id}/gradebook\\?group=${g.id}"`));

      // Horvat: his subject's exercises and scores only; Algorithms named, not linked; no Sorting, no 2.
      const horvatBrowser = await signInAsNew(app, horvat.account.username, horvat.account.oneTimePassword);
      const byHorvat = (await horvatBrowser.get(`/students/${sara.student.id}`)).body;
      const horvatRows = exerciseRows(byHorvat);
      assert.deepEqual([...horvatRows.keys()].sort(), [keys.id, joins.id, views.id].sort());
      assert.doesNotMatch(byHorvat, /Sorting|Graphs|Angles/, "another lecturer's exercises stay out of sight");
      assert.match(byHorvat, /data-testid="record-rating">Rating 4\.50 \(2 scores\)</, 'the rating of the scores he may see');
      assert.match(byHorvat, /Only the subjects you teach to this group are shown/);
      assert.match(byHorvat, new RegExp(`href="/subjects/${databases.id}"`));
      assert.match(byHorvat, new RegExp(`href="/subjects/${geometry.id}"`), 'a subject he teaches to another group opens for him');
      assert.doesNotMatch(byHorvat, new RegExp(`href="/subjects/${algorithms.id}"`));
      assert.match(byHorvat, /<span>Algorithms<\/span>/);
      assert.match(byHorvat, new RegExp(`href="/subjects/${databases.id}/gradebook\\?group=${g.id}"`));
      assert.doesNotMatch(byHorvat, new RegExp(`/subjects/(${algorithms.id}|${geometry.id})/gradebook`));

      // Ilic: Algorithms and Geometry; never Databases' 5 or 4.
      const ilicBrowser = await signInAsNew(app, ilic.account.username, ilic.account.oneTimePassword);
      const ilicRows = exerciseRows((await ilicBrowser.get(`/students/${sara.student.id}`)).body);
      assert.deepEqual([...ilicRows.keys()].sort(), [sorting.id, graphs.id, angles.id].sort());

      // Sara: every exercise of her group; Joins' score waits for its release, and her rating leaves it out.
      const saraBrowser = await signInAsNew(app, sara.account.username, sara.account.oneTimePassword);
      const own = (await saraBrowser.get(`/students/${sara.student.id}`)).body;
      const ownRows = exerciseRows(own);
      assert.equal(ownRows.size, 6);
      assert.deepEqual([ownRows.get(joins.id)!.state, ownRows.get(joins.id)!.score], ['waiting', '']);
      assert.doesNotMatch(ownRows.get(joins.id)!.html, /not yet shown/);
      assert.deepEqual([ownRows.get(keys.id)!.score, ownRows.get(sorting.id)!.score], ['5', '2']);
      assert.match(own, /data-testid="record-rating">Rating 3\.50 \(2 scores, as shown to you\)</);
      assert.match(own, /href="\/my-exercises" data-testid="my-exercises-link"/);
      assert.doesNotMatch(own, /gradebook/);
      for (const subject of [databases, algorithms, geometry]) assert.match(own, new RegExp(`href="/subjects/${subject.id}"`));
      assert.equal((await saraBrowser.get(`/students/${mate.student.id}`)).statusCode, 404, "a classmate's record stays out of reach");

      await releaseScores(asHorvat, joins.id);
      const released = (await saraBrowser.get(`/students/${sara.student.id}`)).body;
      assert.deepEqual([exerciseRows(released).get(joins.id)!.state, exerciseRows(released).get(joins.id)!.score], ['scored', '4']);
      assert.match(released, /Rating 3\.67 \(3 scores, as shown to you\)/);
    });
  });
}
