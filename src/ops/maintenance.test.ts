// Maintenance mode and the operations figures in /readyz and /metrics.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { buildTestApp } from '../../test/build-test-app.js';
import { createApiToken, createUser, TEST_PASSWORD } from '../../test/factories.js';
import { Browser } from '../../test/http.js';
import { testDatabases } from '../../test/services.js';
import { writeSetting } from '../db/settings.js';
import { LAST_BACKUP_SETTING, readMaintenance, turnMaintenanceOff, turnMaintenanceOn } from './maintenance.js';

const METRICS_TOKEN = 'metrics-token-for-tests-0123456789';

/** The value of one sample line of the Prometheus text, 0 when the series is absent. */
function sample(metrics: string, series: string): number {
  const line = metrics.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

for (const database of await testDatabases()) {
  describe(`operations on ${database}`, () => {
    test('maintenance mode shows users a friendly 503 with Retry-After; health checks, metrics and static files keep working', async (t) => {
      const { app, ctx } = await buildTestApp(t, { database, env: { METRICS_TOKEN } });
      const user = await createUser(ctx);
      const browser = new Browser(app);
      await browser.signIn(user.username, TEST_PASSWORD);

      await turnMaintenanceOn(ctx, 'Upgrading to the spring release; back by 10:00.');
      assert.ok(await readMaintenance(ctx));
      const page = await browser.get('/dashboard');
      assert.equal(page.statusCode, 503);
      assert.equal(page.headers['retry-after'], '120');
      assert.match(page.body, /Upgrading to the spring release; back by 10:00\./);
      const api = await app.inject({ url: '/api/v1/me' });
      assert.equal(api.statusCode, 503);
      assert.equal(api.json().error.code, 'maintenance');
      assert.equal((await app.inject({ url: '/healthz' })).statusCode, 200);
      const ready = await app.inject({ url: '/readyz' });
      assert.equal(ready.statusCode, 200, 'still ready: the load balancer keeps sending users to the page');
      assert.equal(ready.json().maintenance.on, true);
      const metrics = await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      assert.equal(metrics.statusCode, 200, 'Prometheus goes on scraping');
      assert.match(metrics.body, /http_requests_total\{method="GET",route="\/dashboard",status="503"\} [1-9]/, 'and sees the maintenance pages');
      assert.equal((await app.inject({ url: app.asset('app.css') })).statusCode, 200);

      await turnMaintenanceOff(ctx);
      assert.equal(await readMaintenance(ctx), null);
      assert.equal((await browser.get('/dashboard')).statusCode, 200, 'the session survived the maintenance window');
    });

    test('/readyz reports the age of the last good backup', async (t) => {
      const { app, ctx, clock } = await buildTestApp(t, { database });
      assert.equal((await app.inject({ url: '/readyz' })).json().lastBackup, null);
      const backupAt = new Date(clock.now().getTime() - 5 * 3_600_000);
      await writeSetting(ctx, LAST_BACKUP_SETTING, backupAt.toISOString());
      assert.deepEqual((await app.inject({ url: '/readyz' })).json().lastBackup, { at: backupAt.toISOString(), ageHours: 5 });
      clock.advance(90 * 60_000);
      assert.equal((await app.inject({ url: '/readyz' })).json().lastBackup.ageHours, 6.5, 'the age follows the clock');
    });

    test('/metrics needs METRICS_TOKEN and reports requests by route, errors, the event loop, the heap and the Waiting Room', async (t) => {
      const { app, ctx, db } = await buildTestApp(t, { database, env: { METRICS_TOKEN } });
      const admin = await createUser(ctx, { role: 'admin' });
      const browser = new Browser(app);
      await browser.signIn(admin.username, TEST_PASSWORD);
      const apiToken = await createApiToken(ctx, admin.id);
      assert.equal((await app.inject({ url: '/metrics' })).statusCode, 401);
      assert.equal((await app.inject({ url: '/metrics', headers: { authorization: 'Bearer wrong-token-of-some-length' } })).statusCode, 401);
      assert.equal((await browser.get('/metrics')).statusCode, 401, "an admin's session does not open /metrics");
      assert.equal((await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${apiToken}` } })).statusCode, 401, "nor does an admin's API token");

      // The counters are the process's (prom-client's one registry, shared by every app a test
      // builds): what this test did is the difference between two scrapes.
      const scrape = async () => {
        const response = await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
        assert.equal(response.statusCode, 200);
        assert.match(String(response.headers['content-type']), /text\/plain/);
        return response.body;
      };
      const before = await scrape();
      assert.equal((await app.inject({ url: '/login' })).statusCode, 200);
      assert.equal((await app.inject({ url: '/login' })).statusCode, 200);
      // Break the database under the admin dashboard (it reads the audit trail): a server error.
      await sql`drop table audit_log`.execute(db);
      assert.equal((await browser.get('/dashboard')).statusCode, 500);
      const body = await scrape();
      const added = (series: string) => sample(body, series) - sample(before, series);
      assert.equal(added('http_requests_total{method="GET",route="/login",status="200"}'), 2, 'GET /login counted by route and status');
      assert.equal(added('http_requests_total{method="GET",route="/dashboard",status="500"}'), 1);
      assert.equal(added('http_server_errors_total{route="/dashboard",status="500"}'), 1, 'the server error counted by route');
      assert.equal(added('http_request_duration_seconds_count{method="GET",route="/login"}'), 2, 'the latency of each request observed');
      assert.match(body, /http_request_duration_seconds_bucket\{le="0\.005",method="GET",route="\/login"\}/);
      assert.match(body, /nodejs_eventloop_lag_seconds /);
      assert.match(body, /nodejs_heap_size_used_bytes /);
      assert.match(body, /fms_waiting_room_submissions 0/);
      if (database === 'postgres') assert.match(body, /fms_db_pool_connections\{state="total"\} \d+/);
    });

    test('without METRICS_TOKEN there is no /metrics on the public port', async (t) => {
      const { app } = await buildTestApp(t, { database });
      assert.equal((await app.inject({ url: '/metrics' })).statusCode, 404);
    });
  });
}
