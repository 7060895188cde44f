// Sessions as users see them: listing and ending them, timeouts, password change, and sessions in
// Redis shared by two servers.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { buildServersSharingRedis, buildTestApp } from '../../../test/build-test-app.js';
import { createUser, TEST_PASSWORD } from '../../../test/factories.js';
import { Browser } from '../../../test/http.js';
import { isRedisAvailable, testDatabases } from '../../../test/services.js';

const NEW_PASSWORD = 'a brand new passphrase for testing';

/** What the server keeps of a session id: its sha256, in hex (the id itself is never stored). */
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The browser's session cookie; a browser without one is a broken test, not a pass. */
function sessionCookie(browser: Browser): string {
  const cookie = browser.cookies.get('fms_session');
  assert.ok(cookie, 'the browser holds a session cookie');
  return cookie;
}

for (const database of await testDatabases()) {
  describe(`sessions on ${database}`, () => {
    test('a user sees their sessions, ends another one, and the other browser is signed out', async (t) => {
      const { app, ctx } = await buildTestApp(t, { database });
      const user = await createUser(ctx);
      const laptop = new Browser(app, { 'user-agent': 'Laptop Browser' });
      const phone = new Browser(app, { 'user-agent': 'Phone Browser' });
      await laptop.signIn(user.username, TEST_PASSWORD);
      await phone.signIn(user.username, TEST_PASSWORD);

      const list = await laptop.get('/account/sessions');
      assert.equal(list.statusCode, 200);
      assert.match(list.body, /Laptop Browser/);
      assert.match(list.body, /Phone Browser/);
      assert.match(list.body, /This browser/);
      const phoneEnd = /action="(\/account\/sessions\/[0-9a-f]{64}\/end)"/.exec(list.body)?.[1];
      assert.ok(phoneEnd, 'the other session has an End button');

      const ended = await laptop.post(phoneEnd, {}, { from: '/account/sessions' });
      assert.equal(ended.statusCode, 303);
      assert.equal((await phone.get('/dashboard')).statusCode, 303, 'the phone must sign in again');
      assert.equal((await laptop.get('/dashboard')).statusCode, 200, 'the laptop stays signed in');
    });

    test("one user cannot end another user's session", async (t) => {
      const { app, ctx } = await buildTestApp(t, { database });
      const alice = await createUser(ctx, { username: 'alice' });
      const bob = await createUser(ctx, { username: 'bob' });
      const a = new Browser(app);
      const b = new Browser(app);
      await a.signIn(alice.username, TEST_PASSWORD);
      await b.signIn(bob.username, TEST_PASSWORD);
      // Bob's session as the server knows it: the hash of his cookie, which must be stored for him,
      // so a 404 below can only mean "not yours", never "no such address".
      const bobsHash = sha256(sessionCookie(b));
      const stored = await ctx.db.selectFrom('sessions').select('userId').where('idHash', '=', bobsHash).executeTakeFirstOrThrow();
      assert.equal(stored.userId, bob.id);
      const attempt = await a.post(`/account/sessions/${bobsHash}/end`, {}, { from: '/account/sessions' });
      assert.equal(attempt.statusCode, 404);
      assert.equal((await b.get('/dashboard')).statusCode, 200, "bob's session survives");
    });

    test('"sign out everywhere else" ends all other sessions', async (t) => {
      const { app, ctx } = await buildTestApp(t, { database });
      const user = await createUser(ctx);
      const browsers = [new Browser(app), new Browser(app), new Browser(app)];
      for (const b of browsers) await b.signIn(user.username, TEST_PASSWORD);
      const response = await browsers[0]!.post('/account/sessions/end-others', {}, { from: '/account/sessions' });
      assert.equal(response.statusCode, 303);
      assert.equal((await browsers[0]!.get('/dashboard')).statusCode, 200);
      assert.equal((await browsers[1]!.get('/dashboard')).statusCode, 303);
      assert.equal((await browsers[2]!.get('/dashboard')).statusCode, 303);
    });

    test('an idle session expires, and so does any session after its absolute lifetime', async (t) => {
      const { app, ctx, clock } = await buildTestApp(t, { database, env: { SESSION_IDLE_TIMEOUT: '30m', SESSION_LIFETIME: '2h' } });
      const user = await createUser(ctx);
      const idle = new Browser(app);
      await idle.signIn(user.username, TEST_PASSWORD);
      clock.advance(31 * 60_000);
      assert.equal((await idle.get('/dashboard')).statusCode, 303, 'idle for 31 minutes: signed out');

      const busy = new Browser(app);
      await busy.signIn(user.username, TEST_PASSWORD);
      for (let minutes = 0; minutes < 100; minutes += 20) {
        clock.advance(20 * 60_000);
        assert.equal((await busy.get('/dashboard')).statusCode, 200, `active at ${minutes + 20} minutes`);
      }
      clock.advance(19 * 60_000);
      assert.equal((await busy.get('/dashboard')).statusCode, 200, 'active at 119 minutes');
      clock.advance(2 * 60_000);
      assert.equal((await busy.get('/dashboard')).statusCode, 303, 'past the 2 h lifetime: signed out although active');
    });

    test('changing the password ends the other sessions and keeps this browser signed in', async (t) => {
      const { app, ctx } = await buildTestApp(t, { database });
      const user = await createUser(ctx);
      const here = new Browser(app);
      const elsewhere = new Browser(app);
      await here.signIn(user.username, TEST_PASSWORD);
      await elsewhere.signIn(user.username, TEST_PASSWORD);

      const wrong = await here.post('/account/password', { currentPassword: 'not it at all!', newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD }, { from: '/account/password' });
      assert.equal(wrong.statusCode, 422);
      assert.match(wrong.body, /The current password is not correct/);
      const weak = await here.post('/account/password', { currentPassword: TEST_PASSWORD, newPassword: 'qwerty123456', confirmPassword: 'qwerty123456' }, { from: '/account/password' });
      assert.equal(weak.statusCode, 422);
      assert.match(weak.body, /common or breached/);
      const mismatch = await here.post('/account/password', { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD, confirmPassword: `${NEW_PASSWORD}!` }, { from: '/account/password' });
      assert.equal(mismatch.statusCode, 422);
      assert.match(mismatch.body, /The two new passwords differ/);

      const changed = await here.post('/account/password', { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD }, { from: '/account/password' });
      assert.equal(changed.statusCode, 303);
      assert.equal((await here.get('/dashboard')).statusCode, 200, 'this browser continues');
      assert.equal((await elsewhere.get('/dashboard')).statusCode, 303, 'the other browser is signed out');
      const fresh = new Browser(app);
      assert.equal((await fresh.post('/login', { username: user.username, password: TEST_PASSWORD })).statusCode, 401, 'the old password no longer works');
      await fresh.signIn(user.username, NEW_PASSWORD);
    });
  });
}

