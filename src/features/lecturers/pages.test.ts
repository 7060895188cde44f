// The lecturer pages: admins add, edit (with the admin flag), archive and export lecturers; a
// lecturer sees their own record only; photos and the account box as for students.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import { Browser } from '../../../test/http.js';
import { testDatabases } from '../../../test/services.js';
import { createGroup, createLecturer, createStudent, teach, TEST_PASSWORD } from '../../../test/factories.js';
import type { ServiceContext } from '../../context.js';
import { actorFromUser, findUserById } from '../auth/service.js';
import { createExercise } from '../exercises/service.js';
import { scoreSubmission, submitExercises, waitingCountFor } from '../exercises/submissions.js';
import { archiveSubject, createSubject, setSubjectTeaching } from '../subjects/service.js';
import { oneTimePasswordIn, pagesApp, png, postMultipart, rowNames, signInAsNew, usernameIn } from '../../../test/people/page-helpers.js';

/** A service context acting as the account's owner. */
async function actingAs(system: ServiceContext, userId: number): Promise<ServiceContext> {
  const user = await findUserById(system, userId);
  if (!user) throw new Error(`no account ${userId}`);
  return { ...system, actor: actorFromUser(user) };
}

/** The subjects card's rows: each subject's groups cell and its waiting figure, by subject id. */
function subjectRows(body: string): Map<number, { html: string; waiting: string }> {
  const rows = new Map<number, { html: string; waiting: string }>();
  for (const m of body.matchAll(/<tr data-subject-id="(\d+)">([\s\S]*?)<\/tr>/g)) rows.set(Number(m[1]), { html: m[2]!, waiting: /data-testid="subject-waiting">(\d+)</.exec(m[2]!)?.[1] ?? '' });
  return rows;
}

