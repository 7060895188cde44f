// /api/v1/groups: the same rules as the pages, JSON in and out, cursors through every page.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildTestApp } from '../../../test/build-test-app.js';
import { createGroup, smallDepartment } from '../../../test/factories.js';
import { testDatabases } from '../../../test/services.js';
import { encodeCursor } from '../../lib/cursor.js';
import { assertError, callApi } from './testing.js';

for (const database of await testDatabases()) {
  describe(`API groups on ${database}`, () => {
    test('an admin creates, reads, renames, archives, restores and deletes (archives) a group', async (t) => {
      const { app, ctx } = await buildTestApp(t, { database });
      const { tokens } = await smallDepartment(ctx);
      const admin = tokens.admin;

      const created = await callApi(app, admin, 'POST', '/api/v1/groups', { name: '  PH-301 ', description: 'Physics, third year' });
      assert.equal(created.statusCode, 201, created.body);
      const group = created.json();
      assert.equal(created.headers.location, `/api/v1/groups/${group.id}`);
      assert.equal(created.headers['ratelimit-limit'], '1000', 'the API limit, per token');
      assert.deepEqual(Object.keys(group).sort(), ['archived', 'createdAt', 'description', 'id', 'name', 'studentCount', 'updatedAt']);
      assert.equal(group.name, 'PH-301', 'trimmed as on the form');
      assert.equal(group.studentCount, 0);
      assert.match(group.createdAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);

      assert.deepEqual((await callApi(app, admin, 'GET', `/api/v1/groups/${group.id}`)).json(), group);

      const renamed = await callApi(app, admin, 'PATCH', `/api/v1/groups/${group.id}`, { name: 'PH-302' });
      assert.equal(renamed.statusCode, 200, renamed.body);
      assert.equal(renamed.json().name, 'PH-302');
      assert.equal(renamed.json().description, 'Physics, third year', 'fields not sent stay as they were');

      const archived = await callApi(app, admin, 'POST', `/api/v1/groups/${group.id}/archive`);
      assert.equal(archived.statusCode, 200, archived.body);
      assert.equal(archived.json().archived, true);
      const active = (await callApi(app, admin, 'GET', '/api/v1/groups')).json();
      assert.ok(!active.items.some((g: { id: number }) => g.id === group.id), 'archived groups leave the list');
      const archivedList = (await callApi(app, admin, 'GET', '/api/v1/groups?archived=true')).json();
      assert.deepEqual(
        archivedList.items.map((g: { id: number }) => g.id),
        [group.id],
      );
      assert.equal((await callApi(app, admin, 'GET', `/api/v1/groups/${group.id}`)).json().archived, true, 'still readable by id');

      const restored = await callApi(app, admin, 'POST', `/api/v1/groups/${group.id}/restore`);
      assert.equal(restored.json().archived, false);
      const deleted = await callApi(app, admin, 'DELETE', `/api/v1/groups/${group.id}`);
      assert.equal(deleted.statusCode, 200);
      assert.equal(deleted.json().archived, true, 'DELETE archives');
      assert.equal((await callApi(app, admin, 'GET', `/api/v1/groups/${group.id}`)).statusCode, 200, 'nothing is deleted');
    });

    test('input errors are 422 with field messages, duplicates 409, unknown ids 404', async (t) => {
      const { app, ctx } = await buildTestApp(t, { database });
      const { tokens } = await smallDepartment(ctx);
      assertError(await callApi(app, tokens.admin, 'POST', '/api/v1/groups', { name: '' }), 422, 'invalid', 'name');
      assertError(await callApi(app, tokens.admin, 'POST', '/api/v1/groups', {}), 422, 'invalid', 'name');
      assertError(await callApi(app, tokens.admin, 'POST', '/api/v1/groups', { name: 'X', description: 'd'.repeat(2001) }), 422, 'invalid', 'description');
      assertError(await callApi(app, tokens.admin, 'POST', '/api/v1/groups', { name: 'cs-101' }), 409, 'conflict', 'name');
      assertError(await callApi(app, tokens.admin, 'POST', '/api/v1/groups', ['not', 'an', 'object']), 422, 'invalid');
      const notJson = await app.inject({ method: 'POST', url: '/api/v1/groups', headers: { authorization: `Bearer ${tokens.admin}`, 'content-type': 'application/json' }, payload: '{"name":' });
      assertError(notJson, 400, 'fst_err_ctp_invalid_json_body');
      for (const id of ['999999', '0', '-1', 'abc', '1.5', '99999999999999999999']) {
        assertError(await callApi(app, tokens.admin, 'GET', `/api/v1/groups/${id}`), 404, 'not_found');
        assertError(await callApi(app, tokens.admin, 'PATCH', `/api/v1/groups/${id}`, { name: 'Y' }), 404, 'not_found');
      }
      for (const query of ['limit=0', 'limit=501', 'limit=ten', 'archived=maybe']) {
        const response = await callApi(app, tokens.admin, 'GET', `/api/v1/groups?${query}`);
        assertError(response, 422, 'invalid', query.split('=')[0]);
      }
    });

    test('lecturers see the groups they teach, students their own; neither may change them', async (t) => {
      const { app, ctx } = await buildTestApp(t, { database });
      const { tokens, groups } = await smallDepartment(ctx);

      const names = async (token: string) => ((await callApi(app, token, 'GET', '/api/v1/groups')).json().items as { name: string }[]).map((g) => g.name);
      assert.deepEqual(await names(tokens.admin), ['CS-101', 'MA-201']);
      assert.deepEqual(await names(tokens.lecturer), ['CS-101']);
      assert.deepEqual(await names(tokens.student), ['CS-101']);

      for (const token of [tokens.lecturer, tokens.student]) {
        assert.equal((await callApi(app, token, 'GET', `/api/v1/groups/${groups.taught.id}`)).statusCode, 200);
        assertError(await callApi(app, token, 'GET', `/api/v1/groups/${groups.other.id}`), 404, 'not_found');
        assertError(await callApi(app, token, 'POST', '/api/v1/groups', { name: 'New' }), 403, 'forbidden');
        assertError(await callApi(app, token, 'PATCH', `/api/v1/groups/${groups.taught.id}`, { name: 'Renamed' }), 403, 'forbidden');
        assertError(await callApi(app, token, 'POST', `/api/v1/groups/${groups.taught.id}/archive`), 403, 'forbidden');
        assertError(await callApi(app, token, 'DELETE', `/api/v1/groups/${groups.taught.id}`), 403, 'forbidden');
      }
      assert.equal((await callApi(app, tokens.admin, 'GET', `/api/v1/groups/${groups.taught.id}`)).json().name, 'CS-101', 'nothing changed');

      assertError(await callApi(app, null, 'GET', '/api/v1/groups'), 401, 'unauthenticated');
      assertError(await callApi(app, null, 'POST', '/api/v1/groups', { name: 'Anonymous' }), 401, 'unauthenticated');
      assertError(await callApi(app, 'fms_revoked-or-made-up', 'GET', '/api/v1/groups'), 401, 'invalid_token');
    });

    test('cursors walk every group once, in name order, also when names differ only in case', async (t) => {
      const { app, ctx } = await buildTestApp(t, { database });
      const { tokens } = await smallDepartment(ctx);
      for (const name of ['B-1', 'A-2', 'C-3', 'A-1', 'B-2', 'D-1', 'A-3', 'C-1', 'b-3x']) await createGroup(ctx, { name });
      const all = (await callApi(app, tokens.admin, 'GET', '/api/v1/groups?limit=500')).json();
      assert.equal(all.items.length, 11);
      assert.equal(all.nextCursor, null, 'one page holds them all');

      for (const limit of [1, 2, 3, 10]) {
        const seen: number[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const url: string = `/api/v1/groups?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`;
          const page = await callApi(app, tokens.admin, 'GET', url);
          assert.equal(page.statusCode, 200, page.body);
          const body = page.json();
          assert.ok(body.items.length <= limit);
          seen.push(...body.items.map((g: { id: number }) => g.id));
          cursor = body.nextCursor;
          pages++;
          assert.ok(pages <= 20, 'the walk ends');
        } while (cursor);
        assert.deepEqual(
          seen,
          all.items.map((g: { id: number }) => g.id),
          `limit ${limit}: every group once, in the same order`,
        );
      }

      const filteredNames: string[] = [];
      let next: string | null = null;
      do {
        const page = await callApi(app, tokens.admin, 'GET', `/api/v1/groups?q=a-&limit=2${next ? `&cursor=${next}` : ''}`);
        filteredNames.push(...page.json().items.map((g: { name: string }) => g.name));
        next = page.json().nextCursor;
      } while (next);
      assert.deepEqual(filteredNames, ['A-1', 'A-2', 'A-3', 'MA-201'], 'the filter holds across pages');

      for (const cursor of ['garbage!', 'bm90IGpzb24', encodeCursor(['A-1']), encodeCursor(['A-1', 'x', 3]), encodeCursor([{} as never, 1])]) {
        assertError(await callApi(app, tokens.admin, 'GET', `/api/v1/groups?cursor=${encodeURIComponent(cursor)}`), 422, 'invalid', 'cursor');
      }
    });
  });
}
