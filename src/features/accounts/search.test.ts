// The accounts' search through the trigram indexes (migration 0005, users_search and the people's):
// whatever shape the query takes (the matches gathered through the indexes for a rarer text, a walk
// by username for one with more than CANDIDATE_LIMIT matches or too short for the index), it
// finds exactly the accounts reading every row finds, on SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { migrateOrThrow } from '../../db/migrator.js';
import { CANDIDATE_LIMIT } from '../../db/people-search.js';
import { foldQuery } from '../../lib/people.js';
import { openTestDatabase } from '../../../test/build-test-app.js';
import { testDatabases } from '../../../test/services.js';
import { createStudent } from '../../../test/factories.js';
import { systemActor } from '../../access.js';
import { listAccounts, prepareAccountSearch } from './repository.js';
import { createPersonAccount, createPersonAccountsInBulk } from './service.js';

const now = new Date('2026-12-01T10:00:00Z');
const quietLog = { info() {}, warn() {}, error() {}, debug() {} };

for (const database of await testDatabases()) {
  describe(`the accounts' search on ${database}`, () => {
    test('a rare text, a common one, a short one and one with wildcards find what reading every account finds', async (t) => {
      const { db } = await openTestDatabase(t, database);
      await migrateOrThrow(db);
      const ctx = { db, actor: systemActor, clock: { now: () => now }, log: quietLog, ip: null } as never;
      // Unlinked accounts by the thousand (their usernames and names are searched: "novak" names more
      // than CANDIDATE_LIMIT), and students whose accounts are found by the student's own
      // search text.
      const rows = Array.from({ length: CANDIDATE_LIMIT + 100 }, (_, i) => ({
        username: i % 100 === 7 ? `z.zoltanovic${i}` : `u.novak${i}`,
        passwordHash: '!',
        role: 'admin' as const,
        isAdmin: true,
        studentId: null,
        lecturerId: null,
        displayName: i % 50 === 3 ? `Ana Šarić_${i}` : `Office ${i}`,
        mustChangePassword: false,
        disabled: false,
        passwordChangedAt: now,
        createdAt: now,
        updatedAt: now,
      }));
      for (let i = 0; i < rows.length; i += 200) await db.insertInto('users').values(rows.slice(i, i + 200)).execute();
      await createStudent(ctx, { firstName: 'Željko', lastName: 'Zoltanović' });
      await createStudent(ctx, { firstName: 'Ana', lastName: 'Novak' });

      const everyAccount = await db
        .selectFrom('users')
        .leftJoin('students', 'students.id', 'users.studentId')
        .select(['users.id', 'users.username', 'users.displayName', 'users.studentId', 'users.lecturerId', 'students.searchText'])
        .execute();
      const slow = (q: string) => {
        const text = q.toLowerCase();
        const words = (foldQuery(q) ?? text).split(' ').filter(Boolean);
        return everyAccount
          .filter(
            (a) =>
              a.username.includes(text) ||
              (a.studentId === null && a.lecturerId === null && a.displayName.toLowerCase().includes(text)) ||
              (a.searchText !== null && words.every((w) => a.searchText!.includes(w))),
          )
          .map((a) => a.username)
          .sort();
      };
      for (const q of ['zoltanovic', 'zoltanović', 'novak', 'novak1', 'šarić', 'ŠARIĆ_1', 'ana', 'ab', 'c_', '%', 'office 1', 'nobody'])
        assert.deepEqual(
          (await listAccounts(db, { search: await prepareAccountSearch(db, q), limit: CANDIDATE_LIMIT * 2, offset: 0 })).rows.map((r) => r.username).sort(),
          slow(q),
          `search ${JSON.stringify(q)}`,
        );
      const gathered = async (q: string) => (await prepareAccountSearch(db, q))!.matches !== null;
      assert.ok(await gathered('zoltanovic'), 'a rare text: its matches are gathered through the indexes');
      assert.ok(await gathered('šarić'), 'a name in another script: usernames (ASCII) hold none, the rest through the indexes');
      assert.ok(await gathered('ana'), 'a few hundred matches');
      assert.equal(await gathered('novak'), false, 'more than CANDIDATE_LIMIT: walked in username order');
      assert.equal(await gathered('ab'), false, 'two letters: no trigram');
    });

    test('a generated username takes the first free number, gaps first, and a batch goes on from there', async (t) => {
      const { db } = await openTestDatabase(t, database);
      await migrateOrThrow(db);
      const ctx = { db, actor: systemActor, clock: { now: () => now }, log: quietLog, ip: null } as never;
      const taken = ['s.novak', 's.novak2', 's.novak4'];
      await db
        .insertInto('users')
        .values(taken.map((username) => ({ username, passwordHash: '!', role: 'admin' as const, isAdmin: true, studentId: null, lecturerId: null, displayName: username, mustChangePassword: false, disabled: false, passwordChangedAt: now, createdAt: now, updatedAt: now })))
        .execute();
      const person = (lastName: string) => ({ role: 'lecturer' as const, username: null, firstName: 'Sam', lastName });
      assert.equal((await createPersonAccount(ctx, person('Novak'))).username, 's.novak3');
      assert.equal((await createPersonAccount(ctx, person('Horvat'))).username, 's.horvat');
      assert.deepEqual(
        (await createPersonAccountsInBulk(ctx, [person('Novak'), person('Novak'), person('Horvat')])).map((a) => a.username),
        ['s.novak5', 's.novak6', 's.horvat2'],
      );
    });
  });
}
