// The lockout under pressure (security review F1, F4, F10): simultaneous guesses from one or many
// clients, on one or two servers, never get more password checks than the policy allows, and one
// noisy client locks only itself out of the account.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { buildTestApp, openTestDatabase, type TestApp } from '../../../test/build-test-app.js';
import { createUser, TEST_PASSWORD } from '../../../test/factories.js';
import { Browser } from '../../../test/http.js';
import { testDatabases } from '../../../test/services.js';
import { migrateOrThrow } from '../../db/migrator.js';
import type { Db } from '../../db/index.js';

// The documented policy (README "Lockout", SECURITY.md, ADR 0010), written out here rather than read
// from lockout.ts: changing it means changing the documentation and this test as well.
/** Wrong passwords from one client (an address or an IPv6 /64) within 15 minutes lock that client out. */
const CLIENT_MAX_FAILURES = 5;
const CLIENT_WINDOW_MS = 15 * 60_000;
/** Wrong passwords within an hour, from any clients, lock the account as a whole. */
const ACCOUNT_MAX_FAILURES = 20;
/** How long either lock lasts. */
const LOCKOUT_MS = 15 * 60_000;
const MINUTE = 60_000;

/** Every password check leaves one audit entry: a failure, a lock, or a sign-in. */
const checkActions = ['auth.sign_in_failed', 'auth.password_check_failed', 'auth.client_locked', 'auth.locked', 'auth.sign_in'];

async function auditOf(db: Db, userId: number) {
  return db.selectFrom('auditLog').select(['id', 'action', 'ip']).where('entity', '=', 'user').where('entityId', '=', String(userId)).orderBy('id').execute();
}

async function passwordChecks(db: Db, userId: number) {
  return (await auditOf(db, userId)).filter((a) => checkActions.includes(a.action));
}

/** A sign-in form ready to post (CSRF cookie and token) from a client address, sent later all at once. */
async function preparedSignIn(app: TestApp['app'], address: string, username: string, password: string) {
  const browser = new Browser(app, {}, address);
  const token = await browser.csrfToken('/login');
  return () => browser.post('/login', { _csrf: token, username, password });
}

