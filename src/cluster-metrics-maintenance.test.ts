// `fms serve --workers 2` with METRICS_PORT and METRICS_TOKEN, and `fms maintenance on|status|off`
// run against it as an operator would: /metrics adds up every worker's requests, on the local port
// and behind the token; `maintenance on` returns once every worker shows the maintenance page, while
// /healthz, /readyz and /metrics keep answering; `maintenance off` brings every worker back.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { envSchema, secretVariables } from './config/schema.js';
import { workersOf } from './lib/serve-workers.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const METRICS_TOKEN = 'metrics-token-for-the-cluster-test-0123456789';
const REQUESTS = 20;

// The caller's own configuration must not leak into the processes under test.
const inherited = { ...process.env };
for (const name of Object.keys(envSchema.properties)) delete inherited[name];
for (const name of secretVariables) delete inherited[`${name}_FILE`];

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

interface Answer {
  status: number;
  body: string;
}

function get(port: number, path: string, options: { agent?: Agent; headers?: Record<string, string> } = {}): Promise<Answer> {
  return new Promise((done, fail) => {
    const req = request({ host: '127.0.0.1', port, path, agent: options.agent ?? false, headers: options.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => done({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>, ms = 60_000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The value of one sample line of the Prometheus text, 0 when the series is absent. */
function sample(metrics: string, series: string): number {
  const line = metrics.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

/** The TCP connections to `port` that each process holds open, read from /proc: who serves whom. */
function connectionsHeldBy(pids: number[], port: number): Map<number, number> {
  const hexPort = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const established = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // local address, remote address, state (01: established), …, inode
      if (fields[1]?.endsWith(hexPort) && fields[3] === '01') established.add(fields[9]!);
    }
  }
  const held = new Map<number, number>();
  for (const pid of pids) {
    let count = 0;
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      const target = (() => {
        try {
          return readlinkSync(`/proc/${pid}/fd/${fd}`);
        } catch {
          return '';
        }
      })();
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode && established.has(inode)) count++;
    }
    held.set(pid, count);
  }
  return held;
}

test('two workers: /metrics adds up both, and fms maintenance on|status|off switches every worker while health and metrics answer', { timeout: 180_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fms-cluster-ops-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const [port, metricsPort] = [await freePort(), await freePort()];
  const env = {
    ...inherited,
    FMS_CONFIG: 'development',
    DEMO_DEPARTMENT: 'false',
    LOG_LEVEL: 'info',
    DATABASE_URL: `sqlite:${join(dir, 'fms.sqlite')}`,
    UPLOAD_FOLDER: join(dir, 'uploads'),
    METRICS_PORT: String(metricsPort),
    METRICS_TOKEN,
  };
  let output = '';
  const server: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'serve', '--workers', '2', '--bind', `127.0.0.1:${port}`], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  server.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  t.after(() => server.kill('SIGKILL'));
  await waitFor('the banner', () => output.includes('FMS is running at'));
  await waitFor('both workers listening', () => output.split('Server listening at').length - 1 >= 2);
  const workers = workersOf(server.pid!);
  assert.equal(workers.length, 2, output);

  const fms = (args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((done, fail) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      child.on('error', fail);
      child.on('close', (code) => done({ code, stdout, stderr }));
    });
  const scrapeLocal = async () => {
    const scraped = await get(metricsPort, '/metrics');
    assert.equal(scraped.status, 200, 'METRICS_PORT answers without a token');
    return scraped.body;
  };
  const scrapePublic = async () => {
    const scraped = await get(port, '/metrics', { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    assert.equal(scraped.status, 200, 'the public port answers with METRICS_TOKEN');
    return scraped.body;
  };
  const LOGIN_OK = 'http_requests_total{method="GET",route="/login",status="200"}';
  const LOGIN_MAINTENANCE = 'http_requests_total{method="GET",route="/login",status="503"}';

  // Twenty sign-in pages at once, each on a connection of its own, kept open so /proc shows which
  // worker holds which: the sum below proves something only if both workers served.
  const agent = new Agent({ keepAlive: true, maxSockets: REQUESTS });
  t.after(() => agent.destroy());
  const pages = await Promise.all(Array.from({ length: REQUESTS }, () => get(port, '/login', { agent })));
  assert.deepEqual(new Set(pages.map((p) => p.status)), new Set([200]));
  const held = connectionsHeldBy(workers, port);
  assert.ok([...held.values()].every((n) => n > 0), `both workers served some of the requests: ${JSON.stringify([...held])}`);
  agent.destroy();

  assert.equal(sample(await scrapeLocal(), LOGIN_OK), REQUESTS, 'METRICS_PORT adds up every worker');
  assert.equal(sample(await scrapePublic(), LOGIN_OK), REQUESTS, '/metrics with the token adds up every worker too');

  const on = await fms(['maintenance', 'on', '--message', 'Upgrading; back at ten.']);
  assert.equal(on.code, 0, on.stderr);
  assert.match(on.stdout, /Maintenance mode is on on every server: "Upgrading; back at ten\."/);
  const status = await fms(['maintenance', 'status']);
  assert.equal(status.code, 0, status.stderr);
  assert.match(status.stdout, /^on since \d{4}-\d\d-\d\dT[\d:.]+Z: "Upgrading; back at ten\."$/m);

  // Once the command has returned, no worker serves a page any more.
  const during = await Promise.all(Array.from({ length: 10 }, () => get(port, '/login')));
  for (const page of during) {
    assert.equal(page.status, 503, 'every worker shows the maintenance page as soon as the command returns');
    assert.match(page.body, /Upgrading; back at ten\./);
  }
  assert.equal((await get(port, '/healthz')).status, 200, '/healthz answers in maintenance');
  const ready = await get(port, '/readyz');
  assert.equal(ready.status, 200, '/readyz answers in maintenance');
  assert.equal((JSON.parse(ready.body) as { maintenance?: { on: boolean } }).maintenance?.on, true, 'and tells a caller on this machine that maintenance is on');
  const local = await scrapeLocal();
  assert.equal(sample(local, LOGIN_MAINTENANCE), 10, 'METRICS_PORT answers in maintenance, counting the refused pages of both workers');
  assert.equal(sample(await scrapePublic(), LOGIN_MAINTENANCE), 10, '/metrics with the token answers in maintenance');

  const off = await fms(['maintenance', 'off']);
  assert.equal(off.code, 0, off.stderr);
  assert.match(off.stdout, /Maintenance mode is off on every server\./);
  assert.match((await fms(['maintenance', 'status'])).stdout, /^off$/m);
  const after = await Promise.all(Array.from({ length: 10 }, () => get(port, '/login')));
  assert.deepEqual(new Set(after.map((p) => p.status)), new Set([200]), 'every worker serves pages again once the command has returned');
});
