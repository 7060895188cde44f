// The demo department's published passwords (F5): the seed can still set them, nobody else can,
// and production start refuses a database where any demo account signs in with one — by testing
// the stored hashes, so a password set back to its published value counts too.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { openTestDatabase } from '../../test/build-test-app.js';
import { testDatabases } from '../../test/services.js';
import { systemActor } from '../access.js';
import { loadConfig } from '../config/index.js';
import type { ServiceContext } from '../context.js';
import { createAccount } from '../features/accounts/service.js';
import { migrateOrThrow } from '../db/migrator.js';
import { ManualClock } from '../lib/clock.js';
import { Invalid } from '../lib/errors.js';
import { hashOneTimePassword, hashPassword, verifyPassword } from '../lib/passwords.js';
import { prepareForServing, StartupError } from '../server.js';
import { demoAccountsWithPublishedPasswords } from './demo-accounts.js';
import { demoUsernames, seedDemoDepartment } from './demo.js';
import { demoLogins } from './demo-logins.js';

const quietLog = { info() {}, warn() {}, error() {}, debug() {} };

async function seededSite(t: TestContext, database: 'sqlite' | 'postgres') {
  const { db, url } = await openTestDatabase(t, database);
  await migrateOrThrow(db);
  const uploads = mkdtempSync(join(tmpdir(), 'fms-demo-'));
  t.after(() => rmSync(uploads, { recursive: true, force: true }));
  const env = { DATABASE_URL: url, UPLOAD_FOLDER: uploads, LOG_LEVEL: 'silent' };
  const config = loadConfig({ FMS_CONFIG: 'testing', ...env }, { dotenvDir: false });
  const production = (extra: Record<string, string> = {}) =>
    loadConfig({ FMS_CONFIG: 'production', SECRET_KEY: randomBytes(32).toString('hex'), ...env, ...extra }, { dotenvDir: false });
  const clock = new ManualClock('2026-12-05T09:00:00.000Z');
  const ctx: ServiceContext = { db, actor: null, clock, config, log: quietLog, ip: null };
  await db.transaction().execute((trx) => seedDemoDepartment({ ...ctx, db: trx }));
  clock.advance(60_000);
  /** Sets an account's password hash straight in the table, as a copied or restored database may hold it. */
  const storeHash = (username: string, passwordHash: string) =>
    db.updateTable('users').set({ passwordHash, passwordChangedAt: clock.now(), updatedAt: clock.now() }).where('username', '=', username).execute();
  return { db, ctx, clock, production, storeHash };
}