for (const database of await testDatabases()) {
  describe(`lockout on ${database}`, () => {
    test('100 simultaneous guesses from 10 clients get at most 20 password checks, and never a sign-in after the lock', async (t) => {
      const { app, ctx, db } = await buildTestApp(t, { database });
      const user = await createUser(ctx, { role: 'lecturer' });
      const sends: (() => Promise<LightMyRequestResponse>)[] = [];
      for (let c = 0; c < 10; c++) {
        // Ten per client: the sign-in rate limit (10 a minute per client) lets every one through.
        for (let i = 0; i < 10; i++) {
          const right = c === 9 && i === 9;
          sends.push(await preparedSignIn(app, `198.51.100.${c + 1}`, user.username, right ? TEST_PASSWORD : `guess ${c}-${i} wrong`));
        }
      }
      const answers = await Promise.all(sends.map((send) => send()));
      assert.ok(answers.every((a) => a.statusCode === 401 || a.statusCode === 303), 'every attempt is answered 401 or signed in');

      const checks = await passwordChecks(db, user.id);
      assert.ok(checks.length <= ACCOUNT_MAX_FAILURES, `at most ${ACCOUNT_MAX_FAILURES} password checks in all (got ${checks.length})`);
      const perClient = new Map<string, number>();
      for (const c of checks) perClient.set(c.ip ?? '', (perClient.get(c.ip ?? '') ?? 0) + 1);
      for (const [ip, n] of perClient) assert.ok(n <= CLIENT_MAX_FAILURES, `at most ${CLIENT_MAX_FAILURES} checks from ${ip} (got ${n})`);
      const audit = await auditOf(db, user.id);
      const firstLock = audit.find((a) => a.action === 'auth.locked');
      assert.ok(firstLock, 'the account as a whole is locked');
      assert.ok(!audit.some((a) => a.action === 'auth.sign_in' && a.id > firstLock.id), 'no sign-in is accepted after the lock');

      const later = await (await preparedSignIn(app, '203.0.113.50', user.username, TEST_PASSWORD))();
      assert.equal(later.statusCode, 401, 'the account stays locked, even from a fresh client with the right password');
    });

    test('two servers on one database share the counts: 20 simultaneous guesses from one IPv6 /64 get 5 checks', async (t) => {
      const { db } = await openTestDatabase(t, database);
      await migrateOrThrow(db);
      const one = await buildTestApp(t, { sharedDb: db });
      const two = await buildTestApp(t, { sharedDb: db });
      const user = await createUser(one.ctx, { role: 'student' });
      const sends: (() => Promise<LightMyRequestResponse>)[] = [];
      // Ten per server, as each server's rate limit (10 a minute per client) allows, from addresses
      // of one /64; the right password goes last.
      for (const [app, address] of [[one.app, '2001:db8:5:6::1'], [two.app, '2001:db8:5:6::2'], [one.app, '2001:db8:5:6::3'], [two.app, '2001:db8:5:6::4']] as const)
        for (let i = 0; i < 5; i++) sends.push(await preparedSignIn(app, address, user.username, `wrong ${address} ${i}`));
      sends.pop();
      sends.push(await preparedSignIn(two.app, '2001:db8:5:6::ffff', user.username, TEST_PASSWORD));
      const answers = await Promise.all(sends.map((send) => send()));
      assert.ok(answers.every((a) => a.statusCode === 401), 'every attempt is refused');
      const checks = await passwordChecks(db, user.id);
      assert.equal(checks.length, CLIENT_MAX_FAILURES, 'exactly 5 password checks for the one /64');
      assert.ok(!checks.some((c) => c.action === 'auth.sign_in'), 'the right password, sent with the burst, was not checked');
      // A third server, with rate limits of its own, sees the same lock.
      const three = await buildTestApp(t, { sharedDb: db });
      const again = await (await preparedSignIn(three.app, '2001:db8:5:6:abcd::1', user.username, TEST_PASSWORD))();
      assert.equal(again.statusCode, 401, 'another address of the same /64 is the same client');
      const elsewhere = await (await preparedSignIn(three.app, '2001:db8:5:7::1', user.username, TEST_PASSWORD))();
      assert.equal(elsewhere.statusCode, 303, 'the next /64 is another client and signs in');
    });

    test('5 wrong passwords lock only that client out of the account; the owner elsewhere signs in and is told', async (t) => {
      const { app, ctx, db, clock } = await buildTestApp(t, { database });
      const user = await createUser(ctx, { role: 'lecturer' });
      const stranger = new Browser(app, {}, '192.0.2.66');
      for (let i = 0; i < CLIENT_MAX_FAILURES; i++) assert.equal((await stranger.post('/login', { username: user.username, password: `guess number ${i}` })).statusCode, 401);
      assert.equal((await stranger.post('/login', { username: user.username, password: TEST_PASSWORD })).statusCode, 401, 'the stranger is locked out');

      const owner = new Browser(app, {}, '192.0.2.10');
      const signIn = await owner.post('/login', { username: user.username, password: TEST_PASSWORD });
      assert.equal(signIn.statusCode, 303, 'the owner, from their own address, is not');
      const dashboard = await owner.get('/dashboard');
      assert.match(dashboard.body, /5 wrong passwords were given for your account recently/);
      assert.doesNotMatch((await owner.get('/dashboard')).body, /wrong passwords were given/, 'told once');

      const actions = (await auditOf(db, user.id)).map((a) => a.action);
      assert.deepEqual(actions.filter((a) => a.startsWith('auth.')), [
        'auth.sign_in_failed',
        'auth.sign_in_failed',
        'auth.sign_in_failed',
        'auth.sign_in_failed',
        'auth.client_locked',
        'auth.sign_in_refused',
        'auth.sign_in',
      ]);
      const account = await db.selectFrom('users').select(['lockedUntil']).where('id', '=', user.id).executeTakeFirstOrThrow();
      assert.equal(account.lockedUntil, null, 'the account as a whole is not locked');

      clock.advance(14 * MINUTE);
      assert.equal((await stranger.post('/login', { username: user.username, password: TEST_PASSWORD })).statusCode, 401, 'still locked after 14 minutes');
      clock.advance(LOCKOUT_MS - 14 * MINUTE + 1000);
      assert.equal((await stranger.post('/login', { username: user.username, password: TEST_PASSWORD })).statusCode, 303, 'the lock lifts after 15 minutes');
    });

    test(`${ACCOUNT_MAX_FAILURES} wrong passwords from several clients lock the account as a whole until the lock ends or an admin resets it`, async (t) => {
      const { app, ctx, db, clock } = await buildTestApp(t, { database });
      const admin = await createUser(ctx, { role: 'admin' });
      const user = await createUser(ctx, { role: 'student' });
      for (let c = 0; c < ACCOUNT_MAX_FAILURES / CLIENT_MAX_FAILURES; c++) {
        const client = new Browser(app, {}, `10.9.${c}.1`);
        for (let i = 0; i < CLIENT_MAX_FAILURES; i++) await client.post('/login', { username: user.username, password: `guess ${c} ${i} wrong` });
      }
      const fresh = new Browser(app, {}, '10.99.0.1');
      assert.equal((await fresh.post('/login', { username: user.username, password: TEST_PASSWORD })).statusCode, 401, 'locked for every client');
      const locked = await db.selectFrom('users').select('lockedUntil').where('id', '=', user.id).executeTakeFirstOrThrow();
      assert.ok(locked.lockedUntil && locked.lockedUntil.getTime() > clock.now().getTime());
      const adminBrowser = new Browser(app, {}, '10.1.1.1');
      await adminBrowser.signIn(admin.username, TEST_PASSWORD);
      const list = await adminBrowser.get(`/admin/accounts?q=${user.username}`);
      assert.match(list.body, />locked</, 'admins see the lock');
      const locks = await db.selectFrom('auditLog').select(['after', 'actorId']).where('action', '=', 'auth.locked').where('entityId', '=', String(user.id)).execute();
      assert.equal(locks.length, 1, 'the lock of the account is in the audit trail, once');
      assert.deepEqual(JSON.parse(String(locks[0]!.after)), { minutes: 15, failures: ACCOUNT_MAX_FAILURES });
      assert.equal(locks[0]!.actorId, null, 'nobody signed in did it');

      clock.advance(14 * MINUTE);
      assert.equal((await new Browser(app, {}, '10.99.0.2').post('/login', { username: user.username, password: TEST_PASSWORD })).statusCode, 401, 'still locked after 14 minutes');
      clock.advance(LOCKOUT_MS - 14 * MINUTE + 1000);
      assert.equal((await fresh.post('/login', { username: user.username, password: TEST_PASSWORD })).statusCode, 303, 'the lock lifts after 15 minutes');
    });

    test('a sign-in starts the counts again: 4 wrong, a sign-in and 4 wrong from one client lock nothing; nor do 16, a sign-in and 16 from several', async (t) => {
      const { app, ctx } = await buildTestApp(t, { database });
      const user = await createUser(ctx, { role: 'student' });
      const wrongFrom = async (address: string, times: number, round: string) => {
        const client = new Browser(app, {}, address);
        for (let i = 0; i < times; i++) assert.equal((await client.post('/login', { username: user.username, password: `${round} guess ${i}` })).statusCode, 401);
        return client;
      };
      const owner = await wrongFrom('192.0.2.40', CLIENT_MAX_FAILURES - 1, 'first');
      assert.equal((await owner.post('/login', { username: user.username, password: TEST_PASSWORD })).statusCode, 303);
      await wrongFrom('192.0.2.40', CLIENT_MAX_FAILURES - 1, 'second');
      assert.equal((await owner.post('/login', { username: user.username, password: TEST_PASSWORD })).statusCode, 303, "the client's count started again at the sign-in");

      // The account's count: 16 from four clients, a sign-in, 16 more from four others: 32 in all.
      for (let c = 0; c < 4; c++) await wrongFrom(`198.51.100.${10 + c}`, CLIENT_MAX_FAILURES - 1, 'third');
      assert.equal((await new Browser(app, {}, '198.51.100.30').post('/login', { username: user.username, password: TEST_PASSWORD })).statusCode, 303);
      for (let c = 0; c < 4; c++) await wrongFrom(`198.51.100.${20 + c}`, CLIENT_MAX_FAILURES - 1, 'fourth');
      assert.equal((await new Browser(app, {}, '198.51.100.31').post('/login', { username: user.username, password: TEST_PASSWORD })).statusCode, 303, "the account's count started again at the sign-in");
    });

    test('failures older than the window are forgotten: 4 now and 4 after 15 minutes lock nobody', async (t) => {
      const { app, ctx, clock } = await buildTestApp(t, { database });
      const user = await createUser(ctx, { role: 'student' });
      const browser = new Browser(app, {}, '192.0.2.77');
      for (let i = 0; i < CLIENT_MAX_FAILURES - 1; i++) await browser.post('/login', { username: user.username, password: `first round ${i}` });
      clock.advance(CLIENT_WINDOW_MS + 1000);
      for (let i = 0; i < CLIENT_MAX_FAILURES - 1; i++) await browser.post('/login', { username: user.username, password: `second round ${i}` });
      assert.equal((await browser.post('/login', { username: user.username, password: TEST_PASSWORD })).statusCode, 303);
    });

    test("an admin's password reset lifts every lock of the account", async (t) => {
      const { app, ctx, db } = await buildTestApp(t, { database });
      const admin = await createUser(ctx, { role: 'admin' });
      const user = await createUser(ctx, { role: 'student' });
      const owner = new Browser(app, {}, '192.0.2.5');
      for (let i = 0; i < CLIENT_MAX_FAILURES; i++) await owner.post('/login', { username: user.username, password: `forgot it ${i}` });
      const adminBrowser = new Browser(app, {}, '192.0.2.200');
      await adminBrowser.signIn(admin.username, TEST_PASSWORD);
      const reset = await adminBrowser.post(`/admin/accounts/${user.id}/reset-password`, {}, { from: `/admin/accounts/${user.id}` });
      const otp = /data-testid="one-time-password">([^<]+)</.exec(reset.body)![1]!;
      assert.equal((await owner.post('/login', { username: user.username, password: otp })).statusCode, 303, 'the owner signs in from the locked client');
      assert.equal((await db.selectFrom('signInFailures').select('userId').where('userId', '=', user.id).execute()).length, 0);
    });

    test('wrong current passwords on /account/password count toward the lockout like failed sign-ins', async (t) => {
      const { app, ctx, db } = await buildTestApp(t, { database });
      const user = await createUser(ctx, { role: 'student' });
      const thief = new Browser(app, {}, '192.0.2.31');
      await thief.signIn(user.username, TEST_PASSWORD);
      const next = 'a completely new passphrase 9';
      for (let i = 0; i < CLIENT_MAX_FAILURES; i++) {
        const wrong = await thief.post('/account/password', { currentPassword: `guess-${i}-abcdefgh`, newPassword: next, confirmPassword: next }, { from: '/account/password' });
        assert.equal(wrong.statusCode, 422);
        assert.match(wrong.body, /The current password is not correct/);
      }
      const right = await thief.post('/account/password', { currentPassword: TEST_PASSWORD, newPassword: next, confirmPassword: next }, { from: '/account/password' });
      assert.equal(right.statusCode, 422, 'the 6th try waits, right or not');
      assert.match(right.body, /Too many wrong passwords: wait 15 minutes/);
      assert.equal((await new Browser(app, {}, '192.0.2.31').post('/login', { username: user.username, password: TEST_PASSWORD })).statusCode, 401, 'the client is locked out of signing in too');
      assert.equal((await new Browser(app, {}, '192.0.2.32').post('/login', { username: user.username, password: TEST_PASSWORD })).statusCode, 303, 'the owner elsewhere is not');
      const stored = await db.selectFrom('users').select('passwordChangedAt').where('id', '=', user.id).executeTakeFirstOrThrow();
      const created = await db.selectFrom('users').select('createdAt').where('id', '=', user.id).executeTakeFirstOrThrow();
      assert.equal(stored.passwordChangedAt.getTime(), created.createdAt.getTime(), 'the password did not change');
    });

    test('a new password that breaks a rule is refused without spending a guess', async (t) => {
      const { app, ctx, db } = await buildTestApp(t, { database });
      const user = await createUser(ctx, { role: 'student' });
      const browser = new Browser(app);
      await browser.signIn(user.username, TEST_PASSWORD);
      for (let i = 0; i < CLIENT_MAX_FAILURES + 2; i++) {
        const refused = await browser.post('/account/password', { currentPassword: `wrong ${i} password`, newPassword: 'short', confirmPassword: 'short' }, { from: '/account/password' });
        assert.equal(refused.statusCode, 422);
        assert.match(refused.body, /at least 12 characters/);
      }
      assert.equal((await passwordChecks(db, user.id)).filter((c) => c.action !== 'auth.sign_in').length, 0, 'no current password was checked');
      const next = 'a completely new passphrase 9';
      assert.equal((await browser.post('/account/password', { currentPassword: TEST_PASSWORD, newPassword: next, confirmPassword: next }, { from: '/account/password' })).statusCode, 303);
    });
  });
}
