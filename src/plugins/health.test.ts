// /healthz and /readyz: anyone learns whether FMS is ready, only operators learn why not (a caller
// on this machine, or one with METRICS_TOKEN), the log hears of a failing check without a line per
// probe, and /readyz is rate limited per client except on this machine.
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { buildServersSharingRedis, buildTestApp } from '../../test/build-test-app.js';
import { isRedisAvailable, testDatabases } from '../../test/services.js';
import { READYZ_LIMIT_PER_MINUTE } from './health.js';
import { isLocalCaller, isLoopbackAddress } from './local-caller.js';
import { MIN_FAILURE_LOG_GAP_MS, REPEAT_FAILURE_LOG_MS } from './readiness-log.js';

const METRICS_TOKEN = 'metrics-token-for-readyz-tests-0123456789';
const REMOTE = '203.0.113.7';

type Inject = (options: { url: string; remoteAddress?: string; headers?: Record<string, string> }) => Promise<{ statusCode: number; body: string; json(): any }>; // eslint-disable-line @typescript-eslint/no-explicit-any -- bodies are read loosely

const probe = (app: { inject: Inject }, remoteAddress: string, headers: Record<string, string> = {}) => app.inject({ url: '/readyz', remoteAddress, headers });

function readinessLines(lines: string[]) {
  return lines.map((l) => JSON.parse(l) as { level: number; msg: string; check?: string; reason?: string }).filter((l) => /^readiness check/.test(l.msg));
}

for (const database of await testDatabases()) {
  describe(`health on ${database}`, () => {
    test('an anonymous caller learns ready or unavailable, nothing else', async (t) => {
      const { app } = await buildTestApp(t, { database });
      const ready = await probe(app, REMOTE);
      assert.equal(ready.statusCode, 200);
      assert.deepEqual(ready.json(), { status: 'ready' }, 'no checks, maintenance or backup age');

      const { app: stale } = await buildTestApp(t, { database, migrate: false, env: { METRICS_TOKEN } });
      const notReady = await probe(stale, REMOTE);
      assert.equal(notReady.statusCode, 503);
      assert.deepEqual(notReady.json(), { status: 'unavailable' }, 'no reason, no fix command');
      const operator = await probe(stale, REMOTE, { authorization: `Bearer ${METRICS_TOKEN}` });
      assert.equal(operator.statusCode, 503);
      assert.match(operator.json().reason, /pending migration.*fms migrate/, 'the operator learns the fix');
      assert.deepEqual((await stale.inject({ url: '/healthz', remoteAddress: REMOTE })).json(), { status: 'ok' }, '/healthz stays public and alive');
    });

    test('the reasons, with paths and users, go only to a local caller or one with METRICS_TOKEN', async (t) => {
      const { app, config } = await buildTestApp(t, { database, env: { METRICS_TOKEN } });
      rmSync(config.uploadFolder, { recursive: true, force: true });
      t.after(() => mkdirSync(config.uploadFolder, { recursive: true }));

      const anonymous = await probe(app, REMOTE);
      assert.equal(anonymous.statusCode, 503);
      assert.deepEqual(anonymous.json(), { status: 'unavailable' });
      assert.ok(!anonymous.body.includes(config.uploadFolder));

      const detailed = (response: { statusCode: number; json(): any }, who: string) => { // eslint-disable-line @typescript-eslint/no-explicit-any -- bodies are read loosely
        assert.equal(response.statusCode, 503, who);
        const body = response.json();
        assert.equal(body.status, 'unavailable', who);
        assert.match(body.reason, /UPLOAD_FOLDER .* does not exist/, who);
        assert.equal(body.checks.storage.ok, false, who);
        assert.deepEqual(body.checks.database, { ok: true }, who);
        assert.deepEqual(body.maintenance, { on: false }, who);
        assert.ok('lastBackup' in body, who);
      };
      for (const local of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) detailed(await probe(app, local), local);
      detailed(await probe(app, REMOTE, { authorization: `Bearer ${METRICS_TOKEN}` }), 'remote with METRICS_TOKEN');

      for (const authorization of ['Bearer wrong-token-of-the-same-length-0123456', `Bearer ${METRICS_TOKEN}x`, METRICS_TOKEN, 'Bearer fms_someone-elses-api-token']) {
        const refused = await probe(app, REMOTE, { authorization });
        assert.equal(refused.statusCode, 503, `${authorization}: the probe still answers`);
        assert.deepEqual(refused.json(), { status: 'unavailable' }, authorization);
      }
    });

    test('a loopback address that a proxy passed on is not local', async (t) => {
      // nginx on this machine in front of FMS without TRUST_PROXY: every request comes from 127.0.0.1.
      const { app } = await buildTestApp(t, { database });
      for (const headers of [{ 'x-forwarded-for': REMOTE }, { forwarded: `for=${REMOTE}` }, { 'x-real-ip': REMOTE }] as Record<string, string>[]) {
        assert.deepEqual((await probe(app, '127.0.0.1', headers)).json(), { status: 'ready' }, JSON.stringify(headers));
      }
      // Behind a trusted proxy, request.ip is the client's: a remote one is not local, and cannot
      // pretend to be 127.0.0.1 (nginx replaces X-Forwarded-For with the address it saw).
      const { app: proxied } = await buildTestApp(t, { database, env: { TRUST_PROXY: '10.0.0.1' } });
      assert.deepEqual((await probe(proxied, '10.0.0.1', { 'x-forwarded-for': REMOTE })).json(), { status: 'ready' });
      assert.deepEqual((await probe(proxied, REMOTE, { 'x-forwarded-for': '127.0.0.1' })).json(), { status: 'ready' }, 'an untrusted peer cannot claim loopback');
      assert.ok('checks' in (await probe(proxied, '127.0.0.1')).json(), 'a local healthcheck still sees the details');
    });

    test('a failing check is logged once, not on every probe; again when it lasts, and its recovery once', async (t) => {
      const logLines: string[] = [];
      const { app, config, clock } = await buildTestApp(t, { database, logLines });
      for (let i = 0; i < 3; i++) await probe(app, REMOTE);
      assert.deepEqual(readinessLines(logLines), [], 'nothing to say while all is well');

      rmSync(config.uploadFolder, { recursive: true, force: true });
      for (let i = 0; i < 5; i++) await probe(app, REMOTE);
      let lines = readinessLines(logLines);
      assert.equal(lines.length, 1, JSON.stringify(lines));
      assert.equal(lines[0]!.level, 40, 'warn');
      assert.equal(lines[0]!.check, 'storage');
      assert.match(lines[0]!.reason!, /UPLOAD_FOLDER .* does not exist: create it/, 'the log has what the probe no longer shows');

      clock.advance(MIN_FAILURE_LOG_GAP_MS);
      await probe(app, REMOTE);
      assert.equal(readinessLines(logLines).length, 1, 'the same reason a minute later: still quiet');
      clock.advance(REPEAT_FAILURE_LOG_MS);
      await probe(app, REMOTE);
      await probe(app, REMOTE);
      assert.equal(readinessLines(logLines).length, 2, 'a lasting failure is repeated every few minutes');

      mkdirSync(config.uploadFolder, { recursive: true });
      for (let i = 0; i < 3; i++) await probe(app, REMOTE);
      lines = readinessLines(logLines);
      assert.equal(lines.length, 3);
      assert.equal(lines[2]!.level, 30, 'info');
      assert.match(lines[2]!.msg, /storage passes again/);
    });

    test(`the ${READYZ_LIMIT_PER_MINUTE + 1}st anonymous probe in a minute gets 429; other clients and this machine go on`, async (t) => {
      const { app } = await buildTestApp(t, { database });
      for (let i = 1; i <= READYZ_LIMIT_PER_MINUTE; i++) {
        // GET and HEAD share one budget.
        const response = i % 2 ? await probe(app, REMOTE) : await app.inject({ method: 'HEAD', url: '/readyz', remoteAddress: REMOTE });
        assert.equal(response.statusCode, 200, `probe ${i}`);
      }
      const limited = await probe(app, REMOTE);
      assert.equal(limited.statusCode, 429);
      assert.equal(limited.json().error.code, 'rate_limited', 'a probe gets JSON, as curl asks with */*');
      assert.equal((await app.inject({ method: 'HEAD', url: '/readyz', remoteAddress: REMOTE })).statusCode, 429, 'HEAD is counted with GET');
      assert.equal((await probe(app, '198.51.100.8')).statusCode, 200, 'another client has its own count');
      for (let i = 0; i <= READYZ_LIMIT_PER_MINUTE; i++) assert.equal((await probe(app, '127.0.0.1')).statusCode, 200, `local probe ${i}`);
      assert.equal((await app.inject({ url: '/healthz', remoteAddress: REMOTE })).statusCode, 200, '/healthz is not limited');
    });
  });
}

