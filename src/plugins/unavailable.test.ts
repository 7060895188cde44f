// When a backing service is down, users get "temporarily unavailable" (503), not a crash page.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { buildTestApp } from '../../test/build-test-app.js';

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
});
