// A subject's gradebook through the API: the page's table as JSON (each student's cell per
// exercise, the averages), with the page's rules: admins open every group's, the lecturers who teach
// the subject to the group open theirs, anyone else 404.
import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import Value from 'typebox/value';
import { systemActor } from '../../access.js';
import type { ServiceContext } from '../../context.js';
import { actorFromUser, findUserById } from '../auth/service.js';
import { createExercise } from '../exercises/service.js';
import { dismissSubmission, scoreSubmission, submitExercises } from '../exercises/submissions.js';
import { createSubject } from '../subjects/service.js';
import { buildTestApp } from '../../../test/build-test-app.js';
import { createApiToken, createGroup, createLecturer, createStudent, createUser } from '../../../test/factories.js';
import { testDatabases, type TestDatabase } from '../../../test/services.js';
import { sharedSchemas } from './schemas.js';
import { assertError, callApi } from './testing.js';

const HOUR = 3_600_000;

async function actingAs(system: ServiceContext, userId: number): Promise<ServiceContext> {
  const user = await findUserById(system, userId);
  if (!user) throw new Error(`no account ${userId}`);
  return { ...system, actor: actorFromUser(user) };
}

/**
 * Databases, taken by CS-101 and MA-101: Horvat teaches it to both, Petrova to MA-101 only; Ilić
 * teaches nothing of it. For CS-101: Keys (due in an hour, released on scoring) and Joins (due in
 * two days, scores released by hand); Elsewhere for MA-101 only. Two hours on, Ana has sent Keys
 * late (scored 5) and Joins (scored 3, not released); Bo's Joins was removed; Cy sent nothing.
 */
async function department(t: TestContext, database: TestDatabase) {
  const { app, ctx, clock } = await buildTestApp(t, { database });
  const system: ServiceContext = { ...ctx, actor: systemActor, storage: app.deps.storage };
  const cs = await createGroup(system, { name: 'CS-101' });
  const ma = await createGroup(system, { name: 'MA-101' });
  const horvat = await createLecturer(system, { lastName: 'Horvat', firstName: 'Ivan' });
  const petrova = await createLecturer(system, { lastName: 'Petrova', firstName: 'Ana' });
  const ilic = await createLecturer(system, { lastName: 'Ilić', firstName: 'Iva' });
  const subject = await createSubject(system, { name: 'Databases', groupIds: [cs.id, ma.id], lecturerIds: [horvat.lecturer.id, petrova.lecturer.id] });
  // Petrova teaches it to MA-101 only, as a term's import can set it.
  await system.db.deleteFrom('teaching').where('subjectId', '=', subject.id).where('lecturerId', '=', petrova.lecturer.id).where('groupId', '=', cs.id).execute();
  const ana = await createStudent(system, { studentNumber: 'A-1', lastName: 'Adams', firstName: 'Ana', groupId: cs.id });
  const bo = await createStudent(system, { studentNumber: 'B-2', lastName: 'Brown', firstName: 'Bo', groupId: cs.id });
  const cy = await createStudent(system, { studentNumber: 'C-3', lastName: 'Cole', firstName: 'Cy', groupId: cs.id });

  const teacher = await actingAs(system, horvat.account.userId);
  const t0 = clock.now().getTime();
  const keys = await createExercise(teacher, { subjectId: subject.id, groupIds: [cs.id, ma.id], title: 'Keys', dueAt: new Date(t0 + HOUR).toISOString() });
  const joins = await createExercise(teacher, { subjectId: subject.id, groupIds: [cs.id], title: 'Joins', dueAt: new Date(t0 + 48 * HOUR).toISOString(), scoreRelease: 'manual' });
  await createExercise(teacher, { subjectId: subject.id, groupIds: [ma.id], title: 'Elsewhere' });
  clock.advance(2 * HOUR);
  const anaCtx = await actingAs(system, ana.account.userId);
  const anaKeys = (await submitExercises(anaCtx, { exerciseIds: [keys.id] })).sent[0]!;
  const anaJoins = (await submitExercises(anaCtx, { exerciseIds: [joins.id] })).sent[0]!;
  const boJoins = (await submitExercises(await actingAs(system, bo.account.userId), { exerciseIds: [joins.id] })).sent[0]!;
  await scoreSubmission(teacher, anaKeys.id, { score: 5, version: anaKeys.version });
  await scoreSubmission(teacher, anaJoins.id, { score: 3, version: anaJoins.version });
  await dismissSubmission(teacher, boJoins.id, { reason: 'Wrong file', version: boJoins.version });

  const admin = await createUser(system, { role: 'admin', username: 'gradebook-admin' });
  return {
    app,
    subject,
    groups: { cs, ma },
    exercises: { keys, joins },
    students: { ana, bo, cy },
    tokens: {
      admin: await createApiToken(system, admin.id),
      horvat: await createApiToken(system, horvat.account.userId),
      petrova: await createApiToken(system, petrova.account.userId),
      ilic: await createApiToken(system, ilic.account.userId),
      ana: await createApiToken(system, ana.account.userId),
    },
  };
}

