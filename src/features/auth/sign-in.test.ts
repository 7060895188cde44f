import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildTestApp } from '../../../test/build-test-app.js';
import { createUser, TEST_PASSWORD } from '../../../test/factories.js';
import { Browser } from '../../../test/http.js';
import { testDatabases } from '../../../test/services.js';

// The documented behaviour (README, "Sign-in" and "Lockout"), written out here rather than read from
// the code under test: changing it means changing the documentation and this test as well.
const SIGN_IN_FAILED = 'Incorrect username or password.';
const WRONG_PASSWORDS_THAT_LOCK = 5;
const LOCKOUT_MINUTES = 15;

for (const database of await testDatabases()) {
  describe(`sign-in on ${database}`, () => {
    test('a user signs in, reaches the dashboard, and signs out', async (t) => {
      const { app, ctx } = await buildTestApp(t, { database });
      const user = await createUser(ctx, { role: 'admin' });
      const browser = new Browser(app);
      const anonymous = await browser.get('/dashboard');
      assert.equal(anonymous.statusCode, 303);
      assert.equal(anonymous.headers.location, '/login?next=%2Fdashboard');

      const signIn = await browser.signIn(user.username, TEST_PASSWORD);
      assert.equal(signIn.headers.location, '/dashboard');
      const cookie = signIn.cookies.find((c) => c.name === 'fms_session');
      assert.ok(cookie, 'session cookie set');
      assert.equal(cookie.httpOnly, true);
      assert.equal(cookie.sameSite, 'Strict');

      const dashboard = await browser.get('/dashboard');
      assert.equal(dashboard.statusCode, 200);
      assert.match(dashboard.body, /data-testid="dashboard-admin"/);

      const out = await browser.post('/logout', {}, { from: '/dashboard' });
      assert.equal(out.statusCode, 303);
      assert.equal(out.headers.location, '/login');
      const after = await browser.get('/dashboard');
      assert.equal(after.statusCode, 303, 'signed out: the dashboard asks to sign in again');
    });

    test('the session id changes at every sign-in, and the old one stops working', async (t) => {
      const { app, ctx } = await buildTestApp(t, { database });
      const user = await createUser(ctx);
      const browser = new Browser(app);
      await browser.signIn(user.username, TEST_PASSWORD);
      const first = browser.cookies.get('fms_session');
      await browser.signIn(user.username, TEST_PASSWORD);
      const second = browser.cookies.get('fms_session');
      assert.ok(first && second);
      assert.notEqual(first, second);
      const stale = await app.inject({ url: '/dashboard', cookies: { fms_session: first } });
      assert.equal(stale.statusCode, 303, 'the session from before the second sign-in is gone');
    });

    test('unknown user, wrong password and a locked account get the same answer', async (t) => {
      const { app, ctx, clock } = await buildTestApp(t, { database });
      const user = await createUser(ctx);
      const browser = new Browser(app);
      const unknown = await browser.post('/login', { username: 'nobody-here', password: TEST_PASSWORD });
      const wrong = await browser.post('/login', { username: user.username, password: 'not the password at all' });
      assert.equal(unknown.statusCode, 401);
      assert.equal(wrong.statusCode, 401);
      for (const r of [unknown, wrong]) assert.ok(r.body.includes(SIGN_IN_FAILED));

      for (let i = 1; i < WRONG_PASSWORDS_THAT_LOCK; i++) await browser.post('/login', { username: user.username, password: `wrong ${i} password!` });
      // Now locked: even the right password is refused with the same message.
      const locked = await browser.post('/login', { username: user.username, password: TEST_PASSWORD });
      assert.equal(locked.statusCode, 401);
      assert.ok(locked.body.includes(SIGN_IN_FAILED));
      assert.equal(unknown.body.replace(/(value|content)="[^"]*"/g, ''), locked.body.replace(/(value|content)="[^"]*"/g, ''), 'the pages are identical but for tokens and the typed username');

      clock.advance(LOCKOUT_MINUTES * 60_000 + 1000);
      const unlocked = await browser.post('/login', { username: user.username, password: TEST_PASSWORD });
      assert.equal(unlocked.statusCode, 303, 'the lock lifts after 15 minutes');
    });

    test('the username field is kept and errors are shown beside the fields', async (t) => {
      const { app } = await buildTestApp(t, { database });
      const browser = new Browser(app);
      const response = await browser.post('/login', { username: 'someone', password: '' });
      assert.equal(response.statusCode, 422);
      assert.match(response.body, /name="username" type="text" value="someone"/);
      assert.match(response.body, /invalid-feedback[^>]*>Enter your password\./);
    });
  });
}
