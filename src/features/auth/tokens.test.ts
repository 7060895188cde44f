// Personal API tokens: created on the page with the current password and shown once, used as bearer
// tokens under /api/ only, listed, capped, revoked by their owner and by every account recovery.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { systemActor } from '../../access.js';
import { buildTestApp, type TestApp } from '../../../test/build-test-app.js';
import { createUser, TEST_PASSWORD } from '../../../test/factories.js';
import { Browser } from '../../../test/http.js';
import { testDatabases } from '../../../test/services.js';
import { sha256 } from '../../lib/secrets.js';
import { setAccountDisabled } from '../accounts/service.js';
import { databaseSessionStore } from './session-store.js';
import { actorFromUser, createApiTokenAsOperator, findUserById, MAX_ACTIVE_TOKENS } from './service.js';

const tokenOf = (body: string) => /data-testid="new-token">([^<]+)</.exec(body)?.[1];

async function signedIn(app: TestApp['app'], username: string) {
  const browser = new Browser(app);
  await browser.signIn(username, TEST_PASSWORD);
  return browser;
}

async function makeToken(browser: Browser, name = 'script', expiresInDays = '') {
  const created = await browser.post('/account/tokens', { name, expiresInDays, currentPassword: TEST_PASSWORD }, { from: '/account/tokens' });
  assert.equal(created.statusCode, 201, created.body.slice(0, 300));
  return tokenOf(created.body)!;
}

const me = (app: TestApp['app'], token: string) => app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });

