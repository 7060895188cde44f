// Many instances (the deployment guide's "more than one server"): two production FMS instances
// behind one nginx upstream (deploy/nginx/fms.conf with two server lines), sharing one PostgreSQL
// schema and one Redis. A user signed in through one instance continues on the other; the sign-in
// rate limit counts across both; stopping an instance while requests flow loses no session and no
// request, because nginx retries what the stopping instance refuses.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import { systemClock } from '../../src/lib/clock.js';
import { turnMaintenanceOff, turnMaintenanceOn } from '../../src/ops/maintenance.js';
import { openTestDatabase } from '../build-test-app.js';
import { isPostgresAvailable, isRedisAvailable, redisUrl } from '../services.js';
import { waitFor } from '../wait-for.js';
import {
  adminUsername,
  CookieJar,
  csrfTokenOf,
  findTool,
  form,
  httpFetch,
  httpsFetch,
  missingTool,
  prepareDatabase,
  productionConfig,
  signIn,
  startNginx,
  startProductionApp,
  tempDir,
  type ProductionApp,
} from './harness.js';

const nginx = findTool('nginx');
const openssl = findTool('openssl');
// isPostgresAvailable/isRedisAvailable throw under CI=true when the service is missing.
const skip = !nginx
  ? missingTool('nginx', 'nginx')
  : !openssl
    ? missingTool('openssl', 'openssl')
    : !(await isPostgresAvailable())
      ? 'PostgreSQL is not reachable'
      : !(await isRedisAvailable())
        ? 'Redis is not reachable'
        : false;

/** A Redis database of its own: FMS's keys (fms:session:…, fms:ratelimit:…) have no test prefix. */
const REDIS_DB = 13;

function portOf(app: ProductionApp): number {
  const address = app.server.app.server.address();
  assert.ok(address && typeof address === 'object');
  return address.port;
}

/**
 * Resolves once every instance has read the maintenance switch as `on` (each reads it every 3 s,
 * src/plugins/maintenance.ts); the bound leaves room for a loaded machine.
 */