for (const database of await testDatabases()) {
  describe(`demo accounts and their published passwords on ${database}`, () => {
    test('demoUsernames lists exactly the accounts the seed creates, each with a published password', async (t) => {
      const { db } = await seededSite(t, database);
      const users = await db.selectFrom('users').select(['username', 'passwordHash']).execute();
      assert.deepEqual(users.map((u) => u.username).sort(), [...demoUsernames()].sort());
      assert.equal(users.length, 34);
      assert.ok(demoUsernames().includes('s.20260002') && demoUsernames().includes('s.20260030'));
      for (const login of demoLogins) {
        const user = users.find((u) => u.username === login.username)!;
        assert.ok(await verifyPassword(user.passwordHash, login.password), `${login.username} signs in with the printed password`);
      }
    });

    test('the demo has news for every audience, and the demo lecturer\'s note to one of their groups', async (t) => {
      const { db } = await seededSite(t, database);
      const articles = await db.selectFrom('news').select(['title', 'audience', 'id']).orderBy('id').execute();
      assert.deepEqual([...new Set(articles.map((a) => a.audience))].sort(), ['everyone', 'groups', 'lecturers', 'public', 'students']);
      const note = articles.find((a) => a.audience === 'groups')!;
      const readers = await db.selectFrom('newsGroups').innerJoin('groups', 'groups.id', 'newsGroups.groupId').select('groups.name').where('newsGroups.newsId', '=', note.id).execute();
      assert.deepEqual(readers.map((r) => r.name), ['CS-101']);
      const author = await db.selectFrom('news').innerJoin('users', 'users.id', 'news.authorId').select('users.username').where('news.id', '=', note.id).executeTakeFirstOrThrow();
      assert.equal(author.username, 'l.petrova', "the demo lecturer's note");
      assert.equal(articles.filter((a) => a.audience === 'public').length, 2, 'the landing page has news to show');
    });

    test('every freshly seeded account is found', async (t) => {
      const { db } = await seededSite(t, database);
      const found = await demoAccountsWithPublishedPasswords({ db });
      assert.deepEqual([...found].sort(), [...demoUsernames()].sort());
    });

    test('an account set back to its published password after the seed is found; disabled and one-time ones are not', async (t) => {
      const { db, storeHash } = await seededSite(t, database);
      await db.updateTable('users').set({ disabled: true }).execute();
      // s.novak changed the password and later set it back to the published one (the review's step 2).
      await storeHash('s.novak', await hashPassword('fms-demo-student', { fast: true }));
      // l.petrova's password was reset: a one-time password, to be replaced at the next sign-in.
      await storeHash('l.petrova', await hashOneTimePassword('abcd-efgh-jkmn-pqrs'));
      // admin chose another published password than the one it was given.
      await storeHash('admin', await hashPassword('fms-demo-lecturer', { fast: true }));
      await db.updateTable('users').set({ disabled: false }).where('username', 'in', ['s.novak', 'l.petrova', 'admin']).execute();
      assert.deepEqual(await demoAccountsWithPublishedPasswords({ db }), ['admin', 's.novak']);

      await storeHash('admin', await hashPassword('quiet lantern orbit 7 velvet harbor', { fast: true }));
      assert.deepEqual(await demoAccountsWithPublishedPasswords({ db }), ['s.novak']);
    });

    test('production start refuses a demo account set back to its published password, naming it and the fix', async (t) => {
      const { db, storeHash, production } = await seededSite(t, database);
      await db.updateTable('users').set({ disabled: true }).where('username', '!=', 's.novak').execute();
      await storeHash('s.novak', await hashPassword('fms-demo-student', { fast: true }));
      await assert.rejects(prepareForServing(production(), () => {}), (error: Error) => {
        assert.ok(error instanceof StartupError, String(error));
        assert.match(error.message, /1 demo account\(s\) with published passwords \(s\.novak\): disable them all with `fms user disable --demo`.*`fms user reset-password s\.novak`/);
        return true;
      });
      await storeHash('s.novak', await hashOneTimePassword('abcd-efgh-jkmn-pqrs'));
      await prepareForServing(production(), () => {});
    });

    test('an admin cannot give an account a published password; only the demo seed can', async (t) => {
      const { ctx } = await seededSite(t, database);
      const system = { ...ctx, actor: systemActor };
      await assert.rejects(createAccount(system, { username: 'new.admin', role: 'admin', displayName: 'New', password: 'fms-demo-dept-head' }), (error: Error) => {
        assert.ok(error instanceof Invalid);
        assert.match(JSON.stringify(error.fields), /published demo password/);
        return true;
      });
    });
  });
}

describe('production start warns about TRUST_PROXY ranges that reach public addresses', () => {
  test('one warning line naming the ranges; private ranges say nothing', async (t) => {
    const { production } = await seededSite(t, 'sqlite');
    const lines: string[] = [];
    // The seeded demo accounts make the start fail after the warning: the warning comes first.
    await assert.rejects(prepareForServing(production({ TRUST_PROXY: '127.0.0.1,0.0.0.0/1,128.0.0.0/1' }), (line) => lines.push(line)), StartupError);
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.match(lines[0]!, /^Warning: TRUST_PROXY ranges 0\.0\.0\.0\/1, 128\.0\.0\.0\/1 include public addresses: .*list only your proxies' own addresses/);

    const quiet: string[] = [];
    await assert.rejects(prepareForServing(production({ TRUST_PROXY: '127.0.0.1,10.0.0.0/8' }), (line) => quiet.push(line)), StartupError);
    assert.deepEqual(quiet, []);
  });
});
