// The pages answer as the API does (DESIGN convention 3): a change to a record the user may not see
// is "not found", as for a record that does not exist; a change to one they may see but not change
// is "forbidden". Nothing is written either way.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Browser } from '../http.js';
import { createGroup, createLecturer, createStudent, teach } from '../factories.js';
import { pagesApp, signInAsNew } from '../people/page-helpers.js';
import { testDatabases } from '../services.js';

for (const database of await testDatabases()) {
  describe(`page writes to records out of sight on ${database}`, () => {
    test('a lecturer gets 404 for a student or group they do not teach, 403 for one they do', async (t) => {
      const { app, system, db, admin } = await pagesApp(t, database);
      const taught = await createGroup(system, { name: 'Taught-1' });
      const other = await createGroup(system, { name: 'Other-1' });
      const mine = await createStudent(system, { groupId: taught.id });
      const theirs = await createStudent(system, { groupId: other.id });
      const created = await createLecturer(system);
      await teach(system, created.lecturer.id, taught.id);
      const browser: Browser = await signInAsNew(app, created.account.username, created.account.oneTimePassword);

      const writes = (id: number, base: string) => [
        [`${base}/${id}`, { firstName: 'Changed', name: 'Changed' }],
        [`${base}/${id}/archive`, {}],
        [`${base}/${id}/photo/remove`, {}],
      ] as const;
      for (const [base, hidden, seen] of [['/students', theirs.student.id, mine.student.id], ['/groups', other.id, taught.id]] as const) {
        for (const [i, [url, form]] of writes(hidden, base).entries()) {
          if (base === '/groups' && url.endsWith('/photo/remove')) continue;
          const refused = await browser.post(url, { ...form }, { from: '/dashboard' });
          assert.equal(refused.statusCode, 404, `${url}: out of sight`);
          const missing = await browser.post(writes(987654, base)[i]![0], { ...form }, { from: '/dashboard' });
          assert.equal(missing.statusCode, 404, 'as for a record that does not exist');
          const [seenUrl] = writes(seen, base)[i]!;
          assert.equal((await browser.post(seenUrl, { ...form }, { from: '/dashboard' })).statusCode, 403, `${seenUrl}: in sight, not theirs to change`);
        }
      }
      const unchanged = await admin.get(`/students/${theirs.student.id}`);
      assert.doesNotMatch(unchanged.body, /Changed/);
      assert.equal((await db.selectFrom('students').select('archived').where('id', '=', theirs.student.id).executeTakeFirstOrThrow()).archived, false);
    });
  });
}