async function seenByEvery(instances: ProductionApp[], on: boolean): Promise<void> {
  const states = () => Promise.all(instances.map(async (instance) => (await instance.server.app.maintenanceState()) !== null));
  let seen: boolean[] = [];
  await waitFor(`every instance to read maintenance mode as ${on ? 'on' : 'off'}`, async () => (seen = await states()).every((state) => state === on), {
    timeoutMs: 20_000,
    everyMs: 100,
    seen: () => `on: ${JSON.stringify(seen)}`,
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function deleteFmsKeys(redis: Redis): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', 'fms:*', 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
}

test('two FMS instances behind one nginx upstream, sharing PostgreSQL and Redis', { skip, timeout: 60_000 }, async (t) => {
  const { db, url } = await openTestDatabase(t, 'postgres');
  const redisTarget = new URL(redisUrl);
  redisTarget.pathname = `/${REDIS_DB}`;
  const redis = new Redis(redisTarget.toString(), { maxRetriesPerRequest: 1 });
  await deleteFmsKeys(redis);
  t.after(async () => {
    await deleteFmsKeys(redis).catch(() => {});
    await redis.quit().catch(() => redis.disconnect());
  });

  const dir = tempDir(t, 'fms-many-');
  // Every instance gets the same configuration, as from one /etc/fms/fms.env: above all the same
  // SECRET_KEY (CSRF cookies signed by one are checked by the other), database, Redis and uploads.
  const config = productionConfig({
    DATABASE_URL: url,
    RATELIMIT_STORAGE_URI: redisTarget.toString(),
    UPLOAD_FOLDER: `${dir}/uploads`,
    TRUST_PROXY: '127.0.0.1',
    LOG_LEVEL: 'warn',
  });
  const admin = { username: adminUsername, password: `many-suite-${randomBytes(9).toString('hex')}` };
  await prepareDatabase(config, admin, db);

  const a = await startProductionApp(t, config, { host: '127.0.0.1', port: 0 });
  const b = await startProductionApp(t, config, { host: '127.0.0.1', port: 0 });
  const proxy = await startNginx(t, nginx!, { upstreams: [`127.0.0.1:${portOf(a)}`, `127.0.0.1:${portOf(b)}`], openssl: openssl! });

  await t.test('nginx spreads requests over both instances', async () => {
    const [beforeA, beforeB] = [a.requests.length, b.requests.length];
    for (let i = 0; i < 6; i++) assert.equal((await httpsFetch(proxy.httpsPort, '/login')).status, 200);
    assert.ok(a.requests.length > beforeA, 'instance A served none');
    assert.ok(b.requests.length > beforeB, 'instance B served none');
  });

  const jar = new CookieJar();
  await t.test('a user signed in through one instance continues on the other', async () => {
    const response = await signIn(proxy.httpsPort, jar, admin);
    assert.equal(response.status, 303, response.text.slice(0, 300));
    assert.ok(jar.cookies.has('__Host-fms_session'));
    // Straight to each instance, past nginx: both know the session.
    for (const [name, instance] of [['A', a], ['B', b]] as const) {
      const page = await httpFetch({ port: portOf(instance) }, '/dashboard', { headers: { cookie: jar.header() } });
      assert.equal(page.status, 200, `instance ${name}: ${page.status} ${page.text.slice(0, 2000)}`);
      assert.match(page.text, new RegExp(adminUsername));
    }

    // The form from A, posted to B: the CSRF cookie and token A signed are good on B, and the
    // session B starts works on A.
    const other = new CookieJar();
    const formPage = await httpFetch({ port: portOf(a) }, '/login');
    other.keep(formPage);
    const posted = await httpFetch({ port: portOf(b) }, '/login', {
      method: 'POST',
      headers: { cookie: other.header(), 'content-type': 'application/x-www-form-urlencoded' },
      body: form({ username: admin.username, password: admin.password, _csrf: csrfTokenOf(formPage) }),
    });
    other.keep(posted);
    assert.equal(posted.status, 303, posted.text.slice(0, 300));
    const onA = await httpFetch({ port: portOf(a) }, '/dashboard', { headers: { cookie: other.header() } });
    assert.equal(onA.status, 200);
  });

  await t.test('the sign-in rate limit (10 a minute per client) counts across both instances', async () => {
    // One client, 127.0.0.3, through nginx: round robin sends its attempts to both instances.
    const client = { localAddress: '127.0.0.3' };
    const attempts = new CookieJar();
    const page = await httpsFetch(proxy.httpsPort, '/login', client);
    attempts.keep(page);
    const token = csrfTokenOf(page);
    const [postsA, postsB] = [a.requests.filter((r) => r === 'POST /login').length, b.requests.filter((r) => r === 'POST /login').length];
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const response = await httpsFetch(proxy.httpsPort, '/login', {
        ...client,
        method: 'POST',
        headers: { cookie: attempts.header(), 'content-type': 'application/x-www-form-urlencoded' },
        body: form({ username: `nobody-${i}`, password: 'wrong-password-for-nobody', _csrf: token }),
      });
      statuses.push(response.status);
    }
    assert.deepEqual(statuses, [...Array(10).fill(401), 429, 429], 'ten attempts in all, not ten per instance');
    assert.ok(a.requests.filter((r) => r === 'POST /login').length > postsA, 'instance A counted none');
    assert.ok(b.requests.filter((r) => r === 'POST /login').length > postsB, 'instance B counted none');
    // The limit is per client: the user signed in above is not locked out by this one.
    const dashboard = await httpsFetch(proxy.httpsPort, '/dashboard', { headers: { cookie: jar.header() } });
    assert.equal(dashboard.status, 200);
  });

  await t.test('maintenance mode: every user gets the maintenance page through nginx, never nginx\'s own error', async () => {
    // Both instances answer 503 while maintenance is on. nginx must pass those pages on and keep
    // both instances in rotation (a 503 counted as a failure would take them out for fail_timeout,
    // and users would get 502 "no live upstreams" instead of the page, also after `off`).
    await turnMaintenanceOn({ db, clock: systemClock }, 'Upgrading to the new term.');
    await seenByEvery([a, b], true);
    const client = { localAddress: '127.0.0.5', headers: { cookie: jar.header() } };
    for (let i = 0; i < 6; i++) {
      const page = await httpsFetch(proxy.httpsPort, '/dashboard', client);
      assert.equal(page.status, 503, `request ${i}: ${page.status} ${page.text.slice(0, 200)}`);
      assert.match(page.text, /Upgrading to the new term\./);
      assert.ok(page.headers['retry-after']);
    }
    assert.equal((await httpsFetch(proxy.httpsPort, '/healthz', client)).status, 200);
    await turnMaintenanceOff({ db, clock: systemClock });
    await seenByEvery([a, b], false);
    const [beforeA, beforeB] = [a.requests.length, b.requests.length];
    for (let i = 0; i < 6; i++) {
      const page = await httpsFetch(proxy.httpsPort, '/dashboard', client);
      assert.equal(page.status, 200, `request ${i} after maintenance: ${page.status} ${/<title>([^<]*)/.exec(page.text)?.[1] ?? page.text.slice(0, 200)}`);
    }
    assert.ok(a.requests.length > beforeA && b.requests.length > beforeB, 'both instances are back in rotation');
  });

  await t.test('stopping one instance while requests flow loses no session and no request', async () => {
    // Four browsers' worth of page loads through nginx (from 127.0.0.4, so the global limit of 600
    // a minute per client is not what is measured), while instance A stops as on SIGTERM.
    const client = { localAddress: '127.0.0.4', headers: { cookie: jar.header() } };
    const results: { status: number; sentAfterStop: boolean; page?: string }[] = [];
    let running = true;
    let stopped = false;
    const loop = async () => {
      while (running) {
        const sentAfterStop = stopped;
        const response = await httpsFetch(proxy.httpsPort, '/dashboard', client);
        results.push({ status: response.status, sentAfterStop, ...(response.status === 200 ? {} : { page: /<title>([^<]*)/.exec(response.text)?.[1] ?? response.text.slice(0, 120) }) });
        await sleep(5);
      }
    };
    const beforeA = a.requests.length;
    const loops = Array.from({ length: 4 }, loop);
    let bAfterStop: number;
    // The guards count requests, not time: A must be serving the flow when it stops, and enough
    // requests must be sent after the stop that nginx has to route around A, or the test proves nothing.
    try {
      await waitFor('instance A to serve 5 of the page loads before it stops', () => a.requests.length - beforeA >= 5, { timeoutMs: 20_000 });
      await a.server.close();
      stopped = true;
      bAfterStop = b.requests.length;
      await waitFor('20 page loads sent after the stop to be answered', () => results.filter((r) => r.sentAfterStop).length >= 20, { timeoutMs: 20_000 });
    } finally {
      running = false;
      await Promise.all(loops);
    }

    const failures = results.filter((r) => r.status !== 200);
    assert.deepEqual(failures, [], `${failures.length} of ${results.length} requests failed`);
    assert.ok(b.requests.length >= bAfterStop + 20, 'instance B took over');

    const after = await httpsFetch(proxy.httpsPort, '/dashboard', { headers: { cookie: jar.header() } });
    assert.equal(after.status, 200, 'the session outlives the instance that created it');
  });

  await proxy.stop();
  await a.server.close();
  await b.server.close();
});
