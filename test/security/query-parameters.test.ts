// Every list and export, on the pages and in the API, answers a repeated query parameter
// (?q=a&q=b) with 422 naming it, and odd parameter shapes (?q[]=a, ?q[a]=b, very long or broken
// values) with a clean answer: never a 5xx (security review F6).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TSchema } from 'typebox';
import { systemActor } from '../../src/access.js';
import { ListAccountsQuery } from '../../src/features/accounts/schemas.js';
import { GroupsQuery, LecturersQuery, StudentsQuery } from '../../src/features/api/schemas.js';
import { callApi } from '../../src/features/api/testing.js';
import { AuditFilterQuery } from '../../src/features/audit/schemas.js';
import { ListGroupsQuery } from '../../src/features/groups/schemas.js';
import { ImportsPageQuery, ReportPageQuery } from '../../src/features/imports/schemas.js';
import { startImport } from '../../src/features/imports/service.js';
import { ListLecturersQuery } from '../../src/features/lecturers/schemas.js';
import { ListStudentsQuery } from '../../src/features/students/schemas.js';
import { buildTestApp } from '../build-test-app.js';
import { createApiToken, createUser, TEST_PASSWORD } from '../factories.js';
import { csvFile, STUDENT_HEADER, studentRows } from '../fixtures/spreadsheets/people.js';
import { Browser } from '../http.js';
import { testDatabases } from '../services.js';

const keysOf = (schema: TSchema) => Object.keys((schema as unknown as { properties: object }).properties);
const withExports = (path: string) => [path, `${path}/export.csv`, `${path}/export.xlsx`];

/** The same parameter twice, with values each of which alone would be fine. */
const twice = (key: string) => `${key}=1&${key}=2`;

const oddShapes = (key: string) => [`${key}[]=a`, `${key}[]=a&${key}[]=b`, `${key}[a]=b`, `${key}=${'x'.repeat(5000)}`, `${key}=%00%E2%80%AE`, `${key}=%E0%A4%A`, `${key}`];

/** The message naming `key`: "Give the search (q) only once." or "Give the actor only once." */
const namesParameter = (key: string) => new RegExp(`Give the [^<"]*(\\(${key}\\)|\\b${key}) only once\\.`);

