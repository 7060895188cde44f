// CSRF tokens travel in the body (a multipart form's first field) or a header, never in the address,
// and stop working at sign-in and sign-out (security review F12); visitors who are not signed in cannot
// make the server read a large body (F14).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { buildTestApp } from '../../test/build-test-app.js';
import { createUser, TEST_PASSWORD } from '../../test/factories.js';
import { Browser } from '../../test/http.js';
import { testDatabases } from '../../test/services.js';
import { ANONYMOUS_BODY_LIMIT } from './session.js';

for (const database of await testDatabases()) {
  describe(`CSRF and anonymous bodies on ${database}`, () => {
    test('a token in the query string never counts, for a URL-encoded form nor a multipart one', async (t) => {
      const { app, ctx, db } = await buildTestApp(t, { database });
      const admin = await createUser(ctx, { role: 'admin' });
      const browser = new Browser(app);
      await browser.signIn(admin.username, TEST_PASSWORD);
      const token = await browser.csrfToken('/groups/new');
      const cookie = [...browser.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; ');

      const urlencoded = await app.inject({
        method: 'POST',
        url: `/groups?_csrf=${encodeURIComponent(token)}`,
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'name=QueryTok',
      });
      assert.equal(urlencoded.statusCode, 403, 'a form post with the token in its address is refused');
      assert.equal(await db.selectFrom('groups').select('id').where('name', '=', 'QueryTok').executeTakeFirst(), undefined);

      const inBody = await browser.post('/groups', { name: 'BodyTok', _csrf: token });
      assert.equal(inBody.statusCode, 303, 'the same token in the body works');

      const boundary = '----fms-test-boundary';
      const field = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
      const postMultipart = (url: string, body: string) =>
        app.inject({ method: 'POST', url, headers: { cookie, 'content-type': `multipart/form-data; boundary=${boundary}` }, payload: `${body}--${boundary}--\r\n` });
      const inAddress = await postMultipart(`/admin/imports?_csrf=${encodeURIComponent(token)}`, field('kind', 'students'));
      assert.equal(inAddress.statusCode, 403, 'a multipart form with the token in its address is refused');
      const firstField = await postMultipart('/admin/imports', field('_csrf', token) + field('kind', 'students'));
      assert.notEqual(firstField.statusCode, 403, 'a multipart form sends the token as its first field');
      const laterField = await postMultipart('/admin/imports', field('kind', 'students') + field('_csrf', token));
      assert.equal(laterField.statusCode, 403, 'only the first field counts: nothing is read before the check');
    });

    test('a token from before sign-in does not work after it, nor one from before sign-out', async (t) => {
      const { app, ctx, db } = await buildTestApp(t, { database });
      const admin = await createUser(ctx, { role: 'admin' });
      const browser = new Browser(app);
      const anonymousToken = await browser.csrfToken('/login');
      const signIn = await browser.post('/login', { username: admin.username, password: TEST_PASSWORD, _csrf: anonymousToken });
      assert.equal(signIn.statusCode, 303);
      const stale = await browser.post('/groups', { name: 'Stale', _csrf: anonymousToken });
      assert.equal(stale.statusCode, 403, 'the sign-in page token was retired at sign-in');
      assert.equal(await db.selectFrom('groups').select('id').where('name', '=', 'Stale').executeTakeFirst(), undefined);
      const fresh = await browser.post('/groups', { name: 'Fresh' }, { from: '/groups/new' });
      assert.equal(fresh.statusCode, 303, 'a page after sign-in gives a working token');

      const signedInToken = await browser.csrfToken('/groups/new');
      const out = await browser.post('/logout', { _csrf: signedInToken });
      assert.equal(out.headers['clear-site-data'], '"cache"', 'sign-out also clears what the browser kept');
      await browser.signIn(admin.username, TEST_PASSWORD);
      assert.equal((await browser.post('/groups', { name: 'Older', _csrf: signedInToken })).statusCode, 403, 'retired at sign-out too');
    });

    test('a visitor who is not signed in cannot send more than a sign-in form', async (t) => {
      const { app } = await buildTestApp(t, { database });
      const big = `name=${'x'.repeat(ANONYMOUS_BODY_LIMIT + 1)}`;
      for (const url of ['/groups', '/login', '/admin/imports', '/nowhere']) {
        const response = await app.inject({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: big });
        assert.equal(response.statusCode, 413, url);
        assert.match(response.body, /Sign in first/);
        assert.equal(response.headers.connection, 'close');
      }
      const withBadToken = await app.inject({
        method: 'POST',
        url: '/groups',
        headers: { 'content-type': 'application/json', authorization: 'Bearer fms_made_up' },
        payload: JSON.stringify({ name: 'x'.repeat(ANONYMOUS_BODY_LIMIT) }),
      });
      assert.equal(withBadToken.statusCode, 413, 'an Authorization header does not make a visitor anything else');
      const small = await new Browser(app).post('/login', { username: 'nobody-here', password: 'not a real password' });
      assert.equal(small.statusCode, 401, 'a sign-in form goes through');
    });

    test('a signed-in user may still send large forms, up to MAX_CONTENT_LENGTH', async (t) => {
      const { app, ctx } = await buildTestApp(t, { database });
      const admin = await createUser(ctx, { role: 'admin' });
      const browser = new Browser(app);
      await browser.signIn(admin.username, TEST_PASSWORD);
      const response = await browser.post('/groups', { name: 'Large', description: 'd'.repeat(ANONYMOUS_BODY_LIMIT) }, { from: '/groups/new' });
      assert.notEqual(response.statusCode, 413);
      assert.ok(response.statusCode < 500);
    });
  });
}

describe('flash messages in production', () => {
  test('the flash cookie has the __Host- prefix, so a sibling subdomain cannot plant one', async (t) => {
    const { app, ctx } = await buildTestApp(t, { env: { FMS_CONFIG: 'production', SECRET_KEY: randomBytes(32).toString('hex'), DEMO_DEPARTMENT: 'false' } });
    const user = await createUser(ctx);
    const browser = new Browser(app);
    await browser.signIn(user.username, TEST_PASSWORD);
    const out = await browser.post('/logout', {}, { from: '/dashboard' });
    const flash = out.cookies.find((c) => c.name.endsWith('fms_flash'));
    assert.equal(flash?.name, '__Host-fms_flash');
    assert.equal(flash.secure, true);
    assert.equal(flash.path, '/');
    const login = await browser.get('/login');
    assert.match(login.body, /You have signed out/);
    const planted = await app.inject({ url: '/login', cookies: { fms_flash: 'anything' } });
    assert.doesNotMatch(planted.body, /alert-/, 'a cookie without the prefix is not read');
  });
});
