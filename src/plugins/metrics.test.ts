// /metrics bearer-token guessing is limited per client (F11): ten wrong tokens a minute, then 429
// for everything from that client, while Prometheus's right-token scrapes are never counted. The
// count lives in Redis when configured, so workers and servers share it.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, test, type TestContext } from 'node:test';
import { buildTestApp, openTestRedis } from '../../test/build-test-app.js';
import { isRedisAvailable } from '../../test/services.js';
import { attemptCounter } from './attempt-counter.js';
import { METRICS_FAILURES_PER_MINUTE } from './metrics.js';

const TOKEN = randomBytes(32).toString('hex');
type App = Awaited<ReturnType<typeof buildTestApp>>['app'];
const scrape = (app: App, remoteAddress: string, token: string | null) =>
  app.inject({ url: '/metrics', remoteAddress, headers: token === null ? {} : { authorization: `Bearer ${token}` } });

describe('/metrics token guessing', () => {
  test('the 11th wrong token in a minute gets 429 with Retry-After; other clients are unaffected', async (t) => {
    const { app } = await buildTestApp(t, { env: { METRICS_TOKEN: TOKEN } });
    for (let i = 1; i <= METRICS_FAILURES_PER_MINUTE; i++) {
      const response = await scrape(app, '10.0.0.1', i % 2 ? `guess-${i}-${'x'.repeat(40)}` : null);
      assert.equal(response.statusCode, 401, `attempt ${i}`);
    }
    const limited = await scrape(app, '10.0.0.1', 'one-more-guess');
    assert.equal(limited.statusCode, 429);
    assert.ok(Number(limited.headers['retry-after']) > 0 && Number(limited.headers['retry-after']) <= 60);
    assert.equal(limited.json().error.code, 'rate_limited');
    assert.match(limited.json().error.message, /Too many wrong METRICS_TOKEN attempts/);

    assert.equal((await scrape(app, '10.0.0.1', TOKEN)).statusCode, 429, 'a client over the limit learns nothing, not even from the right token');
    assert.equal((await scrape(app, '10.0.0.2', 'wrong')).statusCode, 401, 'another client may still try');
    assert.equal((await scrape(app, '10.0.0.2', TOKEN)).statusCode, 200);
  });

  test('right-token scrapes are never counted', async (t) => {
    const { app } = await buildTestApp(t, { env: { METRICS_TOKEN: TOKEN } });
    for (let i = 0; i < METRICS_FAILURES_PER_MINUTE * 5; i++) assert.equal((await scrape(app, '10.0.0.3', TOKEN)).statusCode, 200, `scrape ${i}`);
    for (let i = 0; i < METRICS_FAILURES_PER_MINUTE; i++) assert.equal((await scrape(app, '10.0.0.3', 'wrong')).statusCode, 401, `wrong ${i}`);
    assert.equal((await scrape(app, '10.0.0.3', 'wrong')).statusCode, 429);
  });

  test('simultaneous guesses cannot all slip in under the limit', async (t) => {
    const { app } = await buildTestApp(t, { env: { METRICS_TOKEN: TOKEN } });
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => scrape(app, '10.0.0.4', `guess-${i}`)));
    assert.equal(answers.filter((a) => a.statusCode === 401).length, METRICS_FAILURES_PER_MINUTE);
    assert.equal(answers.filter((a) => a.statusCode === 429).length, 40 - METRICS_FAILURES_PER_MINUTE);
  });

  test('with Redis, two servers share the count', async (t) => {
    if (!(await isRedisAvailable())) return t.skip('Redis is not available');
    const redis = await openTestRedis(t);
    const one = await buildTestApp(t, { sharedRedis: redis, env: { METRICS_TOKEN: TOKEN } });
    const two = await buildTestApp(t, { sharedRedis: redis, env: { METRICS_TOKEN: TOKEN } });
    for (let i = 0; i < METRICS_FAILURES_PER_MINUTE; i++) assert.equal((await scrape(i % 2 ? one.app : two.app, '10.0.0.5', `guess-${i}`)).statusCode, 401);
    assert.equal((await scrape(one.app, '10.0.0.5', 'guess')).statusCode, 429);
    assert.equal((await scrape(two.app, '10.0.0.5', 'guess')).statusCode, 429);
    assert.equal((await scrape(two.app, '10.0.0.6', TOKEN)).statusCode, 200);
    const concurrent = await Promise.all(Array.from({ length: 30 }, (_, i) => scrape(i % 2 ? one.app : two.app, '10.0.0.7', `guess-${i}`)));
    assert.equal(concurrent.filter((a) => a.statusCode === 401).length, METRICS_FAILURES_PER_MINUTE);
  });
});

describe('attemptCounter', () => {
  const stores = async (t: TestContext) => {
    const out = [{ name: 'memory', counter: attemptCounter({ redis: null, prefix: 'x:', windowMs: 300 }) }];
    if (await isRedisAvailable()) out.push({ name: 'redis', counter: attemptCounter({ redis: await openTestRedis(t), prefix: 'x:', windowMs: 300 }) });
    return out;
  };

  test('counts in a window that ends, gives back released attempts, and keys stay apart', async (t) => {
    for (const { name, counter } of await stores(t)) {
      assert.equal((await counter.reserve('a')).attempts, 1, name);
      assert.equal((await counter.reserve('a')).attempts, 2, name);
      await counter.release('a');
      const third = await counter.reserve('a');
      assert.equal(third.attempts, 2, `${name}: a released attempt is given back`);
      assert.ok(third.retryAfterMs > 0 && third.retryAfterMs <= 300, `${name}: ${third.retryAfterMs}`);
      assert.equal((await counter.reserve('b')).attempts, 1, `${name}: another key`);
      await sleep(350);
      await counter.release('a'); // after the window: nothing to give back, and no key left behind
      assert.equal((await counter.reserve('a')).attempts, 1, `${name}: a new window`);
    }
  });
});
