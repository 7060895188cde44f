// The platform's HTTP behaviour: security headers, CSRF, error pages, health, static assets, logs.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { buildTestApp } from '../../test/build-test-app.js';
import { createApiToken, createStudent, createUser, TEST_PASSWORD } from '../../test/factories.js';
import { Browser } from '../../test/http.js';
import { testDatabases } from '../../test/services.js';

for (const database of await testDatabases()) {
  describe(`platform on ${database}`, () => {
    test('pages carry a strict CSP and the other security headers', async (t) => {
      const { app } = await buildTestApp(t, { database });
      const response = await app.inject({ url: '/login' });
      const csp = String(response.headers['content-security-policy']);
      assert.match(csp, /script-src 'self'(;|$)/);
      assert.match(csp, /style-src 'self'(;|$)/);
      assert.ok(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval'), csp);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.equal(response.headers['x-frame-options'], 'DENY');
      assert.equal(response.headers['x-content-type-options'], 'nosniff');
      assert.equal(response.headers['cache-control'], 'no-store');
      assert.ok(!/<script>|<script [^>]*>[^<]/.test(response.body), 'no inline script in the page');
      assert.ok(!/ style="/.test(response.body), 'no inline style attributes');
    });

    test('static assets are served with hashed names and long caching', async (t) => {
      const { app } = await buildTestApp(t, { database });
      const css = app.asset('bootstrap.css');
      assert.match(css, /^\/static\/bootstrap\.[0-9a-f]{12}\.css$/);
      const response = await app.inject({ url: css });
      assert.equal(response.statusCode, 200);
      assert.match(String(response.headers['content-type']), /text\/css/);
      assert.equal(response.headers['cache-control'], 'public, max-age=31536000, immutable');
      assert.equal((await app.inject({ url: '/static/manifest.json/../../package.json' })).statusCode, 404);
    });

    test('a form posted without a valid CSRF token is refused with 403 and changes nothing', async (t) => {
      const { app, ctx, db } = await buildTestApp(t, { database });
      const user = await createUser(ctx);
      const browser = new Browser(app);
      await browser.signIn(user.username, TEST_PASSWORD);
      const before = await db.selectFrom('apiTokens').select(db.fn.countAll().as('n')).executeTakeFirstOrThrow();
      const missing = await browser.post('/account/tokens', { name: 'x', _csrf: '' }, {});
      assert.equal(missing.statusCode, 403);
      assert.match(missing.body, /This form has expired/);
      const forged = await browser.post('/account/tokens', { name: 'x', _csrf: 'forged-token-value' });
      assert.equal(forged.statusCode, 403);
      const after = await db.selectFrom('apiTokens').select(db.fn.countAll().as('n')).executeTakeFirstOrThrow();
      assert.equal(Number(after.n), Number(before.n), 'no token was created');
      // The same request with the token from the page works; htmx sends it as a header.
      const token = await browser.csrfToken('/account/tokens');
      const viaHeader = await browser.post('/account/tokens', { name: 'script', currentPassword: TEST_PASSWORD, _csrf: '' }, { headers: { 'x-csrf-token': token, 'hx-request': 'true' } });
      assert.equal(viaHeader.statusCode, 201);
    });

    test('sign-out without a CSRF token is refused, so another site cannot sign you out', async (t) => {
      const { app, ctx } = await buildTestApp(t, { database });
      const user = await createUser(ctx);
      const browser = new Browser(app);
      await browser.signIn(user.username, TEST_PASSWORD);
      const response = await browser.post('/logout', { _csrf: '' });
      assert.equal(response.statusCode, 403);
      assert.equal((await browser.get('/dashboard')).statusCode, 200, 'still signed in');
    });

    test('unknown pages answer a 404 page, or JSON for the API', async (t) => {
      const { app } = await buildTestApp(t, { database });
      const page = await app.inject({ url: '/no/such/page' });
      assert.equal(page.statusCode, 404);
      assert.match(String(page.headers['content-type']), /text\/html/);
      assert.match(page.body, /Page not found/);
      // Under /api/ the 404 is JSON (under /api/v1 only with a token: src/features/api/answers.test.ts).
      const api = await app.inject({ url: '/api/nothing' });
      assert.equal(api.statusCode, 404);
      assert.equal(api.json().error.code, 'not_found');
      assert.deepEqual(api.json().error.fields, {});
    });

    test('a student gets 403 on the admin pages; an anonymous API call gets 401 JSON', async (t) => {
      const { app, ctx } = await buildTestApp(t, { database });
      const { account } = await createStudent(ctx, {}, { password: TEST_PASSWORD });
      const browser = new Browser(app);
      await browser.signIn(account.username, TEST_PASSWORD);
      const page = await browser.get('/admin/accounts');
      assert.equal(page.statusCode, 403);
      assert.match(page.body, /Not allowed/);
      const nav = /<nav [^>]*aria-label="Main"[\s\S]*?<\/nav>/.exec(page.body)?.[0];
      assert.ok(nav, 'the 403 page has the main navigation');
      assert.match(nav, /href="\/my-record"/, "it offers the student's own pages");
      assert.match(nav, /data-testid="user-menu"/, 'and the user menu');
      assert.ok(!nav.includes('href="/admin/accounts"'), 'but not what the role may not do');
      const forged = await browser.post('/admin/accounts/1/disable', {}, { from: '/dashboard' });
      assert.equal(forged.statusCode, 403);
      const api = await app.inject({ url: '/api/v1/me' });
      assert.equal(api.statusCode, 401);
      assert.equal(api.json().error.code, 'unauthenticated');
    });

    test('a server error shows a 500 page with an error id that is also in the log, and no stack trace', async (t) => {
      const logLines: string[] = [];
      const { app, ctx, db } = await buildTestApp(t, { database, logLines });
      const admin = await createUser(ctx, { role: 'admin' });
      const browser = new Browser(app);
      await browser.signIn(admin.username, TEST_PASSWORD);
      // Break the database under the admin dashboard (it reads the audit trail).
      await sql`drop table audit_log`.execute(db);
      const response = await browser.get('/dashboard');
      assert.equal(response.statusCode, 500);
      const id = /data-testid="error-id">([0-9a-f]+)</.exec(response.body)?.[1];
      assert.ok(id, 'the page shows an error id');
      assert.ok(!/audit_log|at .*\.ts:\d+|Error:/.test(response.body), 'no cause or stack reaches the user');
      const logged = logLines.map((l) => JSON.parse(l) as { errorId?: string; err?: { stack?: string } }).find((l) => l.errorId === id);
      assert.ok(logged, 'the same id is in the log');
      assert.ok(logged.err?.stack, 'with the stack');
      const api = await app.inject({ url: '/api/v1/me', headers: { accept: 'application/json' }, cookies: Object.fromEntries(browser.cookies) });
      assert.equal(api.statusCode, 200, 'other routes keep working');
    });

    test('a write that a unique index refuses after the service let it through answers 409 naming the field, and saves nothing', async (t) => {
      const { app, ctx, db } = await buildTestApp(t, { database });
      const admin = await createUser(ctx, { role: 'admin' });
      const token = await createApiToken(ctx, admin.id);
      // An index the students service does not check stands in for a second request saving the same value first.
      await sql`create unique index students_first_name_race on students (first_name)`.execute(db);
      const call = (studentNumber: string) =>
        app.inject({ method: 'POST', url: '/api/v1/students', headers: { authorization: `Bearer ${token}` }, payload: { studentNumber, firstName: 'Ani', lastName: 'Sargsyan' } });
      assert.equal((await call('RACE-1')).statusCode, 201);
      const refused = await call('RACE-2');
      assert.equal(refused.statusCode, 409, refused.body);
      const { error } = refused.json();
      assert.equal(error.code, 'conflict');
      assert.equal(error.message, 'Someone saved the same details a moment ago. Check the field firstName and try again.');
      assert.equal(typeof error.fields.firstName, 'string');
      assert.equal((await db.selectFrom('students').select('id').where('studentNumber', '=', 'RACE-2').execute()).length, 0, 'nothing was saved');
    });

    test('/healthz answers while alive; /readyz checks the database and migrations', async (t) => {
      const { app } = await buildTestApp(t, { database });
      assert.deepEqual((await app.inject({ url: '/healthz' })).json(), { status: 'ok' });
      const ready = await app.inject({ url: '/readyz' });
      assert.equal(ready.statusCode, 200);
      assert.equal(ready.json().status, 'ready');

      const { app: stale } = await buildTestApp(t, { database, migrate: false });
      const notReady = await stale.inject({ url: '/readyz' });
      assert.equal(notReady.statusCode, 503);
      assert.match(notReady.json().reason, /pending migration.*fms migrate/);
      assert.equal((await stale.inject({ url: '/healthz' })).statusCode, 200, 'alive even when not ready');
    });

    test('logs have one line per request with the user, and never passwords, cookies, tokens or SECRET_KEY', async (t) => {
      const logLines: string[] = [];
      const secret = 'a-very-secret-key-for-this-test-only-0123456789';
      const { app, ctx } = await buildTestApp(t, { database, logLines, env: { SECRET_KEY: secret } });
      const user = await createUser(ctx);
      const browser = new Browser(app);
      await browser.signIn(user.username, TEST_PASSWORD);
      const token = await browser.post('/account/tokens', { name: 'logged?', currentPassword: TEST_PASSWORD }, { from: '/account/tokens' });
      const bearer = /data-testid="new-token">([^<]+)</.exec(token.body)?.[1];
      assert.ok(bearer);
      await app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${bearer}` } });
      const all = logLines.join('\n');
      for (const secretValue of [TEST_PASSWORD, secret, bearer, browser.cookies.get('fms_session')!]) {
        assert.ok(!all.includes(secretValue), `log must not contain ${secretValue.slice(0, 6)}…`);
      }
      const requests = logLines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'request');
      const me = requests.find((r) => r.url === '/api/v1/me');
      assert.ok(me, 'the API request was logged');
      assert.equal(me.status, 200);
      assert.equal(me.userId, user.id);
      assert.equal(me.route, '/api/v1/me');
      assert.equal(typeof me.ms, 'number');
      assert.match(me.reqId, /^[0-9a-f-]{36}$/);
    });
  });
}

describe('production mode', () => {
  test('cookies are Secure with the __Host- prefix, and HSTS is sent', async (t) => {
    const { app, ctx } = await buildTestApp(t, {
      env: { FMS_CONFIG: 'production', SECRET_KEY: randomBytes(32).toString('hex'), DEMO_DEPARTMENT: 'false' },
    });
    const user = await createUser(ctx);
    const browser = new Browser(app);
    const page = await browser.get('/login');
    assert.match(String(page.headers['strict-transport-security']), /max-age=31536000/);
    const csrfCookie = page.cookies.find((c) => c.name === '__Host-fms_csrf');
    assert.ok(csrfCookie?.secure);
    const signIn = await browser.signIn(user.username, TEST_PASSWORD);
    const session = signIn.cookies.find((c) => c.name === '__Host-fms_session');
    assert.ok(session, 'session cookie has the __Host- prefix');
    assert.equal(session.secure, true);
    assert.equal(session.httpOnly, true);
    assert.equal(session.path, '/');
    assert.ok(!page.body.includes('testing mode') && !page.body.includes('development mode'));
  });
});

describe('landing page', () => {
  test('visitors get the landing page at /, its assets are cached for good, and signed-in users go to the dashboard', async (t) => {
    const { app, ctx } = await buildTestApp(t);
    assert.ok(app.landingPage, 'npm test builds the landing page first');
    const page = await app.inject({ url: '/' });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<title>FMS · Faculty Management System<\/title>/);
    const script = /src="(\/static\/landing\/assets\/[^"]+\.js)"/.exec(page.body)?.[1];
    assert.ok(script);
    const asset = await app.inject({ url: script });
    assert.equal(asset.statusCode, 200);
    assert.equal(asset.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.ok(!/<script>/.test(page.body), 'no inline script: the CSP would block it');

    const user = await createUser(ctx);
    const browser = new Browser(app);
    await browser.signIn(user.username, TEST_PASSWORD);
    const home = await browser.get('/');
    assert.equal(home.statusCode, 303);
    assert.equal(home.headers.location, '/dashboard');
  });
});