for (const database of await testDatabases()) {
  describe(`API tokens on ${database}`, () => {
    test('a token is shown once, works as a bearer token, is stored hashed, and stops working when revoked', async (t) => {
      const { app, ctx, db } = await buildTestApp(t, { database });
      const user = await createUser(ctx, { role: 'lecturer' });
      const browser = await signedIn(app, user.username);
      const created = await browser.post('/account/tokens', { name: 'grading script', expiresInDays: '30', currentPassword: TEST_PASSWORD }, { from: '/account/tokens' });
      assert.equal(created.statusCode, 201);
      const token = tokenOf(created.body);
      assert.ok(token && token.startsWith('fms_'), 'a token is shown');

      const stored = await db.selectFrom('apiTokens').selectAll().executeTakeFirstOrThrow();
      assert.equal(stored.tokenHash, sha256(token), 'only the hash is stored');
      assert.ok(!JSON.stringify(stored).includes(token));

      const list = await browser.get('/account/tokens');
      assert.ok(!list.body.includes(token), 'the list never shows the token again');
      assert.match(list.body, /grading script/);
      assert.match(list.body, new RegExp(`1 of at most ${MAX_ACTIVE_TOKENS} tokens active`));

      const answer = await me(app, token);
      assert.equal(answer.statusCode, 200);
      assert.deepEqual({ ...(answer.json() as Record<string, unknown>), id: undefined }, { id: undefined, username: user.username, displayName: 'Test lecturer', role: 'lecturer', isAdmin: false, studentId: null, lecturerId: null });
      assert.equal(answer.headers['ratelimit-limit'], '1000', 'the API limit is 1000 per hour per token');

      const revokeAction = /action="(\/account\/tokens\/\d+\/revoke)"/.exec(list.body)?.[1];
      assert.ok(revokeAction);
      assert.equal((await browser.post(revokeAction, {}, { from: '/account/tokens' })).statusCode, 303);
      const after = await me(app, token);
      assert.equal(after.statusCode, 401);
      assert.equal(after.json().error.code, 'invalid_token');
    });

    test('making a token asks for the current password, and a wrong one counts toward the lockout', async (t) => {
      const { app, ctx, db } = await buildTestApp(t, { database });
      const user = await createUser(ctx, { role: 'student' });
      const browser = await signedIn(app, user.username);
      const missing = await browser.post('/account/tokens', { name: 'script', expiresInDays: '' }, { from: '/account/tokens' });
      assert.equal(missing.statusCode, 422);
      assert.match(missing.body, /Enter your current password to create a token/);
      assert.match(missing.body, /value="script"/, 'the name is kept');
      for (let i = 0; i < 5; i++) {
        const wrong = await browser.post('/account/tokens', { name: 'script', expiresInDays: '', currentPassword: `not it ${i} at all` }, { from: '/account/tokens' });
        assert.equal(wrong.statusCode, 422);
        assert.match(wrong.body, /The current password is not correct/);
      }
      const locked = await browser.post('/account/tokens', { name: 'script', expiresInDays: '', currentPassword: TEST_PASSWORD }, { from: '/account/tokens' });
      assert.equal(locked.statusCode, 422, 'after 5 wrong passwords even the right one waits');
      assert.match(locked.body, /Too many wrong passwords: wait 15 minutes/);
      const tokens = await db.selectFrom('apiTokens').select('id').execute();
      assert.equal(tokens.length, 0, 'no token was made');
      const audit = await db.selectFrom('auditLog').select('action').where('entityId', '=', String(user.id)).execute();
      assert.equal(audit.filter((a) => a.action === 'auth.password_check_failed').length, 4);
      assert.equal(audit.filter((a) => a.action === 'auth.client_locked').length, 1);
    });

    test('a bearer token is ignored outside /api/: it opens no page, makes no token and changes no password', async (t) => {
      const { app, ctx, db } = await buildTestApp(t, { database });
      const admin = await createUser(ctx, { role: 'admin' });
      const token = (await createApiTokenAsOperator({ ...ctx, actor: actorFromUser((await findUserById(ctx, admin.id))!) }, { name: 'leaked' })).token;
      const bearer = { authorization: `Bearer ${token}` };
      assert.equal((await me(app, token)).statusCode, 200, 'the token works on the API');

      for (const url of ['/admin/accounts', '/students/export.csv', '/account/tokens', '/dashboard']) {
        const page = await app.inject({ url, headers: bearer });
        assert.equal(page.statusCode, 303, `${url} treats the caller as signed out`);
        assert.match(String(page.headers.location), /^\/login\?next=/);
      }
      const form = { 'content-type': 'application/x-www-form-urlencoded', ...bearer };
      const newAdmin = await app.inject({ method: 'POST', url: '/admin/accounts', headers: form, payload: 'username=viatoken&role=admin' });
      assert.ok(newAdmin.statusCode === 403 || newAdmin.statusCode === 401, `no account made (${newAdmin.statusCode})`);
      const child = await app.inject({ method: 'POST', url: '/account/tokens', headers: form, payload: 'name=forever' });
      assert.ok(child.statusCode === 403 || child.statusCode === 401, `no token made (${child.statusCode})`);
      const password = await app.inject({
        method: 'POST',
        url: '/account/password',
        headers: form,
        payload: new URLSearchParams({ currentPassword: TEST_PASSWORD, newPassword: 'a brand new passphrase 2026', confirmPassword: 'a brand new passphrase 2026' }).toString(),
      });
      assert.ok(password.statusCode === 403 || password.statusCode === 401, `no password change (${password.statusCode})`);

      assert.equal((await db.selectFrom('users').select('id').where('username', '=', 'viatoken').executeTakeFirst()), undefined);
      assert.equal((await db.selectFrom('apiTokens').select('id').execute()).length, 1, 'still only the one token');
      const signIn = await new Browser(app).post('/login', { username: admin.username, password: TEST_PASSWORD });
      assert.equal(signIn.statusCode, 303, 'the password is unchanged');
    });

    test('expired tokens, tokens of disabled accounts and malformed headers are refused; enabling the account again brings no token back', async (t) => {
      const { app, ctx, clock, db } = await buildTestApp(t, { database });
      const admin = await createUser(ctx, { role: 'admin' });
      const user = await createUser(ctx, { role: 'student' });
      const browser = await signedIn(app, user.username);
      const token = await makeToken(browser, 'short', '1');
      assert.equal((await me(app, token)).statusCode, 200);
      clock.advance(86_400_000 + 1000);
      assert.equal((await me(app, token)).statusCode, 401, 'expired after a day');

      await browser.signIn(user.username, TEST_PASSWORD); // the day also ended the browser session
      const lasting = await makeToken(browser, 'lasting');
      const adminBrowser = await signedIn(app, admin.username);
      await adminBrowser.post(`/admin/accounts/${user.id}/disable`, {}, { from: `/admin/accounts/${user.id}` });
      assert.equal((await me(app, lasting)).statusCode, 401, 'disabled account');
      await adminBrowser.post(`/admin/accounts/${user.id}/enable`, {}, { from: `/admin/accounts/${user.id}` });
      assert.equal((await db.selectFrom('users').select('disabled').where('id', '=', user.id).executeTakeFirstOrThrow()).disabled, false);
      assert.equal((await me(app, lasting)).statusCode, 401, 'enabled again: the token stays revoked');
      const entry = await db.selectFrom('auditLog').select('after').where('action', '=', 'account.disabled').executeTakeFirstOrThrow();
      assert.equal(JSON.parse(entry.after!).tokensRevoked, 1);

      for (const header of ['Bearer', 'Bearer not-a-token', 'Basic dXNlcjpwYXNz', `Bearer ${'x'.repeat(500)}`]) {
        const response = await app.inject({ url: '/api/v1/me', headers: { authorization: header } });
        assert.equal(response.statusCode, 401, header.slice(0, 20));
        assert.equal(response.json().error.code, 'invalid_token');
      }
    });

    test("an admin's password reset revokes the account's tokens for good", async (t) => {
      const { app, ctx } = await buildTestApp(t, { database });
      const admin = await createUser(ctx, { role: 'admin' });
      const user = await createUser(ctx, { role: 'lecturer' });
      const browser = await signedIn(app, user.username);
      const token = await makeToken(browser);
      assert.equal((await me(app, token)).statusCode, 200);
      const adminBrowser = await signedIn(app, admin.username);
      const reset = await adminBrowser.post(`/admin/accounts/${user.id}/reset-password`, {}, { from: `/admin/accounts/${user.id}` });
      const otp = /data-testid="one-time-password">([^<]+)</.exec(reset.body)![1]!;
      assert.equal((await me(app, token)).statusCode, 401, 'revoked at the reset');
      const owner = new Browser(app);
      await owner.signIn(user.username, otp);
      const chosen = 'a brand new passphrase 2026';
      const changed = await owner.post('/account/password', { currentPassword: otp, newPassword: chosen, confirmPassword: chosen }, { from: '/account/password' });
      assert.equal(changed.statusCode, 303);
      assert.equal((await me(app, token)).statusCode, 401, 'still revoked after the owner chose a new password');
    });

    test('a password change revokes the tokens when the owner asks, and keeps them otherwise', async (t) => {
      const { app, ctx } = await buildTestApp(t, { database });
      const user = await createUser(ctx, { role: 'lecturer' });
      const browser = await signedIn(app, user.username);
      const first = await makeToken(browser, 'one');
      const second = await makeToken(browser, 'two');
      const form = await browser.get('/account/password');
      assert.match(form.body, /Also revoke my 2 API tokens/);

      const kept = 'a brand new passphrase 2026';
      assert.equal((await browser.post('/account/password', { currentPassword: TEST_PASSWORD, newPassword: kept, confirmPassword: kept }, { from: '/account/password' })).statusCode, 303);
      assert.equal((await me(app, first)).statusCode, 200, 'not asked: the tokens keep working');

      const again = 'yet another long passphrase 77';
      const changed = await browser.post('/account/password', { currentPassword: kept, newPassword: again, confirmPassword: again, revokeTokens: 'true' }, { from: '/account/password' });
      assert.equal(changed.statusCode, 303);
      for (const token of [first, second]) assert.equal((await me(app, token)).statusCode, 401, 'asked: every token is revoked');
      const dashboard = await browser.get('/dashboard');
      assert.match(dashboard.body, /Your 2 API tokens have been revoked/);
      assert.doesNotMatch((await browser.get('/account/password')).body, /Also revoke my/, 'nothing left to revoke');
    });

    test(`an account holds at most ${MAX_ACTIVE_TOKENS} active tokens; revoked and expired ones do not count`, async (t) => {
      const { app, ctx, clock } = await buildTestApp(t, { database });
      const user = await createUser(ctx, { role: 'student' });
      const actorCtx = { ...ctx, actor: actorFromUser((await findUserById(ctx, user.id))!) };
      await createApiTokenAsOperator(actorCtx, { name: 'expiring', expiresInDays: 1 });
      for (let i = 1; i < MAX_ACTIVE_TOKENS; i++) await createApiTokenAsOperator(actorCtx, { name: `t${i}` });
      const browser = await signedIn(app, user.username);
      const refused = await browser.post('/account/tokens', { name: 'one more', expiresInDays: '', currentPassword: TEST_PASSWORD }, { from: '/account/tokens' });
      assert.equal(refused.statusCode, 422);
      assert.match(refused.body, new RegExp(`at most ${MAX_ACTIVE_TOKENS} active tokens`));
      await assert.rejects(createApiTokenAsOperator(actorCtx, { name: 'cli' }), /the most it may hold/, 'the command line is capped too');

      clock.advance(86_400_000 + 1000);
      await browser.signIn(user.username, TEST_PASSWORD);
      await makeToken(browser, 'after expiry');
    });

    test('a token name is required and the expiry must be a sensible number of days', async (t) => {
      const { app, ctx } = await buildTestApp(t, { database });
      const user = await createUser(ctx);
      const browser = await signedIn(app, user.username);
      const response = await browser.post('/account/tokens', { name: '', expiresInDays: '99999', currentPassword: TEST_PASSWORD }, { from: '/account/tokens' });
      assert.equal(response.statusCode, 422);
      assert.match(response.body, /Name the token/);
      assert.match(response.body, /from 1 to 3650/);
      assert.match(response.body, /value="99999"/, 'the input is kept');
      const bidi = await browser.post('/account/tokens', { name: 'script\u202Etxt.exe', expiresInDays: '', currentPassword: TEST_PASSWORD }, { from: '/account/tokens' });
      assert.equal(bidi.statusCode, 422, 'a name with a bidi override is refused');
      assert.match(bidi.body, /invisible or control character/);
    });

    test('disabling an account through the service revokes its tokens, and the audit entry says how many', async (t) => {
      const { ctx, db } = await buildTestApp(t, { database });
      const user = await createUser(ctx, { role: 'student' });
      const actorCtx = { ...ctx, actor: actorFromUser((await findUserById(ctx, user.id))!) };
      await createApiTokenAsOperator(actorCtx, { name: 'a' });
      await createApiTokenAsOperator(actorCtx, { name: 'b' });
      await setAccountDisabled({ ...ctx, actor: systemActor, sessions: databaseSessionStore(db) }, user.id, true);
      const live = await db.selectFrom('apiTokens').select('id').where('revokedAt', 'is', null).execute();
      assert.equal(live.length, 0);
    });
  });
}