for (const database of await testDatabases()) {
  describe(`API gradebook on ${database}`, () => {
    test("answers the group's students × exercises with each cell's state and score and the averages, as the Gradebook schema says", async (t) => {
      const d = await department(t, database);
      const response = await callApi(d.app, d.tokens.horvat, 'GET', `/api/v1/subjects/${d.subject.id}/gradebook?group=${d.groups.cs.id}`);
      assert.equal(response.statusCode, 200, response.body);
      const book = response.json();
      const schema = sharedSchemas.find((s) => (s as { $id?: string }).$id === 'Gradebook')!;
      assert.ok(Value.Check({ ...schema, $id: undefined }, book as unknown), `the Gradebook schema: ${response.body}`);

      assert.deepEqual(book.subject, { id: d.subject.id, name: 'Databases', archived: false });
      assert.deepEqual(book.group, { id: d.groups.cs.id, name: 'CS-101' });
      assert.deepEqual(
        book.groups.map((g: { name: string }) => g.name),
        ['CS-101', 'MA-101'],
        'Horvat teaches it to both',
      );
      assert.deepEqual(
        book.exercises.map((e: { id: number; title: string; released: boolean; average: number | null; dueAt: string }) => [e.id, e.title, e.released, e.average, typeof e.dueAt]),
        [
          [d.exercises.keys.id, 'Keys', true, 5, 'string'],
          [d.exercises.joins.id, 'Joins', false, 3, 'string'],
        ],
        "the group's exercises by due time; Elsewhere (MA-101 only) is not a column",
      );
      assert.deepEqual(book.rows, [
        {
          student: { id: d.students.ana.student.id, studentNumber: 'A-1', name: 'Adams Ana' },
          cells: [
            { state: 'scored', score: 5, late: true },
            { state: 'scored', score: 3, late: false },
          ],
          average: 4,
        },
        {
          student: { id: d.students.bo.student.id, studentNumber: 'B-2', name: 'Brown Bo' },
          cells: [
            { state: 'overdue', score: null, late: false },
            { state: 'removed', score: null, late: false },
          ],
          average: null,
        },
        {
          student: { id: d.students.cy.student.id, studentNumber: 'C-3', name: 'Cole Cy' },
          cells: [
            { state: 'overdue', score: null, late: false },
            { state: 'not sent', score: null, late: false },
          ],
          average: null,
        },
      ]);
      assert.equal(book.average, 4);

      // Without ?group: the first of the caller's groups by name.
      const first = (await callApi(d.app, d.tokens.horvat, 'GET', `/api/v1/subjects/${d.subject.id}/gradebook`)).json();
      assert.equal(first.group.id, d.groups.cs.id);

      const doc = (await d.app.inject({ url: '/api/docs/openapi.json' })).json();
      assert.ok(doc.paths['/subjects/{id}/gradebook'].get, 'in the OpenAPI document');
      assert.ok(doc.components.schemas.Gradebook);
    });

    test('admins and the lecturers who teach the subject to the group; students, other lecturers and other groups get 404', async (t) => {
      const d = await department(t, database);
      const url = (group?: number | string) => `/api/v1/subjects/${d.subject.id}/gradebook${group === undefined ? '' : `?group=${group}`}`;
      assert.equal((await callApi(d.app, d.tokens.admin, 'GET', url(d.groups.cs.id))).statusCode, 200);
      assert.equal((await callApi(d.app, d.tokens.admin, 'GET', url(d.groups.ma.id))).statusCode, 200);
      assertError(await callApi(d.app, d.tokens.ana, 'GET', url(d.groups.cs.id)), 404, 'not_found');
      assertError(await callApi(d.app, d.tokens.ilic, 'GET', url(d.groups.cs.id)), 404, 'not_found');
      assertError(await callApi(d.app, d.tokens.petrova, 'GET', url(d.groups.cs.id)), 404, 'not_found');
      const hers = await callApi(d.app, d.tokens.petrova, 'GET', url());
      assert.equal(hers.statusCode, 200, hers.body);
      assert.deepEqual(hers.json().groups, [{ id: d.groups.ma.id, name: 'MA-101' }], 'only the group she teaches it to');
      assert.deepEqual(
        hers.json().exercises.map((e: { title: string }) => e.title),
        ['Keys', 'Elsewhere'],
      );
      assertError(await callApi(d.app, d.tokens.horvat, 'GET', url('abc')), 404, 'not_found');
      assertError(await callApi(d.app, d.tokens.horvat, 'GET', `/api/v1/subjects/999999/gradebook`), 404, 'not_found');
      assertError(await callApi(d.app, d.tokens.horvat, 'GET', `${url(d.groups.cs.id)}&group=${d.groups.ma.id}`), 422, 'invalid', 'group');
      assertError(await callApi(d.app, null, 'GET', url(d.groups.cs.id)), 401, 'unauthenticated');
    });
  });
}
