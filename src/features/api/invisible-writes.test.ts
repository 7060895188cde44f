// Writes answer as reads do (docs/api.md, DESIGN convention 3): a record the token may not see is a
// 404, worded exactly as for one that does not exist, so a write reveals nothing; a record it may see
// but not change is a 403. Nothing is written either way, and admins still may.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildTestApp } from '../../../test/build-test-app.js';
import { createLecturer, smallDepartment } from '../../../test/factories.js';
import { testDatabases } from '../../../test/services.js';
import { assertError, callApi } from './testing.js';

const NO_SUCH_ID = 987654;

/** The writes to one record: a change, archive, restore, and DELETE (which archives). */
function writes(path: string, id: number, body: Record<string, unknown>): [string, string, unknown][] {
  return [
    ['PATCH', `/api/v1/${path}/${id}`, body],
    ['POST', `/api/v1/${path}/${id}/archive`, undefined],
    ['POST', `/api/v1/${path}/${id}/restore`, undefined],
    ['DELETE', `/api/v1/${path}/${id}`, undefined],
  ];
}

for (const database of await testDatabases()) {
  describe(`API writes to records out of sight on ${database}`, () => {
    test('404 for a record the token may not see, as for one that does not exist; 403 for one it may see', async (t) => {
      const { app, ctx } = await buildTestApp(t, { database });
      const { tokens, groups, lecturer, student, outsider } = await smallDepartment(ctx);
      const { lecturer: colleague } = await createLecturer(ctx, { firstName: 'Ivo', lastName: 'Colleague' });
      const changes = { groups: { name: 'Renamed' }, students: { firstName: 'Changed' }, lecturers: { position: 'Dean' } };

      // [token, resource, a record it cannot see, a record it can see]
      const cases: [keyof typeof tokens, keyof typeof changes, number, number | null][] = [
        ['student', 'students', outsider.id, student.id],
        ['student', 'groups', groups.other.id, groups.taught.id],
        ['student', 'lecturers', lecturer.id, null],
        ['lecturer', 'students', outsider.id, student.id],
        ['lecturer', 'groups', groups.other.id, groups.taught.id],
        ['lecturer', 'lecturers', colleague.id, lecturer.id],
      ];
      for (const [who, path, hidden, seen] of cases) {
        const token = tokens[who];
        for (const [i, [method, url, body]] of writes(path, hidden, changes[path]).entries()) {
          const what = `${who}: ${method} ${url}`;
          const refused = await callApi(app, token, method, url, body);
          assertError(refused, 404, 'not_found');
          const [, missingUrl, missingBody] = writes(path, NO_SUCH_ID, changes[path])[i]!;
          const missing = await callApi(app, token, method, missingUrl, missingBody);
          assert.deepEqual(refused.json(), missing.json(), `${what}: the same answer as for a record that does not exist`);
          assert.equal(refused.statusCode, missing.statusCode);
        }
        if (seen === null) continue;
        for (const [method, url, body] of writes(path, seen, changes[path])) {
          assertError(await callApi(app, token, method, url, body), 403, 'forbidden');
        }
      }

      // Nothing was written by any of them.
      const admin = tokens.admin;
      const read = async (path: string, id: number) => (await callApi(app, admin, 'GET', `/api/v1/${path}/${id}`)).json();
      assert.deepEqual([(await read('students', outsider.id)).firstName, (await read('students', outsider.id)).archived], ['Ivan', false]);
      assert.deepEqual([(await read('students', student.id)).firstName, (await read('students', student.id)).archived], ['Sara', false]);
      assert.deepEqual([(await read('groups', groups.other.id)).name, (await read('groups', groups.taught.id)).name], ['MA-201', 'CS-101']);
      assert.deepEqual([(await read('lecturers', colleague.id)).position, (await read('lecturers', lecturer.id)).position], ['', '']);
      assert.equal((await read('lecturers', lecturer.id)).archived, false);

      // Admins see every record and may write to it; a record that does not exist is 404 for them too.
      for (const [method, url, body] of writes('students', outsider.id, changes.students)) {
        assert.equal((await callApi(app, admin, method, url, body)).statusCode, 200, `admin: ${method} ${url}`);
      }
      assertError(await callApi(app, admin, 'PATCH', `/api/v1/groups/${NO_SUCH_ID}`, { name: 'X' }), 404, 'not_found');
    });
  });
}