describe('readyz limit across servers', () => {
  test('with Redis, two servers share the /readyz count of a client', async (t) => {
    if (!(await isRedisAvailable())) return t.skip('Redis is not running');
    const { one, two } = await buildServersSharingRedis(t);
    for (let i = 0; i < READYZ_LIMIT_PER_MINUTE; i++) assert.equal((await probe(i % 2 ? one.app : two.app, REMOTE)).statusCode, 200, `probe ${i + 1}`);
    assert.equal((await probe(one.app, REMOTE)).statusCode, 429);
    assert.equal((await one.app.inject({ url: '/login', remoteAddress: REMOTE })).statusCode, 200, 'the probes did not use up the page limit');
  });
});

describe('readyz with Redis down', () => {
  test('a remote probe still answers unavailable, not an error of the rate limiter; the operator learns the address and the cause', async (t) => {
    // Port 9 (discard) on loopback: nothing listens there. The client's options are the server's
    // (app.ts), whose failed commands say only "Reached the max retries per request limit".
    const redis = new Redis('redis://127.0.0.1:9', { maxRetriesPerRequest: 2 });
    redis.on('error', () => {});
    t.after(() => redis.disconnect());
    const { app } = await buildTestApp(t, { sharedRedis: redis, env: { METRICS_TOKEN } });
    const anonymous = await probe(app, REMOTE);
    assert.equal(anonymous.statusCode, 503);
    assert.deepEqual(anonymous.json(), { status: 'unavailable' });
    const operator = await probe(app, REMOTE, { authorization: `Bearer ${METRICS_TOKEN}` });
    assert.equal(operator.json().checks.redis.reason, 'redis unreachable at 127.0.0.1:9: connect ECONNREFUSED 127.0.0.1:9');
  });
});

test('loopback addresses and local callers', () => {
  for (const address of ['127.0.0.1', '127.255.0.3', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1']) assert.equal(isLoopbackAddress(address), true, address);
  for (const address of [undefined, '', '10.0.0.1', '128.0.0.1', '::2', '::ffff:10.0.0.1', 'localhost', '127.0.0.1.example.org']) assert.equal(isLoopbackAddress(address), false, String(address));
  assert.equal(isLocalCaller({ ip: '127.0.0.1', headers: {} }), true);
  assert.equal(isLocalCaller({ ip: '127.0.0.1', headers: { 'x-forwarded-for': '192.0.2.1' } }), false);
  // Over a unix socket there is no address: never local, whoever is at the other end.
  assert.equal(isLocalCaller({ ip: undefined as unknown as string, headers: {} }), false);
});
