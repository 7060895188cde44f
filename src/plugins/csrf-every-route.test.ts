// Every state-changing route refuses a request without a CSRF token, the JSON API included when it is
// called with a session cookie. The routes are not listed by hand: the test collects every route the
// app registers (an onRoute hook, added as Fastify creates the app), so a new form is covered the
// day it is added. Bearer-token API calls carry no cookie and are exempt by design (plugins/csrf.ts).
import assert from 'node:assert/strict';
import { channel } from 'node:diagnostics_channel';
import { describe, test } from 'node:test';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { buildTestApp, type TestApp, type TestAppOptions } from '../../test/build-test-app.js';
import { createApiToken, createGroup, createLecturer, createStudent, createUser, TEST_PASSWORD } from '../../test/factories.js';
import { Browser } from '../../test/http.js';
import { testDatabases } from '../../test/services.js';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const REFUSAL = /This form has expired or was not sent from FMS/;

interface Route {
  method: string;
  url: string;
  multipart: boolean;
}

/** Builds the app and lists every route it registers, as Fastify announces them. */
async function appWithItsRoutes(t: Parameters<typeof buildTestApp>[0], options: TestAppOptions): Promise<TestApp & { routes: Route[] }> {
  const routes: Route[] = [];
  const initialization = channel('fastify.initialization');
  const listen = (message: unknown) => {
    const { fastify } = message as { fastify: FastifyInstance };
    fastify.addHook('onRoute', (route: RouteOptions) => {
      for (const method of [route.method].flat()) routes.push({ method, url: route.url, multipart: JSON.stringify(route.schema?.consumes ?? []).includes('multipart') });
    });
  };
  initialization.subscribe(listen);
  try {
    return { ...(await buildTestApp(t, options)), routes };
  } finally {
    initialization.unsubscribe(listen);
  }
}

type Body = 'form' | 'multipart' | 'json';

/**
 * A request as a page on another site could make it: the victim's cookies, a body of the kind a form
 * (URL-encoded or multipart) or a script (JSON) sends, and no token.
 */
function forged(app: FastifyInstance, browser: Browser, route: Route, body: Body) {
  const url = route.url.replace(/:\w+/g, '1').replace(/\*$/, 'x');
  const cookie = [...browser.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; ');
  const boundary = '----forged';
  const [contentType, payload] =
    body === 'json'
      ? ['application/json', '{"name":"forged"}']
      : body === 'multipart'
        ? [`multipart/form-data; boundary=${boundary}`, `--${boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\nforged\r\n--${boundary}--\r\n`]
        : ['application/x-www-form-urlencoded', 'name=forged'];
  return app.inject({ method: route.method, url, headers: { cookie, 'content-type': contentType }, payload });
}

/** The bodies a route takes: the API's JSON or files, the pages' forms. */
const bodiesFor = (route: Route): Body[] => (route.url.startsWith('/api/') ? (route.multipart ? ['multipart'] : ['json']) : ['form', 'multipart']);

for (const database of await testDatabases()) {
  describe(`CSRF on every route on ${database}`, () => {
    test('every POST, PUT, PATCH and DELETE route refuses a signed-in browser\'s request without a token, and changes nothing', async (t) => {
      const { app, ctx, db, routes } = await appWithItsRoutes(t, { database });
      const stateChanging = routes.filter((r) => STATE_CHANGING.has(r.method));
      // Guards that the list is the app's: the forms and API writes known today are in it.
      for (const known of ['POST /login', 'POST /logout', 'POST /account/tokens', 'POST /admin/imports', 'POST /admin/accounts/:id/disable', 'POST /api/v1/students', 'PATCH /api/v1/students/:id'])
        assert.ok(stateChanging.some((r) => `${r.method} ${r.url}` === known), `${known} is among the ${stateChanging.length} routes found`);

      const admin = await createUser(ctx, { role: 'admin' });
      // Records for the forged addresses to name (":id" becomes 1), so a request that got through
      // would change something real.
      const group = await createGroup(ctx);
      const { student } = await createStudent(ctx, { groupId: group.id });
      const { lecturer } = await createLecturer(ctx);
      await createApiToken(ctx, admin.id);
      assert.deepEqual([admin.id, group.id, student.id, lecturer.id], [1, 1, 1, 1]);
      const browser = new Browser(app);
      await browser.signIn(admin.username, TEST_PASSWORD);
      const audit = () => db.selectFrom('auditLog').select('id').orderBy('id', 'desc').limit(1).executeTakeFirst();
      const lastEntry = await audit();

      t.diagnostic(`${stateChanging.length} state-changing routes`);
      const accepted: string[] = [];
      for (const route of stateChanging) {
        for (const body of bodiesFor(route)) {
          const answer = await forged(app, browser, route, body);
          if (answer.statusCode !== 403 || !REFUSAL.test(answer.body)) accepted.push(`${route.method} ${route.url} (${body}): ${answer.statusCode} ${answer.body.slice(0, 120)}`);
        }
      }
      assert.deepEqual(accepted, [], 'every state-changing route refuses a request without a CSRF token');
      assert.deepEqual(await audit(), lastEntry, 'nothing was done: no new audit entry');
      assert.equal((await browser.get('/dashboard')).statusCode, 200, 'and the browser is still signed in (not even /logout went through)');
    });

    test('a bearer-token API call needs no CSRF token: no cookie, nothing to forge', async (t) => {
      const { app, ctx } = await buildTestApp(t, { database });
      const admin = await createUser(ctx, { role: 'admin' });
      const token = await createApiToken(ctx, admin.id);
      const created = await app.inject({ method: 'POST', url: '/api/v1/groups', headers: { authorization: `Bearer ${token}` }, payload: { name: 'By-Token' } });
      assert.equal(created.statusCode, 201, created.body);
    });
  });
}