for (const database of await testDatabases()) {
  describe(`repeated and odd query parameters on ${database}`, () => {
    test('every list and export page and every API list answers a repeated parameter with 422 naming it, and odd shapes without a 5xx', async (t) => {
      // Many requests from one address: the global limit is not what this test is about.
      const built = await buildTestApp(t, { database, env: { RATELIMIT_DEFAULT: '100000 per minute' } });
      const adminUser = await createUser(built.ctx, { role: 'admin', username: 'chief' });
      const admin = new Browser(built.app);
      await admin.signIn(adminUser.username, TEST_PASSWORD);
      const token = await createApiToken(built.ctx, adminUser.id);
      const system = { ...built.ctx, actor: systemActor, storage: built.app.deps.storage };
      const started = await startImport(system, 'students', { bytes: csvFile(STUDENT_HEADER, studentRows(2, [''])), filename: 'students.csv' });

      const pages: { paths: string[]; schema: TSchema; keys?: string[] }[] = [
        { paths: withExports('/students'), schema: ListStudentsQuery },
        { paths: withExports('/lecturers'), schema: ListLecturersQuery },
        { paths: withExports('/groups'), schema: ListGroupsQuery },
        { paths: ['/admin/accounts'], schema: ListAccountsQuery },
        // The accounts' export has no pages: it reads the search and the role.
        { paths: withExports('/admin/accounts').slice(1), schema: ListAccountsQuery, keys: ['q', 'role'] },
        { paths: withExports('/admin/audit'), schema: AuditFilterQuery },
        { paths: ['/admin/imports'], schema: ImportsPageQuery },
        { paths: [`/admin/imports/${started.id}`], schema: ReportPageQuery },
      ];
      const apiLists: { path: string; keys: string[]; method?: string }[] = [
        { path: '/api/v1/groups', keys: keysOf(GroupsQuery) },
        { path: '/api/v1/students', keys: keysOf(StudentsQuery) },
        { path: '/api/v1/lecturers', keys: keysOf(LecturersQuery) },
        { path: '/api/v1/imports/students', keys: ['dryRun', 'confirmLargeChange', 'planHash'], method: 'POST' },
      ];
      // The routes read what their schemas name; the parameters the review found must be among them.
      assert.ok(keysOf(ListStudentsQuery).includes('q') && keysOf(ListLecturersQuery).includes('degree'));

      let checked = 0;
      for (const { paths, schema, keys = keysOf(schema) } of pages) {
        for (const path of paths) {
          for (const key of keys) {
            const response = await admin.get(`${path}?${twice(key)}`);
            assert.equal(response.statusCode, 422, `${path}?${twice(key)}: ${response.body.slice(0, 300)}`);
            assert.match(response.body, namesParameter(key), `${path}?${twice(key)} names ${key}`);
            for (const odd of oddShapes(key)) {
              const answer = await admin.get(`${path}?${odd}`);
              assert.ok(answer.statusCode < 500, `${path}?${odd.slice(0, 40)} answered ${answer.statusCode}`);
            }
            checked++;
          }
          const all = await admin.get(`${path}?${keys.map(twice).join('&')}`);
          assert.equal(all.statusCode, 422, `${path} with every parameter twice`);
          for (const key of keys) assert.match(all.body, namesParameter(key), `${path} with every parameter twice names ${key}`);
        }
      }

      for (const { path, keys, method = 'GET' } of apiLists) {
        for (const key of keys) {
          const response = await callApi(built.app, token, method, `${path}?${twice(key)}`);
          assert.equal(response.statusCode, 422, `${method} ${path}?${twice(key)}: ${response.body}`);
          const body = response.json();
          assert.equal(body.error.code, 'invalid');
          assert.match(body.error.fields[key], namesParameter(key), `${path}?${twice(key)}: ${response.body}`);
          assert.match(body.error.message, namesParameter(key));
          for (const odd of oddShapes(key)) {
            const answer = await callApi(built.app, token, method, `${path}?${odd}`);
            assert.ok(answer.statusCode < 500, `${method} ${path}?${odd.slice(0, 40)} answered ${answer.statusCode}: ${answer.body.slice(0, 200)}`);
          }
          checked++;
        }
      }
      assert.ok(checked > 80, `${checked} route parameters checked`);

      // An htmx request gets the same refusal as a fragment, and a client asking for JSON gets JSON.
      const fragment = await admin.get('/students?q=a&q=b', { 'hx-request': 'true' });
      assert.equal(fragment.statusCode, 422);
      assert.match(fragment.body, /^<div class="alert alert-danger" role="alert">Give the search \(q\) only once\.<\/div>$/);
      const json = await admin.get('/lecturers/export.csv?degree=a&degree=b', { accept: 'application/json' });
      assert.equal(json.statusCode, 422);
      assert.deepEqual(json.json(), { error: { code: 'invalid', message: 'Give the academic degree (degree) only once.', fields: { degree: 'Give the academic degree (degree) only once.' } } });
    });

    test('a repeated parameter is checked after the permission: who may not see a list still hears 403', async (t) => {
      const built = await buildTestApp(t, { database });
      const lecturer = await createUser(built.ctx, { role: 'lecturer', username: 'lena' });
      const browser = new Browser(built.app);
      await browser.signIn(lecturer.username, TEST_PASSWORD);
      for (const url of ['/admin/audit?actor=a&actor=b', '/admin/audit/export.csv?actor=a&actor=b', '/admin/imports?kind=a&kind=b', '/admin/accounts?q=a&q=b', '/lecturers?q=a&q=b']) {
        assert.equal((await browser.get(url)).statusCode, 403, url);
      }
    });
  });
}
