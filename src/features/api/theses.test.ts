// /api/v1/theses: recording a student's thesis (admins; lecturers for the students they teach),
// the caller's list, and "Find similar theses" ranked by TF-IDF cosine similarity for anyone.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildTestApp } from '../../../test/build-test-app.js';
import { createApiToken, createStudent, smallDepartment } from '../../../test/factories.js';
import { testDatabases } from '../../../test/services.js';
import { systemActor } from '../../access.js';
import { proposeThesis } from '../theses/service.js';
import { actorFromUser, findUserById } from '../auth/service.js';
import { assertError, callApi } from './testing.js';

for (const database of await testDatabases()) {
  describe(`API theses on ${database}`, () => {
    test('records theses within the caller\'s sight, lists them by scope, and finds similar titles best first', async (t) => {
      const { app, ctx } = await buildTestApp(t, { database });
      const d = await smallDepartment(ctx);
      const system = { ...ctx, actor: systemActor };
      const record = (token: string, body: Record<string, unknown>) => callApi(app, token, 'POST', '/api/v1/theses', body);

      const sara = await record(d.tokens.admin, { studentId: d.student.id, title: 'Neural networks for recognising handwritten Armenian letters', supervisorId: d.lecturer.id, year: 2027 });
      assert.equal(sara.statusCode, 201, sara.body);
      assert.deepEqual(
        { ...sara.json(), id: 0, createdAt: '', updatedAt: null },
        { id: 0, studentId: d.student.id, student: 'Sara Novak', title: 'Neural networks for recognising handwritten Armenian letters', supervisorId: d.lecturer.id, supervisor: 'Elena Petrova', year: 2027, status: 'recorded', createdAt: '', updatedAt: null },
      );
      // The lecturer teaches CS-101 (Sara's group), not MA-201 (Ivan's): Ivan is out of her sight.
      assertError(await record(d.tokens.lecturer, { studentId: d.outsider.id, title: 'Scheduling exams in a university department', supervisorId: null, year: null }), 404, 'not_found');
      assertError(await record(d.tokens.student, { studentId: d.student.id, title: 'My own title', supervisorId: null, year: null }), 403, 'forbidden');
      const refused = await record(d.tokens.admin, { studentId: d.outsider.id, title: 'x', supervisorId: 99999, year: 1800 });
      assert.equal(refused.statusCode, 422);
      assert.deepEqual(Object.keys(refused.json().error.fields).sort(), ['title', 'year'], 'each field that breaks its rule is named');
      const noSupervisor = await record(d.tokens.admin, { studentId: d.outsider.id, title: 'Scheduling exams in a university department', supervisorId: 99999, year: 2027 });
      assert.equal(noSupervisor.statusCode, 422);
      assert.match(noSupervisor.json().error.fields.supervisorId, /No active lecturer has the id 99999/);
      const ivan = await record(d.tokens.admin, { studentId: d.outsider.id, title: 'Scheduling exams in a university department', supervisorId: null, year: 2026 });
      assert.equal(ivan.statusCode, 201, ivan.body);

      // A third student proposes; the lecturer records it over the proposal, in place.
      const mia = await createStudent(system, { firstName: 'Mia', lastName: 'Kovač', groupId: d.groups.taught.id });
      const miaCtx = { ...ctx, actor: actorFromUser((await findUserById(ctx, mia.account.userId))!) };
      const proposed = await proposeThesis(miaCtx, { title: 'Recognition of handwritten digits with convolutional neural networks' });
      assert.equal(proposed.status, 'proposed');
      const taken = await record(d.tokens.lecturer, { studentId: mia.student.id, title: 'Recognition of handwritten digits with convolutional neural networks', supervisorId: d.lecturer.id, year: 2027 });
      assert.equal(taken.statusCode, 201, taken.body);
      assert.equal(taken.json().id, proposed.id, 'one thesis a student: the proposal is recorded in place');
      assert.equal(taken.json().status, 'recorded');
      await assert.rejects(proposeThesis(miaCtx, { title: 'Something else' }), /recorded already/, 'a recorded thesis is the department\'s to change');

      const list = (token: string) => callApi(app, token, 'GET', '/api/v1/theses').then((r) => r.json().items.map((i: { student: string }) => i.student));
      assert.deepEqual(await list(d.tokens.admin), ['Mia Kovač', 'Ivan Ivanov', 'Sara Novak'], 'newest first');
      assert.deepEqual(await list(d.tokens.lecturer), ['Mia Kovač', 'Sara Novak'], 'those she supervises or teaches');
      assert.deepEqual(await list(d.tokens.student), ['Sara Novak'], 'their own');

      const similar = await callApi(app, d.tokens.student, 'GET', `/api/v1/theses/similar?title=${encodeURIComponent('Handwritten letters recognised by neural networks')}`);
      assert.equal(similar.statusCode, 200, similar.body);
      const items = similar.json().items as { id: number; title: string; score: number }[];
      assert.deepEqual(
        items.map((i) => i.id),
        [sara.json().id, taken.json().id],
        'the title sharing most words first; the scheduling title shares none',
      );
      assert.deepEqual(Object.keys(items[0]!).sort(), ['id', 'score', 'title'], 'titles and scores, not whose they are');
      assert.ok(items[0]!.score > items[1]!.score && items[1]!.score >= 0.3);
      const strict = await callApi(app, d.tokens.student, 'GET', `/api/v1/theses/similar?threshold=0.9&title=${encodeURIComponent('Neural networks for recognising handwritten Armenian letters')}`);
      assert.deepEqual(strict.json().items.map((i: { id: number }) => i.id), [sara.json().id], 'the same title only, above 0.9');

      // The version the index follows moves with a change, and not with a statement that changes nothing.
      const version = async () => Number((await ctx.db.selectFrom('recordCounts').select('n').where('counted', '=', 'theses.version').executeTakeFirstOrThrow()).n);
      const at = await version();
      await ctx.db.updateTable('theses').set({ year: 2000 }).where('id', '=', -1).execute();
      await ctx.db.deleteFrom('theses').where('id', '=', -1).execute();
      assert.equal(await version(), at, 'a statement that changes no thesis leaves the version');
      // A change is seen at once: the index is built again when the titles change.
      await record(d.tokens.admin, { studentId: d.outsider.id, title: 'Handwritten letters recognised by neural networks', supervisorId: null, year: 2026 });
      assert.equal(await version(), at + 1, 'one change, one step');
      const again = await callApi(app, d.tokens.admin, 'GET', `/api/v1/theses/similar?threshold=0.99&title=${encodeURIComponent('Handwritten letters recognised by neural networks')}`);
      assert.deepEqual(again.json().items.map((i: { id: number }) => i.id), [ivan.json().id]);

      assertError(await callApi(app, d.tokens.admin, 'GET', '/api/v1/theses?before=3000000000'), 422, 'invalid', 'before');
      const bad = await callApi(app, d.tokens.admin, 'GET', '/api/v1/theses/similar?threshold=2');
      assert.equal(bad.statusCode, 422);
      assert.deepEqual(Object.keys(bad.json().error.fields).sort(), ['threshold', 'title']);
      const unlinked = await createApiToken(ctx, (await findUserById(ctx, mia.account.userId))!.id);
      assert.equal((await callApi(app, unlinked, 'GET', '/api/v1/theses/similar?title=networks')).statusCode, 200, 'any signed-in caller may search');
    });
  });
}
