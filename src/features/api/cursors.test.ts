// Cursors are opaque but not trusted: one that decodes to the right number of values of the wrong
// kind (text where the list compares ids) must be refused as invalid on every list, never reach the
// query (a 500 on PostgreSQL, silently wrong pages on SQLite).
import { describe, test } from 'node:test';
import { buildTestApp } from '../../../test/build-test-app.js';
import { smallDepartment } from '../../../test/factories.js';
import { testDatabases } from '../../../test/services.js';
import { encodeCursor } from '../../lib/cursor.js';
import { assertError, callApi } from './testing.js';

for (const database of await testDatabases()) {
  describe(`API cursors on ${database}`, () => {
    test('a forged cursor with text for the id is 422 on every list', async (t) => {
      const { app, ctx } = await buildTestApp(t, { database });
      const { tokens } = await smallDepartment(ctx);
      const forged: [string, string][] = [
        ['/api/v1/groups', encodeCursor(['A', 'abc'])],
        ['/api/v1/students', encodeCursor(['Novak', 'Sara', 'abc'])],
        ['/api/v1/students?sort=number', encodeCursor(['2026', 'abc'])],
        ['/api/v1/students?sort=created', encodeCursor(['abc'])],
        ['/api/v1/lecturers', encodeCursor(['Petrova', 'Elena', 'abc'])],
        ['/api/v1/lecturers?sort=created', encodeCursor(['abc'])],
      ];
      for (const [url, cursor] of forged) {
        const response = await callApi(app, tokens.admin, 'GET', `${url}${url.includes('?') ? '&' : '?'}cursor=${cursor}`);
        assertError(response, 422, 'invalid', 'cursor');
      }
    });
  });
}
