// The subject pages: admins create subjects and choose their groups and lecturers by name; a
// subject's lecturers describe it; students see their group's subjects as cards with materials.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildTestApp } from '../../../test/build-test-app.js';
import { createGroup, createLecturer, createStudent } from '../../../test/factories.js';
import { Browser } from '../../../test/http.js';
import { systemActor } from '../../access.js';
import { seedDemoDepartment } from '../../seeds/demo.js';
import { demoLogins } from '../../seeds/demo-logins.js';
import { pagesApp, signInAsNew } from '../../../test/people/page-helpers.js';
import { testDatabases } from '../../../test/services.js';

/** The messages a refused form shows, to say why in a failed assertion. */
const feedback = (body: string) => [...body.matchAll(/class="(?:invalid-feedback|alert alert-danger)"[^>]*>([^<]+)</g)].map((m) => m[1]).join(' | ');

const listed = (body: string) => [...body.matchAll(/<a class="fw-semibold" href="\/subjects\/\d+">([^<]+)<\/a>/g)].map((m) => m[1]);

for (const database of await testDatabases()) {
  describe(`subject pages on ${database}`, () => {
    test('an admin creates a subject with its groups and lecturers by name, sees who teaches which group, edits and archives it', async (t) => {
      const { admin, db, system } = await pagesApp(t, database);
      const cs = await createGroup(system, { name: 'CS-101' });
      const ma = await createGroup(system, { name: 'MA-101' });
      const horvat = await createLecturer(system, { lastName: 'Horvat', firstName: 'Ivan', email: 'ivan.horvat@example.edu' });
      const petrova = await createLecturer(system, { lastName: 'Petrova', firstName: 'Ana', email: 'ana.petrova@example.edu' });

      const created = await admin.post(
        '/subjects',
        { name: 'Databases', description: '**SQL** and <script>alert(1)</script>', groups: 'CS-101\n\ncs-101', groupName: 'MA-101', lecturers: 'Horvat Ivan <ivan.horvat@example.edu>', lecturerName: '' },
        { from: '/subjects/new' },
      );
      assert.equal(created.statusCode, 303, feedback(created.body));
      const location = String(created.headers.location);
      const id = Number(location.split('/').pop());

      const page = await admin.get(location);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<strong>SQL<\/strong>/, 'the description is Markdown');
      assert.doesNotMatch(page.body, /<script>alert/, 'raw HTML is shown as text');
      assert.match(page.body, /&lt;script&gt;alert\(1\)/);
      const teaching = /data-testid="teaching-table">([\s\S]*?)<\/table>/.exec(page.body)![1]!;
      assert.match(teaching, /CS-101<\/td><td><span>Horvat Ivan<\/span>/);
      assert.match(teaching, /MA-101<\/td><td><span>Horvat Ivan<\/span>/, 'the "Add" box joined the list without JavaScript');
      assert.match(page.body, /Horvat Ivan &lt;ivan\.horvat@example\.edu>/, 'the form lists the lecturer by label');
      assert.deepEqual(listed((await admin.get('/subjects')).body), ['Databases']);

      // A second lecturer joins: they teach every listed group; the first keeps theirs.
      const edited = await admin.post(location, { name: 'Databases', description: 'Relational design', groups: 'CS-101\nMA-101', lecturers: 'Horvat Ivan <ivan.horvat@example.edu>\nana.petrova@example.edu' }, { from: location });
      assert.equal(edited.statusCode, 303, feedback(edited.body));
      const pairs = await db.selectFrom('teaching').select(['lecturerId', 'groupId']).where('subjectId', '=', id).orderBy('lecturerId').orderBy('groupId').execute();
      assert.deepEqual(
        pairs.map((p) => [p.lecturerId, p.groupId]),
        [
          [horvat.lecturer.id, cs.id],
          [horvat.lecturer.id, ma.id],
          [petrova.lecturer.id, cs.id],
          [petrova.lecturer.id, ma.id],
        ].sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!),
      );

      await admin.post(`${location}/archive`, {}, { from: location });
      assert.deepEqual(listed((await admin.get('/subjects')).body), []);
      assert.deepEqual(listed((await admin.get('/subjects?archived=true')).body), ['Databases']);
      const actions = (await db.selectFrom('auditLog').select('action').where('entity', '=', 'subject').where('entityId', '=', String(id)).orderBy('id').execute()).map((r) => r.action);
      assert.deepEqual(actions, ['subject.created', 'subject.updated', 'subject.archived']);
    });

    test('a line that names no group or lecturer is refused with the close matches, and nothing is created', async (t) => {
      const { admin, db, system } = await pagesApp(t, database);
      await createGroup(system, { name: 'CS-101' });
      await createLecturer(system, { lastName: 'Horvat', firstName: 'Ivan', email: 'ivan.horvat@example.edu' });
      const refused = await admin.post('/subjects', { name: 'Databases', description: '', groups: 'CS-10', lecturers: 'Horvt' }, { from: '/subjects/new' });
      assert.equal(refused.statusCode, 422);
      assert.match(refused.body, /Line 1: no group is named &#34;CS-10&#34;\. Did you mean CS-101\?/);
      assert.match(refused.body, /Line 1: no lecturer is named/);
      assert.match(refused.body, /CS-10</, 'what was typed stays in the form');
      assert.equal((await db.selectFrom('subjects').select('id').execute()).length, 0);

      const same = await admin.post('/subjects', { name: 'Databases', description: '', groups: '', lecturers: '' }, { from: '/subjects/new' });
      assert.equal(same.statusCode, 303);
      const again = await admin.post('/subjects', { name: 'DATABASES', description: '', groups: '', lecturers: '' }, { from: '/subjects/new' });
      assert.equal(again.statusCode, 409);
      assert.match(again.body, /A subject named &#34;Databases&#34; already exists/);
    });

    test('a lecturer sees the subjects they teach and may describe them, but not rename them or change who teaches', async (t) => {
      const { app, admin, system } = await pagesApp(t, database);
      await createGroup(system, { name: 'CS-101' });
      const { account } = await createLecturer(system, { lastName: 'Horvat', firstName: 'Ivan', email: 'ivan.horvat@example.edu' });
      await admin.post('/subjects', { name: 'Databases', description: '', groups: 'CS-101', lecturers: 'ivan.horvat@example.edu' }, { from: '/subjects/new' });
      const other = await admin.post('/subjects', { name: 'Algorithms', description: '', groups: 'CS-101', lecturers: '' }, { from: '/subjects/new' });
      const otherId = String(other.headers.location);
      const lecturer = await signInAsNew(app, account.username, account.oneTimePassword!);

      const list = await lecturer.get('/subjects');
      assert.equal(list.statusCode, 200);
      assert.deepEqual(listed(list.body), ['Databases']);
      assert.doesNotMatch(list.body, /New subject/);
      assert.equal((await lecturer.get(otherId)).statusCode, 404, 'a subject they do not teach is not found');

      const id = /href="(\/subjects\/\d+)"/.exec(list.body)![1]!;
      const page = await lecturer.get(id);
      assert.match(page.body, /Describe the subject/);
      assert.doesNotMatch(page.body, /name="lecturers"/, 'only the description is theirs to change');
      const described = await lecturer.post(id, { description: 'Week 1: _ER diagrams_' }, { from: id });
      assert.equal(described.statusCode, 303);
      assert.match((await lecturer.get(id)).body, /<em>ER diagrams<\/em>/);
      const renamed = await lecturer.post(id, { name: 'Renamed', description: 'x' }, { from: id });
      assert.equal(renamed.statusCode, 403);
      assert.equal((await lecturer.get('/subjects/new')).statusCode, 403);
    });

    test("a student sees their group's subjects as cards and no other subject", async (t) => {
      const { app, admin, system } = await pagesApp(t, database);
      const cs = await createGroup(system, { name: 'CS-101' });
      await createGroup(system, { name: 'MA-101' });
      await admin.post('/subjects', { name: 'Databases', description: '', groups: 'CS-101', lecturers: '' }, { from: '/subjects/new' });
      const other = await admin.post('/subjects', { name: 'Calculus', description: '', groups: 'MA-101', lecturers: '' }, { from: '/subjects/new' });
      const { account } = await createStudent(system, { groupId: cs.id });
      const student = await signInAsNew(app, account.username, account.oneTimePassword!);
      const page = await student.get('/subjects');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /data-testid="subject-cards"/);
      assert.match(page.body, /Databases/);
      assert.doesNotMatch(page.body, /Calculus/);
      assert.equal((await student.get(String(other.headers.location))).statusCode, 404);
      assert.equal((await student.get('/subjects/new')).statusCode, 403);
    });

    test("the demo department's student sees their group's subjects, each with its materials to download", async (t) => {
      const { app, ctx } = await buildTestApp(t, { database });
      await ctx.db.transaction().execute((trx) => seedDemoDepartment({ ...ctx, db: trx, actor: systemActor, storage: app.deps.storage }));
      const login = demoLogins.find((l) => l.role === 'student')!;
      const student = new Browser(app);
      await student.signIn(login.username, login.password);
      const page = await student.get('/subjects');
      assert.equal(page.statusCode, 200);
      const titles = [...page.body.matchAll(/<h2 class="h5 mb-0" id="subject-\d+"><a href="\/subjects\/\d+">([^<]+)</g)].map((m) => m[1]);
      assert.deepEqual(titles, ['Discrete Mathematics', 'Programming Fundamentals'], 'CS-101 takes these two');
      const files = [...page.body.matchAll(/href="(\/materials\/\d+\/file)"/g)].map((m) => m[1]!);
      assert.equal(files.length, 4, 'a syllabus and a reading list each');
      const download = await student.get(files[0]!);
      assert.equal(download.statusCode, 200);
      assert.match(download.body, /Week 1|reading list/);
    });
  });
}
