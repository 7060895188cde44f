// Personal API tokens: created on the page and shown once, used as bearer tokens, listed, revoked.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildTestApp } from '../../../test/build-test-app.js';
import { createUser, TEST_PASSWORD } from '../../../test/factories.js';
import { Browser } from '../../../test/http.js';
import { testDatabases } from '../../../test/services.js';
import { sha256 } from '../../lib/secrets.js';

for (const database of await testDatabases()) {
  describe(`API tokens on ${database}`, () => {
    test('a token is shown once, works as a bearer token, is stored hashed, and stops working when revoked', async (t) => {
      const { app, ctx, db } = await buildTestApp(t, { database });
      const user = await createUser(ctx, { role: 'lecturer' });
      const browser = new Browser(app);
      await browser.signIn(user.username, TEST_PASSWORD);
      const created = await browser.post('/account/tokens', { name: 'grading script', expiresInDays: '30' }, { from: '/account/tokens' });
      assert.equal(created.statusCode, 201);
      const token = /data-testid="new-token">([^<]+)</.exec(created.body)?.[1];
      assert.ok(token && token.startsWith('fms_'), 'a token is shown');

      const stored = await db.selectFrom('apiTokens').selectAll().executeTakeFirstOrThrow();
      assert.equal(stored.tokenHash, sha256(token), 'only the hash is stored');
      assert.ok(!JSON.stringify(stored).includes(token));

      const list = await browser.get('/account/tokens');
      assert.ok(!list.body.includes(token), 'the list never shows the token again');
      assert.match(list.body, /grading script/);

      const me = await app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
      assert.equal(me.statusCode, 200);
      assert.deepEqual({ ...(me.json() as Record<string, unknown>), id: undefined }, { id: undefined, username: user.username, displayName: 'Test lecturer', role: 'lecturer', isAdmin: false, studentId: null, lecturerId: null });
      assert.equal(me.headers['ratelimit-limit'], '1000', 'the API limit is 1000 per hour per token');

      const revokeAction = /action="(\/account\/tokens\/\d+\/revoke)"/.exec(list.body)?.[1];
      assert.ok(revokeAction);
      assert.equal((await browser.post(revokeAction, {}, { from: '/account/tokens' })).statusCode, 303);
      const after = await app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
      assert.equal(after.statusCode, 401);
      assert.equal(after.json().error.code, 'invalid_token');
    });

    test('expired tokens, tokens of disabled accounts and malformed headers are refused', async (t) => {
      const { app, ctx, clock } = await buildTestApp(t, { database });
      const admin = await createUser(ctx, { role: 'admin' });
      const user = await createUser(ctx, { role: 'student' });
      const browser = new Browser(app);
      await browser.signIn(user.username, TEST_PASSWORD);
      const created = await browser.post('/account/tokens', { name: 'short', expiresInDays: '1' }, { from: '/account/tokens' });
      const token = /data-testid="new-token">([^<]+)</.exec(created.body)![1]!;
      const call = () => app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
      assert.equal((await call()).statusCode, 200);
      clock.advance(86_400_000 + 1000);
      assert.equal((await call()).statusCode, 401, 'expired after a day');

      await browser.signIn(user.username, TEST_PASSWORD); // the day also ended the browser session
      const lasting = await browser.post('/account/tokens', { name: 'lasting', expiresInDays: '' }, { from: '/account/tokens' });
      const lastingToken = /data-testid="new-token">([^<]+)</.exec(lasting.body)![1]!;
      const adminBrowser = new Browser(app);
      await adminBrowser.signIn(admin.username, TEST_PASSWORD);
      await adminBrowser.post(`/admin/accounts/${user.id}/disable`, {}, { from: `/admin/accounts/${user.id}` });
      assert.equal((await app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${lastingToken}` } })).statusCode, 401, 'disabled account');

      for (const header of ['Bearer', 'Bearer not-a-token', 'Basic dXNlcjpwYXNz', `Bearer ${'x'.repeat(500)}`]) {
        const response = await app.inject({ url: '/api/v1/me', headers: { authorization: header } });
        assert.equal(response.statusCode, 401, header.slice(0, 20));
        assert.equal(response.json().error.code, 'invalid_token');
      }
    });

    test("after an admin resets the account's password its tokens wait until the owner chooses a new one", async (t) => {
      const { app, ctx } = await buildTestApp(t, { database });
      const admin = await createUser(ctx, { role: 'admin' });
      const user = await createUser(ctx, { role: 'lecturer' });
      const browser = new Browser(app);
      await browser.signIn(user.username, TEST_PASSWORD);
      const created = await browser.post('/account/tokens', { name: 'script', expiresInDays: '' }, { from: '/account/tokens' });
      const token = /data-testid="new-token">([^<]+)</.exec(created.body)![1]!;
      const call = () => app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
      assert.equal((await call()).statusCode, 200);
      const adminBrowser = new Browser(app);
      await adminBrowser.signIn(admin.username, TEST_PASSWORD);
      const reset = await adminBrowser.post(`/admin/accounts/${user.id}/reset-password`, {}, { from: `/admin/accounts/${user.id}` });
      const otp = /data-testid="one-time-password">([^<]+)</.exec(reset.body)![1]!;
      const waiting = await call();
      assert.equal(waiting.statusCode, 403);
      assert.equal(waiting.json().error.code, 'password_change_required');
      const owner = new Browser(app);
      await owner.signIn(user.username, otp);
      const chosen = 'a brand new passphrase 2026';
      await owner.post('/account/password', { currentPassword: otp, newPassword: chosen, confirmPassword: chosen }, { from: '/account/password' });
      assert.equal((await call()).statusCode, 200, 'the token works again');
    });

    test('a token name is required and the expiry must be a sensible number of days', async (t) => {
      const { app, ctx } = await buildTestApp(t, { database });
      const user = await createUser(ctx);
      const browser = new Browser(app);
      await browser.signIn(user.username, TEST_PASSWORD);
      const response = await browser.post('/account/tokens', { name: '', expiresInDays: '99999' }, { from: '/account/tokens' });
      assert.equal(response.statusCode, 422);
      assert.match(response.body, /Name the token/);
      assert.match(response.body, /from 1 to 3650/);
      assert.match(response.body, /value="99999"/, 'the input is kept');
    });
  });
}
