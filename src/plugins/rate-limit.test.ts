// Rate limits: 600 requests a minute per client, sign-in 10 a minute per client, 1000 API calls an
// hour per token, a 429 page with Retry-After, the RateLimit-* headers, a window that ends, counters
// shared through Redis between servers.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildServersSharingRedis, buildTestApp } from '../../test/build-test-app.js';
import { createApiToken, createUser } from '../../test/factories.js';
import { Browser } from '../../test/http.js';
import { isRedisAvailable } from '../../test/services.js';

// The documented limits (README, "Rate limits"), written out here rather than read from the code
// under test: changing one means changing the documentation and this test as well.
const GLOBAL_LIMIT_PER_MINUTE = 600;
const SIGN_IN_LIMIT_PER_MINUTE = 10;
const DEFAULT_API_LIMIT = 1000;

describe('rate limits', () => {
  test('the 11th sign-in attempt in a minute gets a 429 page with Retry-After; other clients are unaffected', async (t) => {
    const { app } = await buildTestApp(t);
    const browser = new Browser(app);
    const token = await browser.csrfToken('/login');
    const attempt = (ip: string) =>
      app.inject({
        method: 'POST',
        url: '/login',
        remoteAddress: ip,
        headers: { cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ username: 'nobody', password: 'wrong password here', _csrf: token }).toString(),
      });
    for (let i = 1; i <= SIGN_IN_LIMIT_PER_MINUTE; i++) {
      const response = await attempt('10.0.0.1');
      assert.equal(response.statusCode, 401, `attempt ${i}`);
      assert.equal(response.headers['ratelimit-limit'], String(SIGN_IN_LIMIT_PER_MINUTE));
    }
    const limited = await attempt('10.0.0.1');
    assert.equal(limited.statusCode, 429);
    assert.ok(Number(limited.headers['retry-after']) > 0);
    assert.match(limited.body, /Too many requests/);
    assert.match(String(limited.headers['content-type']), /text\/html/);
    assert.equal((await attempt('10.0.0.2')).statusCode, 401, 'another client may still try');
  });

  test('every client may make 600 requests a minute (RATELIMIT_DEFAULT); the 601st is refused with 429 on every page, for that client only', async (t) => {
    const { app } = await buildTestApp(t);
    const get = (url: string, ip = '10.0.0.20') => app.inject({ url, remoteAddress: ip });
    for (let i = 1; i <= GLOBAL_LIMIT_PER_MINUTE; i++) {
      const response = await get('/login');
      assert.equal(response.statusCode, 200, `request ${i}`);
      assert.equal(response.headers['ratelimit-limit'], String(GLOBAL_LIMIT_PER_MINUTE));
      assert.equal(response.headers['ratelimit-remaining'], String(GLOBAL_LIMIT_PER_MINUTE - i));
      const reset = Number(response.headers['ratelimit-reset']);
      assert.ok(reset >= 1 && reset <= 60, `RateLimit-Reset is within the minute (got ${reset})`);
    }
    const limited = await get('/login');
    assert.equal(limited.statusCode, 429);
    assert.match(limited.body, /Too many requests/);
    assert.equal(limited.headers['ratelimit-remaining'], '0');
    assert.ok(Number(limited.headers['retry-after']) >= 1 && Number(limited.headers['retry-after']) <= 60, `Retry-After within the minute: ${limited.headers['retry-after']}`);
    assert.equal((await get('/dashboard')).statusCode, 429, 'one budget for every page');
    assert.equal((await get('/login', '10.0.0.21')).statusCode, 200, 'another client is served');
    assert.equal((await get('/healthz')).statusCode, 200, 'liveness probes are never limited');
  });

  test('addresses that name nothing count against the same budget: a client guessing pages is limited too', async (t) => {
    const { app } = await buildTestApp(t, { env: { RATELIMIT_DEFAULT: '3 per minute' } });
    const get = (url: string) => app.inject({ url, remoteAddress: '10.0.2.1' });
    for (let i = 1; i <= 3; i++) {
      const missing = await get(`/no/such/page/${i}`);
      assert.equal(missing.statusCode, 404, `guess ${i}`);
      assert.equal(missing.headers['ratelimit-remaining'], String(3 - i));
    }
    assert.equal((await get('/no/such/page/4')).statusCode, 429, 'the fourth guess is refused');
    assert.equal((await get('/login')).statusCode, 429, 'and so is a real page: one budget');
  });

  test('when the window ends (RateLimit-Reset seconds later) the client is served again with a fresh budget', async (t) => {
    // A window of one second. The limiter reads the wall clock, so waiting for the end of the window
    // is the behaviour under test, not a guess at how long something takes.
    const { app } = await buildTestApp(t, { env: { RATELIMIT_DEFAULT: '3 per second' } });
    // A burst that a busy machine spread over more than the window proves nothing: another client tries again.
    for (let attempt = 1; ; attempt++) {
      const ip = `10.0.1.${attempt}`;
      const get = () => app.inject({ url: '/login', remoteAddress: ip });
      const started = Date.now();
      const burst = [await get(), await get(), await get(), await get()];
      if (Date.now() - started >= 1000) {
        assert.ok(attempt < 5, 'four requests never fitted in one second');
        continue;
      }
      assert.deepEqual(burst.map((r) => r.statusCode), [200, 200, 200, 429]);
      assert.deepEqual(burst.map((r) => r.headers['ratelimit-remaining']), ['2', '1', '0', '0']);
      const reset = Number(burst[3]!.headers['ratelimit-reset']);
      assert.equal(reset, 1, 'the window ends within its one second');
      await sleep(reset * 1000);
      const again = await get();
      assert.equal(again.statusCode, 200, 'served again after the window');
      assert.equal(again.headers['ratelimit-remaining'], '2', 'with a fresh budget');
      return;
    }
  });

  test('a client cannot escape the limit with X-Forwarded-For when no proxy is trusted', async (t) => {
    const { app } = await buildTestApp(t);
    let last = 0;
    for (let i = 0; i <= SIGN_IN_LIMIT_PER_MINUTE; i++) {
      const response = await app.inject({ method: 'POST', url: '/login', remoteAddress: '10.0.0.9', headers: { 'x-forwarded-for': `192.0.2.${i}` }, payload: {} });
      last = response.statusCode;
    }
    assert.equal(last, 429);
  });

  test('guessing API tokens is limited per client address', async (t) => {
    const budget = 20;
    const { app } = await buildTestApp(t, { env: { API_RATELIMIT: `${budget} per hour` } });
    let last = 0;
    for (let i = 0; i <= budget; i++) {
      const response = await app.inject({ url: '/api/v1/me', remoteAddress: '10.0.0.5', headers: { authorization: `Bearer fms_guess${i}` } });
      last = response.statusCode;
      if (i === 0) assert.equal(last, 401);
    }
    assert.equal(last, 429, 'a fresh random token does not buy a fresh counter');
  });

  test("one token has one budget across every API route, not a thousand for each route", async (t) => {
    const { app, ctx } = await buildTestApp(t);
    const admin = await createUser(ctx, { role: 'admin' });
    const token = await createApiToken(ctx, admin.id);
    const remaining = async (url: string) => {
      const response = await app.inject({ url, headers: { authorization: `Bearer ${token}` } });
      assert.equal(response.statusCode, 200, `${url}: ${response.body}`);
      return Number(response.headers['ratelimit-remaining']);
    };
    const first = await remaining('/api/v1/me');
    assert.equal(first, DEFAULT_API_LIMIT - 1, 'API_RATELIMIT defaults to 1000 per hour');
    assert.equal(await remaining('/api/v1/students?limit=1'), first - 1, 'another route counts against the same budget');
    assert.equal(await remaining('/api/v1/groups'), first - 2);
    assert.equal(await remaining('/api/v1/me'), first - 3);
  });

  test('API_RATELIMIT sets the budget of each token, for a registrar\'s sync job that needs more (or less)', async (t) => {
    const { app, ctx } = await buildTestApp(t, { env: { API_RATELIMIT: '3 per minute' } });
    const admin = await createUser(ctx, { role: 'admin' });
    const token = await createApiToken(ctx, admin.id);
    const call = () => app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
    const first = await call();
    assert.equal(first.headers['ratelimit-limit'], '3');
    assert.ok(Number(first.headers['ratelimit-reset']) <= 60, 'the window is a minute');
    await call();
    await call();
    const limited = await call();
    assert.equal(limited.statusCode, 429);
    assert.equal(limited.json().error.code, 'rate_limited');
    const document = (await app.inject({ url: '/api/docs/openapi.json' })).json();
    assert.match(document.info.description, /Each token may make 3 requests a minute on this server/);

    const { app: generous } = await buildTestApp(t, { env: { API_RATELIMIT: '50000/hour' } });
    assert.match((await generous.inject({ url: '/api/docs/openapi.json' })).json().info.description, /50000 requests an hour/);
  });

  test('with Redis, two servers share the counters', async (t) => {
    if (!(await isRedisAvailable())) return t.skip('Redis is not running');
    const { redis, one, two } = await buildServersSharingRedis(t);
    const post = (app: typeof one.app) => app.inject({ method: 'POST', url: '/login', remoteAddress: '10.0.0.7', payload: {} });
    for (let i = 0; i < SIGN_IN_LIMIT_PER_MINUTE / 2; i++) {
      await post(one.app);
      await post(two.app);
    }
    assert.equal((await post(one.app)).statusCode, 429, 'server one counts the attempts made on server two');
    assert.equal((await post(two.app)).statusCode, 429);
    assert.ok((await redis.keys('*ratelimit*')).length > 0, 'counters live in Redis');
  });
});
