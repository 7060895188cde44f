// When a backing service (Redis, the database) is down, users get "temporarily unavailable" (503),
// not a crash page.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { buildTestApp } from '../../test/build-test-app.js';
import { Browser } from '../../test/http.js';
import { closedPort } from '../../test/services.js';
import { createDb } from '../db/index.js';

describe('backing services down', () => {
  test('with Redis unreachable, pages answer 503 with Retry-After and /readyz says why; /healthz stays up', async (t) => {
    // Port 9 (discard) on loopback: nothing listens there.
    const redis = new Redis('redis://127.0.0.1:9', { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
    redis.on('error', () => {});
    t.after(() => redis.disconnect());
    const { app } = await buildTestApp(t, { sharedRedis: redis });
    const page = await app.inject({ url: '/login' });
    assert.equal(page.statusCode, 503);
    assert.ok(Number(page.headers['retry-after']) > 0);
    assert.match(page.body, /Temporarily unavailable/);
    const ready = await app.inject({ url: '/readyz' });
    assert.equal(ready.statusCode, 503);
    assert.match(ready.json().reason, /redis/i);
    assert.equal((await app.inject({ url: '/healthz' })).statusCode, 200);
  });

  test('with PostgreSQL unreachable, sign-in, signed-in pages and the API answer 503 with Retry-After and /readyz says why; /healthz stays up', async (t) => {
    // A closed port on loopback: the connection is refused, as when PostgreSQL is down.
    const db = createDb({ kind: 'postgres', url: `postgres://fms@127.0.0.1:${await closedPort()}/fms` });
    t.after(() => db.destroy());
    const { app } = await buildTestApp(t, { sharedDb: db });
    const unavailable = (what: string, answer: { statusCode: number; headers: Record<string, unknown> }) => {
      assert.equal(answer.statusCode, 503, what);
      assert.ok(Number(answer.headers['retry-after']) > 0, `${what}: Retry-After`);
    };

    const signIn = await new Browser(app).post('/login', { username: 'someone', password: 'a password of some length' });
    unavailable('signing in', signIn);
    assert.match(signIn.body, /Temporarily unavailable/);
    assert.doesNotMatch(signIn.body, /ECONNREFUSED|127\.0\.0\.1/, 'no detail of the failure reaches the user');
    const page = await app.inject({ url: '/dashboard', cookies: { fms_session: 'a'.repeat(43) } });
    unavailable('a page with a session cookie', page);
    assert.match(page.body, /Temporarily unavailable/);
    const api = await app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer fms_${'a'.repeat(40)}` } });
    unavailable('the API', api);
    assert.equal(api.json().error.code, 'unavailable');

    const ready = await app.inject({ url: '/readyz' });
    assert.equal(ready.statusCode, 503);
    assert.match(ready.json().reason, /database|PostgreSQL/i);
    assert.equal((await app.inject({ url: '/healthz' })).statusCode, 200, 'alive: restarting FMS would not bring the database back');
  });
});
