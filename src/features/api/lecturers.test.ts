// /api/v1/lecturers: admins manage every lecturer; a lecturer sees their own record; students none.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildTestApp } from '../../../test/build-test-app.js';
import { createApiToken, createLecturer, smallDepartment } from '../../../test/factories.js';
import { testDatabases } from '../../../test/services.js';
import { assertError, callApi } from './testing.js';

for (const database of await testDatabases()) {
  describe(`API lecturers on ${database}`, () => {
    test('an admin creates a lecturer with an account (admin flag included), changes and archives them', async (t) => {
      const { app, ctx } = await buildTestApp(t, { database });
      const { tokens, groups, lecturer } = await smallDepartment(ctx);
      const input = { firstName: 'Georgi', lastName: 'Dimitrov', patronymic: '', academicDegree: 'DSc', position: 'Professor', email: 'G.Dimitrov@example.org', phone: '+359 2 555', address: 'Campus 2', isAdmin: true, username: 'gdimitrov' };
      const created = await callApi(app, tokens.admin, 'POST', '/api/v1/lecturers', input);
      assert.equal(created.statusCode, 201, created.body);
      const body = created.json();
      assert.equal(created.headers.location, `/api/v1/lecturers/${body.id}`);
      const { username: _username, ...fields } = input;
      assert.deepEqual(
        { ...body, id: 0, createdAt: '', updatedAt: '', account: { ...body.account, oneTimePassword: '' } },
        { ...fields, id: 0, email: 'g.dimitrov@example.org', groupsTaught: [], hasPhoto: false, archived: false, createdAt: '', updatedAt: '', account: { username: 'gdimitrov', oneTimePassword: '' } },
      );
      assert.ok(body.account.oneTimePassword.length >= 10);

      // The new lecturer's account is an admin: its token may list every lecturer.
      const { findUserByUsername } = await import('../auth/service.js');
      const account = await findUserByUsername(ctx, 'gdimitrov');
      assert.equal(account?.isAdmin, true);
      assert.equal((await callApi(app, await createApiToken(ctx, account!.id), 'GET', '/api/v1/lecturers')).json().items.length, 2);

      const taught = (await callApi(app, tokens.admin, 'GET', `/api/v1/lecturers/${lecturer.id}`)).json();
      assert.deepEqual(taught.groupsTaught, [{ id: groups.taught.id, name: 'CS-101' }]);

      const changed = await callApi(app, tokens.admin, 'PATCH', `/api/v1/lecturers/${body.id}`, { position: 'Dean', phone: '' });
      assert.equal(changed.statusCode, 200, changed.body);
      assert.deepEqual([changed.json().position, changed.json().phone, changed.json().academicDegree], ['Dean', null, 'DSc']);

      assertError(await callApi(app, tokens.admin, 'POST', '/api/v1/lecturers', { firstName: '', lastName: 'X', email: 'bad' }), 422, 'invalid', 'firstName');
      assertError(await callApi(app, tokens.admin, 'POST', '/api/v1/lecturers', { firstName: 'A', lastName: 'B', email: 'ELENA@example.org' }), 409, 'conflict', 'email');
      assertError(await callApi(app, tokens.admin, 'POST', '/api/v1/lecturers', { firstName: 'A', lastName: 'B', username: 'gdimitrov' }), 409, 'conflict', 'username');
      assertError(await callApi(app, tokens.admin, 'POST', '/api/v1/lecturers', { firstName: 'A', lastName: 'B', isAdmin: 'yes' }), 422, 'invalid', 'isAdmin');
      assert.equal((await callApi(app, tokens.admin, 'GET', '/api/v1/lecturers')).json().items.length, 2, 'a refused create writes nothing, not even the account');

      assert.equal((await callApi(app, tokens.admin, 'POST', `/api/v1/lecturers/${body.id}/archive`)).json().archived, true);
      assert.deepEqual(
        (await callApi(app, tokens.admin, 'GET', '/api/v1/lecturers?archived=true')).json().items.map((l: { id: number }) => l.id),
        [body.id],
      );
      assert.equal((await callApi(app, tokens.admin, 'POST', `/api/v1/lecturers/${body.id}/restore`)).json().archived, false);
      assert.equal((await callApi(app, tokens.admin, 'DELETE', `/api/v1/lecturers/${body.id}`)).json().archived, true);
    });

    test('a lecturer sees their own record only; a student sees no lecturer records', async (t) => {
      const { app, ctx } = await buildTestApp(t, { database });
      const { tokens, lecturer } = await smallDepartment(ctx);
      const { lecturer: colleague } = await createLecturer(ctx, { firstName: 'Ivo', lastName: 'Colleague', address: 'Secret 1' });

      const own = (await callApi(app, tokens.lecturer, 'GET', '/api/v1/lecturers')).json();
      assert.deepEqual(
        own.items.map((l: { id: number }) => l.id),
        [lecturer.id],
      );
      assert.equal(own.items[0].address, 'Lecturer Street 1', 'their own record in full');
      assertError(await callApi(app, tokens.lecturer, 'GET', `/api/v1/lecturers/${colleague.id}`), 404, 'not_found');
      assertError(await callApi(app, tokens.lecturer, 'PATCH', `/api/v1/lecturers/${lecturer.id}`, { position: 'Dean' }), 403, 'forbidden');
      assertError(await callApi(app, tokens.lecturer, 'POST', '/api/v1/lecturers', { firstName: 'A', lastName: 'B' }), 403, 'forbidden');

      assert.deepEqual((await callApi(app, tokens.student, 'GET', '/api/v1/lecturers')).json(), { items: [], nextCursor: null });
      assertError(await callApi(app, tokens.student, 'GET', `/api/v1/lecturers/${lecturer.id}`), 404, 'not_found');
      assertError(await callApi(app, tokens.student, 'POST', `/api/v1/lecturers/${lecturer.id}/archive`), 404, 'not_found');
    });

    test('cursors walk every lecturer once, with equal names, in both orders', async (t) => {
      const { app, ctx } = await buildTestApp(t, { database });
      const { tokens } = await smallDepartment(ctx);
      for (let i = 0; i < 6; i++) await createLecturer(ctx, { firstName: i < 4 ? 'Petar' : `P${i}`, lastName: i < 4 ? 'Petrov' : 'Angelov', academicDegree: i % 2 ? 'PhD' : 'MSc' });
      for (const sort of ['name', '-name', 'created', '-created']) {
        const all = (await callApi(app, tokens.admin, 'GET', `/api/v1/lecturers?sort=${sort}&limit=500`)).json().items.map((l: { id: number }) => l.id);
        assert.equal(all.length, 7);
        for (const limit of [1, 2, 5]) {
          const seen: number[] = [];
          let cursor: string | null = null;
          do {
            const page = await callApi(app, tokens.admin, 'GET', `/api/v1/lecturers?sort=${sort}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
            assert.equal(page.statusCode, 200, page.body);
            seen.push(...page.json().items.map((l: { id: number }) => l.id));
            cursor = page.json().nextCursor;
          } while (cursor && seen.length < 50);
          assert.deepEqual(seen, all, `sort ${sort}, limit ${limit}`);
        }
      }
      const phds = (await callApi(app, tokens.admin, 'GET', '/api/v1/lecturers?degree=PhD&limit=500')).json().items;
      assert.equal(phds.length, 4, 'Elena and three of the six');
      assertError(await callApi(app, tokens.admin, 'GET', '/api/v1/lecturers?cursor=xyz'), 422, 'invalid', 'cursor');
    });
  });
}
