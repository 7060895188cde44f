// A rolling restart of two FMS instances behind the shipped deploy/nginx/fms.conf loses no request
// (operations review D6). Two production instances on two unix sockets, nginx rendered from the
// shipped file with both sockets in its upstream, requests flowing from several clients: instance A
// is restarted (closed, a pause as a real start-up takes, a new process on the same socket), and as
// soon as its /readyz answers 200, B is restarted the same way, without waiting for nginx's
// fail_timeout. With nginx's default failure accounting (the settings shipped before:
// max_fails=1 fail_timeout=10s) nginx still held A as failed when B went down and answered
// "no live upstreams"; the control at the end shows that this test sees that.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import type { Config } from '../../src/config/index.js';
import {
  adminUsername,
  findTool,
  httpFetch,
  httpsFetch,
  missingTool,
  prepareDatabase,
  productionConfig,
  repoRoot,
  startNginx,
  startProductionApp,
  tempDir,
  type ProductionApp,
} from './harness.js';

const nginx = findTool('nginx');
const openssl = findTool('openssl');
const skip = !nginx ? missingTool('nginx', 'nginx') : !openssl ? missingTool('openssl', 'openssl') : false;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How long an instance is away while it restarts; a real one takes seconds (start-up, migrations check). */
const RESTART_PAUSE_MS = 1_000;

interface Outcome {
  status: number;
  at: number;
  what?: string;
}

interface Restart {
  downAt: number;
  readyAt: number;
}

/** Closes an instance, waits as a restart would, starts a new one on the same socket and waits for its /readyz. */
async function restart(t: TestContext, instance: ProductionApp, socket: string, config: Config): Promise<{ app: ProductionApp; window: Restart }> {
  const downAt = Date.now();
  await instance.server.close();
  await sleep(RESTART_PAUSE_MS);
  const app = await startProductionApp(t, config, { socket });
  // What the docs tell operators to wait for before the next instance: /readyz = 200 on this one.
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ready = await httpFetch({ socketPath: socket }, '/readyz').catch(() => null);
    if (ready?.status === 200) break;
    if (Date.now() > deadline) throw new Error(`the restarted instance on ${socket} never answered /readyz with 200`);
    await sleep(50);
  }
  return { app, window: { downAt, readyAt: Date.now() } };
}

/** Runs the rolling restart under load through nginx rendered from `template`, and reports what clients saw. */
async function rollingRestart(t: TestContext, template: string) {
  const dir = tempDir(t, 'fms-rolling-');
  const config = productionConfig({
    DATABASE_URL: `sqlite:${join(dir, 'fms.sqlite')}`,
    UPLOAD_FOLDER: join(dir, 'uploads'),
    TRUST_PROXY: 'unix',
    LOG_LEVEL: 'warn',
    // The load below is one client's thousands of requests: the global limit is not what is measured.
    RATELIMIT_DEFAULT: '1000000 per minute',
  });
  await prepareDatabase(config, { username: adminUsername, password: `rolling-${randomBytes(9).toString('hex')}` });
  const sockets = [join(dir, 'a.sock'), join(dir, 'b.sock')] as const;
  const first = [await startProductionApp(t, config, { socket: sockets[0] }), await startProductionApp(t, config, { socket: sockets[1] })];
  const proxy = await startNginx(t, nginx!, { upstreams: sockets.map((s) => `unix:${s}`), openssl: openssl!, template });

  const outcomes: Outcome[] = [];
  let running = true;
  const loop = async () => {
    while (running) {
      const at = Date.now();
      const response = await httpsFetch(proxy.httpsPort, '/login').catch((error: Error) => ({ status: 0, text: error.message }));
      outcomes.push({ status: response.status, at, ...(response.status === 200 ? {} : { what: /<title>([^<]*)/.exec(response.text)?.[1] ?? response.text.slice(0, 120) }) });
      await sleep(5);
    }
  };
  const loops = Array.from({ length: 4 }, loop);
  await sleep(500);
  const a = await restart(t, first[0]!, sockets[0], config);
  const b = await restart(t, first[1]!, sockets[1], config);
  await sleep(500);
  running = false;
  await Promise.all(loops);
  await proxy.stop();
  for (const app of [a.app, b.app]) await app.server.close();

  const during = (window: Restart) => outcomes.filter((o) => o.at >= window.downAt && o.at <= window.readyAt).length;
  return {
    outcomes,
    failures: outcomes.filter((o) => o.status !== 200),
    duringA: during(a.window),
    duringB: during(b.window),
    served: { firstA: first[0]!.requests.length, firstB: first[1]!.requests.length, newA: a.app.requests.length, newB: b.app.requests.length },
  };
}

/** "12 × 502 Bad Gateway, 3 × 503 …" over how long, for a failure message that fits on a screen. */
function summary(failures: Outcome[]): string {
  const counts = new Map<string, number>();
  for (const f of failures) counts.set(`${f.status} ${f.what ?? ''}`.trim(), (counts.get(`${f.status} ${f.what ?? ''}`.trim()) ?? 0) + 1);
  const span = failures.length ? ` within ${((failures.at(-1)!.at - failures[0]!.at) / 1000).toFixed(1)} s` : '';
  return [...counts].map(([what, n]) => `${n} × ${what}`).join(', ') + span;
}

const shipped = readFileSync(join(repoRoot, 'deploy', 'nginx', 'fms.conf'), 'utf8');

test('a rolling restart of two instances behind the shipped fms.conf loses no request', { skip, timeout: 120_000 }, async (t) => {
  const result = await rollingRestart(t, shipped);
  t.diagnostic(`${result.outcomes.length} requests, ${result.duringA} while A restarted, ${result.duringB} while B restarted; served: ${JSON.stringify(result.served)}`);
  assert.equal(result.failures.length, 0, `${result.failures.length} of ${result.outcomes.length} requests failed: ${summary(result.failures)}`);
  // Enough requests were sent while each instance was away for a loss to show.
  assert.ok(result.duringA >= 20, `only ${result.duringA} requests while A restarted`);
  assert.ok(result.duringB >= 20, `only ${result.duringB} requests while B restarted`);
  for (const [name, count] of Object.entries(result.served)) assert.ok(count > 0, `instance ${name} served nothing: ${JSON.stringify(result.served)}`);
});

test('control: with nginx\'s default failure accounting (max_fails=1 fail_timeout=10s) the same restart loses requests', { skip, timeout: 120_000 }, async (t) => {
  // The settings shipped before: one refused connection took an instance out for 10 s.
  const upstream = /^(\s*server unix:\/run\/fms\/fms\.sock)[^;]*;$/m;
  assert.match(shipped, upstream);
  const result = await rollingRestart(t, shipped.replace(upstream, '$1 max_fails=1 fail_timeout=10s;'));
  assert.ok(result.failures.length > 0, `no request failed: the test would not see the defect (${result.outcomes.length} requests)`);
  t.diagnostic(`with the old settings: ${result.failures.length} of ${result.outcomes.length} requests failed: ${summary(result.failures)}`);
});