describe('sessions in Redis', () => {
  test('a user signed in on one server continues on another sharing Redis; sign-out ends it on both', async (t) => {
    if (!(await isRedisAvailable())) return t.skip('Redis is not running');
    const { db, redis, one, two } = await buildServersSharingRedis(t);
    const user = await createUser(one.ctx);
    const browser = new Browser(one.app);
    await browser.signIn(user.username, TEST_PASSWORD);
    const cookie = sessionCookie(browser);
    const idHash = sha256(cookie);
    assert.equal(await db.selectFrom('sessions').select('idHash').executeTakeFirst(), undefined, 'the session is not in the database');
    const keysOfSession = async () => (await redis.keys('*')).filter((key) => key.includes(idHash));
    assert.equal((await keysOfSession()).length, 1, 'the session is in Redis, under the hash of its id');

    const onTwo = await two.app.inject({ url: '/dashboard', cookies: { fms_session: cookie } });
    assert.equal(onTwo.statusCode, 200, 'server two knows the session');

    const out = await browser.post('/logout', {}, { from: '/dashboard' });
    assert.equal(out.statusCode, 303);
    assert.deepEqual(await keysOfSession(), [], 'sign-out deleted the session from Redis');
    for (const [name, server] of [['one', one], ['two', two]] as const) {
      const after = await server.app.inject({ url: '/dashboard', cookies: { fms_session: cookie } });
      assert.equal(after.statusCode, 303, `server ${name} no longer takes the cookie`);
      assert.equal(after.headers.location, '/login?next=%2Fdashboard', `server ${name} asks to sign in`);
    }
  });
});