for (const database of await testDatabases()) {
  describe(`lecturer pages on ${database}`, () => {
    test('an admin adds a lecturer with a photo and the admin flag; the credentials are shown once and give an admin sign-in', async (t) => {
      const { app, admin, db } = await pagesApp(t, database);
      const form = await admin.get('/lecturers/new');
      assert.equal(form.statusCode, 200);
      assert.match(form.body, /name="isAdmin"/);
      const created = await postMultipart(
        admin,
        '/lecturers',
        '/lecturers/new',
        { lastName: 'Petrova', firstName: 'Lidia', patronymic: '', academicDegree: 'DSc', position: 'Professor', email: 'L.Petrova@example.org', phone: '+359 1', address: 'Office 12', isAdmin: 'true', username: '' },
        { field: 'photo', filename: 'lidia.png', type: 'image/png', bytes: await png() },
      );
      assert.equal(created.statusCode, 201, created.body.slice(0, 1500));
      assert.equal(created.headers['cache-control'], 'no-store');
      assert.equal(usernameIn(created.body), 'l.petrova');
      const otp = oneTimePasswordIn(created.body);
      assert.ok(otp);
      assert.match(created.body, /data-testid="admin-badge"/);
      assert.match(created.body, /data-testid="record-photo"/);
      const row = await db.selectFrom('lecturers').selectAll().where('email', '=', 'l.petrova@example.org').executeTakeFirstOrThrow();
      assert.equal(row.isAdmin, true);
      assert.ok(row.photoFileId);
      const account = await db.selectFrom('users').selectAll().where('lecturerId', '=', row.id).executeTakeFirstOrThrow();
      assert.equal(account.isAdmin, true);

      const newAdmin = await signInAsNew(app, 'l.petrova', otp!);
      assert.equal((await newAdmin.get('/lecturers')).statusCode, 200, 'the admin flag lets them manage lecturers');
      assert.equal(oneTimePasswordIn((await admin.get(`/lecturers/${row.id}`)).body), undefined, 'shown once');
    });

    test('the new-lecturer form carries a one-time id: sent again (a refreshed answer), it creates nobody and links the lecturer it created', async (t) => {
      const { admin, db } = await pagesApp(t, database);
      const form = await admin.get('/lecturers/new');
      const formId = /name="formId" value="([0-9a-f-]{36})"/.exec(form.body)?.[1];
      assert.ok(formId, 'the form holds a random id');
      assert.notEqual(/name="formId" value="([0-9a-f-]{36})"/.exec((await admin.get('/lecturers/new')).body)?.[1], formId, 'each form its own');
      const fields = { lastName: 'Twice', firstName: 'Tom', formId };
      const refused = await postMultipart(admin, '/lecturers', '/lecturers/new', { ...fields, email: 'bad' });
      assert.equal(refused.statusCode, 422);
      assert.match(refused.body, new RegExp(`name="formId" value="${formId}"`), 'a refused form keeps its id');
      assert.match(refused.body, /Check the highlighted fields\./);
      const first = await postMultipart(admin, '/lecturers', '/lecturers/new', fields);
      assert.equal(first.statusCode, 201);
      const again = await postMultipart(admin, '/lecturers', '/lecturers/new', fields);
      assert.equal(again.statusCode, 409);
      const row = await db.selectFrom('lecturers').select('id').where('lastName', '=', 'Twice').execute();
      assert.equal(row.length, 1, 'one lecturer');
      assert.match(again.body, /This form was already submitted; the record was created:/);
      assert.match(again.body, new RegExp(`href="/lecturers/${row[0]!.id}"`));
      assert.equal(oneTimePasswordIn(again.body), undefined, 'no password shown again');
      const other = await postMultipart(admin, '/lecturers', '/lecturers/new', { lastName: 'Twice', firstName: 'Tom' });
      assert.equal(other.statusCode, 201, 'a form without the id (the API, older pages) still creates');
    });

    test('form errors keep the input and change nothing: bad e-mail, duplicate e-mail, removing one’s own admin rights', async (t) => {
      const { app, admin, db, system } = await pagesApp(t, database);
      await createLecturer(system, { email: 'taken@example.org' });
      const before = Number((await db.selectFrom('lecturers').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      const bad = await postMultipart(admin, '/lecturers', '/lecturers/new', { lastName: 'Kept', firstName: 'Karl', email: 'not-an-email' });
      assert.equal(bad.statusCode, 422);
      assert.match(bad.body, /Enter an e-mail address like name@example.org/);
      assert.match(bad.body, /value="Kept"/);
      const duplicate = await postMultipart(admin, '/lecturers', '/lecturers/new', { lastName: 'Kept', firstName: 'Karl', email: 'TAKEN@example.org' });
      assert.equal(duplicate.statusCode, 409);
      assert.match(duplicate.body, /belongs to another lecturer/);
      const missing = await postMultipart(admin, '/lecturers', '/lecturers/new', { lastName: '', firstName: 'Karl' });
      assert.equal(missing.statusCode, 422);
      assert.match(missing.body, /Enter the last name/);
      assert.equal(Number((await db.selectFrom('lecturers').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n), before);

      // An admin lecturer editing their own record cannot switch their admin rights off.
      const self = await createLecturer(system, { isAdmin: true });
      const me = await signInAsNew(app, self.account.username, self.account.oneTimePassword);
      const edit = `/lecturers/${self.lecturer.id}/edit`;
      const refused = await me.post(`/lecturers/${self.lecturer.id}`, { firstName: 'Lena', lastName: 'Changed', email: self.lecturer.email ?? '' }, { from: edit });
      assert.equal(refused.statusCode, 422);
      assert.match(refused.body, /cannot remove your own admin rights/);
      assert.equal((await db.selectFrom('lecturers').select('lastName').where('id', '=', self.lecturer.id).executeTakeFirstOrThrow()).lastName, self.lecturer.lastName);
    });

    test('edit and the admin flag: the account follows the record; archive leaves the list', async (t) => {
      const { admin, db, system } = await pagesApp(t, database);
      const made = await createLecturer(system, { lastName: 'Flag' });
      const id = made.lecturer.id;
      const values = { firstName: 'Lena', lastName: 'Flag', patronymic: '', academicDegree: 'PhD', position: 'Dean', email: made.lecturer.email ?? '', phone: '', address: '' };
      const promoted = await admin.post(`/lecturers/${id}`, { ...values, isAdmin: 'true' }, { from: `/lecturers/${id}/edit` });
      assert.equal(promoted.statusCode, 303);
      assert.equal((await db.selectFrom('users').select('isAdmin').where('lecturerId', '=', id).executeTakeFirstOrThrow()).isAdmin, true);
      const page = await admin.get(`/lecturers/${id}`);
      assert.match(page.body, /data-testid="position">Dean</);
      assert.match(page.body, /data-testid="admin-badge"/);
      assert.match((await admin.get(`/lecturers/${id}/edit`)).body, /id="field-isAdmin" name="isAdmin" value="true" checked/);
      const demoted = await admin.post(`/lecturers/${id}`, values, { from: `/lecturers/${id}/edit` });
      assert.equal(demoted.statusCode, 303);
      assert.equal((await db.selectFrom('users').select('isAdmin').where('lecturerId', '=', id).executeTakeFirstOrThrow()).isAdmin, false, 'an unticked box switches the flag off');

      assert.equal((await admin.post(`/lecturers/${id}/archive`, {}, { from: `/lecturers/${id}` })).statusCode, 303);
      assert.deepEqual(rowNames((await admin.get('/lecturers')).body), []);
      assert.deepEqual(rowNames((await admin.get('/lecturers?archived=true')).body), ['Flag, Lena']);
      assert.equal((await admin.post(`/lecturers/${id}/restore`, {}, { from: `/lecturers/${id}` })).statusCode, 303);
      assert.deepEqual(rowNames((await admin.get('/lecturers')).body), ['Flag, Lena']);
      assert.match((await admin.get(`/lecturers/${id}`)).body, /data-testid="record-history"[\s\S]*lecturer\.restored/);
    });

    test('the list filters by degree and by group taught, searches and sorts; exports carry the filter', async (t) => {
      const { admin, system } = await pagesApp(t, database);
      const g1 = await createGroup(system, { name: 'G-One' });
      const g2 = await createGroup(system, { name: 'G-Two' });
      const ada = await createLecturer(system, { lastName: 'Ada', academicDegree: 'PhD', position: 'Lecturer' });
      const bob = await createLecturer(system, { lastName: 'Bob', academicDegree: 'MSc', position: 'Assistant', phone: '+1 222 333' });
      const cyd = await createLecturer(system, { lastName: '=HYPERLINK("x")', academicDegree: 'PhD' });
      await teach(system, ada.lecturer.id, g1.id);
      await teach(system, bob.lecturer.id, g2.id);
      await teach(system, cyd.lecturer.id, g2.id);

      const names = async (query: string) => rowNames((await admin.get(`/lecturers?${query}`)).body);
      assert.deepEqual(await names(''), ['=HYPERLINK("x"), Lena', 'Ada, Lena', 'Bob, Lena'], 'escaped on the page, in name order');
      assert.deepEqual(await names('degree=MSc'), ['Bob, Lena']);
      assert.deepEqual(await names(`group=${g1.id}`), ['Ada, Lena']);
      assert.deepEqual((await names(`group=${g2.id}&degree=PhD`)).length, 1);
      assert.deepEqual(await names('q=assistant'), ['Bob, Lena']);
      assert.deepEqual(await names('q=222333'), ['Bob, Lena']);
      assert.deepEqual((await names('sort=-name')).slice(0, 2), ['Bob, Lena', 'Ada, Lena']);
      const list = await admin.get('/lecturers');
      assert.match(list.body, /<option value="MSc">MSc<\/option>/);
      assert.match(list.body, /<datalist id="filter-group-suggestions"><option value="G-One"><\/option><option value="G-Two"><\/option><\/datalist>/);
      assert.match(list.body, new RegExp(`href="/groups/${g1.id}"`), 'groups taught are listed');

      const csv = await admin.get(`/lecturers/export.csv?group=${g2.id}`);
      assert.equal(csv.statusCode, 200);
      assert.match(String(csv.headers['content-disposition']), /^attachment; filename="lecturers-\d{4}-\d{2}-\d{2}\.csv"$/);
      assert.equal(csv.headers['x-content-type-options'], 'nosniff');
      const lines = csv.body.replace(/^\uFEFF/, '').trim().split('\r\n');
      assert.equal(lines[0], 'Last name,First name,Patronymic,Academic degree,Position,E-mail,Phone,Address,Admin,Groups taught');
      assert.equal(lines.length, 3);
      assert.ok(lines.some((l) => l.startsWith(`"'=HYPERLINK(""x"")"`)), `the formula is neutralised: ${lines.join(' | ')}`);

      const xlsx = await admin.get('/lecturers/export.xlsx?degree=MSc');
      assert.equal(xlsx.statusCode, 200);
      assert.equal(xlsx.headers['content-type'], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
      const sheet = workbook.worksheets[0]!;
      assert.equal(sheet.rowCount, 2);
      assert.equal(String(sheet.getRow(2).getCell(1).value), 'Bob');
      assert.equal(String(sheet.getRow(2).getCell(10).value), 'G-Two');
    });

    test('a lecturer sees their own record only; students see no lecturer pages', async (t) => {
      const { app, system } = await pagesApp(t, database);
      const me = await createLecturer(system, { lastName: 'Self', phone: '+49 30 1234' });
      const other = await createLecturer(system, { lastName: 'Other' });
      const browser = await signInAsNew(app, me.account.username, me.account.oneTimePassword);
      const list = await browser.get('/lecturers');
      assert.equal(list.statusCode, 303);
      assert.equal(list.headers.location, `/lecturers/${me.lecturer.id}`);
      const own = await browser.get(`/lecturers/${me.lecturer.id}`);
      assert.equal(own.statusCode, 200);
      assert.match(own.body, /My record/);
      assert.match(own.body, /\+49 30 1234/);
      assert.doesNotMatch(own.body, /data-testid="account-card"|\/edit"|Archive/);
      assert.equal((await browser.get(`/lecturers/${other.lecturer.id}`)).statusCode, 404);
      assert.equal((await browser.get(`/lecturers/${other.lecturer.id}/photo`)).statusCode, 404);
      assert.equal((await browser.get('/lecturers/export.csv')).statusCode, 403);
      assert.equal((await browser.get('/lecturers/new')).statusCode, 403);
      assert.equal((await browser.post(`/lecturers/${me.lecturer.id}`, { firstName: 'X', lastName: 'Y' }, { from: `/lecturers/${me.lecturer.id}` })).statusCode, 403);

      const pupil = await createStudent(system);
      const studentBrowser = await signInAsNew(app, pupil.account.username, pupil.account.oneTimePassword);
      assert.equal((await studentBrowser.get('/lecturers')).statusCode, 403);
      assert.equal((await studentBrowser.get(`/lecturers/${me.lecturer.id}`)).statusCode, 404);
    });

    test("photos and the account box on a lecturer's record", async (t) => {
      const { app, admin, system } = await pagesApp(t, database);
      const made = await createLecturer(system);
      const id = made.lecturer.id;
      const uploaded = await postMultipart(admin, `/lecturers/${id}/photo`, `/lecturers/${id}`, {}, { field: 'photo', filename: 'x.png', type: 'image/png', bytes: await png() });
      assert.equal(uploaded.statusCode, 303);
      const photo = await admin.get(`/lecturers/${id}/photo/thumbnail`);
      assert.equal(photo.statusCode, 200);
      assert.equal(photo.headers['cache-control'], 'private, no-cache');
      assert.equal((await admin.get(`/lecturers/${id}/photo/thumbnail`, { 'if-none-match': String(photo.headers.etag) })).statusCode, 304);
      const owner = await signInAsNew(app, made.account.username, made.account.oneTimePassword);
      assert.equal((await owner.get(`/lecturers/${id}/photo`)).statusCode, 200, 'the lecturer sees their own photo');
      assert.equal((await new Browser(app).get(`/lecturers/${id}/photo`)).statusCode, 303);

      const reset = await admin.post(`/lecturers/${id}/account/reset-password`, {}, { from: `/lecturers/${id}` });
      assert.equal(reset.statusCode, 200);
      const otp = oneTimePasswordIn(reset.body);
      assert.ok(otp);
      assert.equal((await owner.get('/dashboard')).statusCode, 303, 'the reset signs the lecturer out');
      const again = await signInAsNew(app, made.account.username, otp!);
      assert.equal((await admin.post(`/lecturers/${id}/account/disable`, {}, { from: `/lecturers/${id}` })).statusCode, 303);
      assert.equal((await again.get('/dashboard')).statusCode, 303);
      assert.equal((await new Browser(app).post('/login', { username: made.account.username, password: 'a brand new passphrase for tests 2026' })).statusCode, 401);
      assert.equal((await admin.post(`/lecturers/${id}/account/enable`, {}, { from: `/lecturers/${id}` })).statusCode, 303);
      assert.equal((await new Browser(app).post('/login', { username: made.account.username, password: 'a brand new passphrase for tests 2026' })).statusCode, 303);
    });

    test("a lecturer's record lists the subjects they teach with their groups and what waits in their Waiting Room for each, counted by the Waiting Room's rule", async (t) => {
      const { app, admin, system } = await pagesApp(t, database);
      const g = await createGroup(system, { name: 'CS-8' });
      const h = await createGroup(system, { name: 'MA-8' });
      const horvat = await createLecturer(system, { lastName: 'Horvat', firstName: 'Ivan' }, { password: TEST_PASSWORD });
      const ilic = await createLecturer(system, { lastName: 'Ilic', firstName: 'Iva' }, { password: TEST_PASSWORD });
      const databases = await createSubject(system, { name: 'Databases', groupIds: [g.id, h.id], lecturerIds: [horvat.lecturer.id] });
      const networks = await createSubject(system, { name: 'Networks', groupIds: [g.id, h.id], lecturerIds: [] });
      // Horvat teaches Networks to MA-8 only; Ilic to CS-8.
      await setSubjectTeaching(system, networks.id, { groupIds: [g.id, h.id], teaching: [{ lecturerId: horvat.lecturer.id, groupId: h.id }, { lecturerId: ilic.lecturer.id, groupId: g.id }] });
      const past = await createSubject(system, { name: 'Past term', groupIds: [g.id], lecturerIds: [horvat.lecturer.id] });
      const finished = await createSubject(system, { name: 'Finished term', groupIds: [g.id], lecturerIds: [horvat.lecturer.id] });
      const [s1, s2] = [await createStudent(system, { groupId: g.id }), await createStudent(system, { groupId: g.id })];
      const s3 = await createStudent(system, { groupId: h.id });
      const dbExercise = await createExercise(system, { subjectId: databases.id, groupIds: [g.id, h.id], title: 'Keys' });
      const netExercise = await createExercise(system, { subjectId: networks.id, groupIds: [g.id, h.id], title: 'Routing' });
      const pastExercise = await createExercise(system, { subjectId: past.id, groupIds: [g.id], title: 'Old work' });
      const send = async (student: { account: { userId: number } }, exerciseId: number) => (await submitExercises(await actingAs(system, student.account.userId), { exerciseIds: [exerciseId] })).sent[0]!;
      for (const student of [s1, s2, s3]) await send(student, dbExercise.id);
      await send(s1, netExercise.id); // Ilic's to judge, not Horvat's
      await send(s3, netExercise.id);
      await send(s1, pastExercise.id);
      const scored = (await system.db.selectFrom('submissions').select(['id', 'version']).where('exerciseId', '=', dbExercise.id).where('studentId', '=', s2.student.id).executeTakeFirstOrThrow());
      await scoreSubmission(await actingAs(system, horvat.account.userId), scored.id, { score: 6, version: scored.version });
      await archiveSubject(system, past.id);
      await archiveSubject(system, finished.id);

      const byAdmin = (await admin.get(`/lecturers/${horvat.lecturer.id}`)).body;
      assert.doesNotMatch(byAdmin, /appear here once subjects are managed/);
      const rows = subjectRows(byAdmin);
      assert.deepEqual([...rows.keys()], [databases.id, networks.id, past.id], 'by name; a past term listed only while something of it waits');
      assert.deepEqual([...rows.values()].map((r) => r.waiting), ['2', '1', '1']);
      assert.match(rows.get(databases.id)!.html, new RegExp(`href="/groups/${g.id}">CS-8</a><span class="small"> · <a href="/subjects/${databases.id}/gradebook\\?group=${g.id}">gradebook</a><span class="text-secondary"> · 1 waiting</span>`));
      assert.match(rows.get(databases.id)!.html, /MA-8[\s\S]* · 1 waiting/);
      assert.doesNotMatch(rows.get(networks.id)!.html, /CS-8/, 'a group another lecturer teaches the subject to is not his');
      assert.match(rows.get(past.id)!.html, />archived</);
      const total = await waitingCountFor(system, horvat.lecturer.id);
      assert.equal(total, 4);
      assert.match(byAdmin, new RegExp(`data-testid="waiting-total">In the Waiting Room: ${total}<`), "the Waiting Room's own count");
      assert.doesNotMatch(byAdmin, /data-testid="waiting-room-link"/, "an admin's Waiting Room is not this lecturer's");
      const byAdminIlic = (await admin.get(`/lecturers/${ilic.lecturer.id}`)).body;
      assert.deepEqual([...subjectRows(byAdminIlic).entries()].map(([id, r]) => [id, r.waiting]), [[networks.id, '1']]);
      assert.match(byAdminIlic, /In the Waiting Room: 1</);

      const own = new Browser(app);
      await own.signIn(horvat.account.username, TEST_PASSWORD);
      const mine = (await own.get(`/lecturers/${horvat.lecturer.id}`)).body;
      assert.deepEqual([...subjectRows(mine).values()].map((r) => r.waiting), ['2', '1', '1']);
      assert.match(mine, /href="\/waiting-room" data-testid="waiting-room-link"/);
      assert.equal((await own.get(`/lecturers/${ilic.lecturer.id}`)).statusCode, 404, "another lecturer's record and queue stay out of reach");
    });
  });
}
