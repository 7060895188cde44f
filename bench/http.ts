// HTTP load benchmark: requests per second and latency for the pages every user hits, on SQLite and
// PostgreSQL, one process and a 2-worker cluster, all in one run so the ratios compare like with
// like. Writes bench/RESULTS.md. Run with `npm run bench` (PostgreSQL from
// scripts/start-test-services.sh is used when FMS_TEST_POSTGRES_URL answers).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import pg from 'pg';

const DURATION = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = 20;
const postgresUrl = process.env.FMS_TEST_POSTGRES_URL;

interface Result {
  setup: string;
  path: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

async function startFms(env: Record<string, string>, workers: number, port: number) {
  const child = spawn(process.execPath, ['bin/fms.js', 'serve', '--workers', String(workers), '--bind', `127.0.0.1:${port}`], {
    env: { ...process.env, ...env, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  for (let i = 0; i < 300 && !out.includes('FMS is running'); i++) await sleep(100);
  if (!out.includes('FMS is running')) throw new Error(`FMS did not start:\n${out}`);
  await sleep(500);
  return child;
}

async function signIn(base: string): Promise<string> {
  const page = await fetch(`${base}/login`);
  const csrfCookie = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const token = /name="csrf-token" content="([^"]+)"/.exec(await page.text())![1]!;
  const response = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: csrfCookie },
    body: new URLSearchParams({ username: 'admin', password: 'fms-demo-dept-head', _csrf: token }),
  });
  const session = response.headers.getSetCookie().find((c) => c.startsWith('fms_session='));
  if (!session) throw new Error(`sign-in failed: ${response.status}`);
  return session.split(';')[0]!;
}

async function load(base: string, path: string, cookie?: string) {
  const result = await autocannon({ url: `${base}${path}`, connections: CONNECTIONS, duration: DURATION, headers: cookie ? { cookie } : {} });
  return { rps: Math.round(result.requests.average), p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

async function freshPostgresDatabase(): Promise<string | null> {
  if (!postgresUrl) return null;
  const name = `fms_bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  try {
    await admin.connect();
    await admin.query(`create database ${name}`);
  } catch {
    return null;
  } finally {
    await admin.end().catch(() => {});
  }
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

const results: Result[] = [];
const dir = mkdtempSync(join(tmpdir(), 'fms-bench-'));
const setups: { name: string; env: Record<string, string>; workers: number }[] = [];
// The demo department is seeded in development mode; the benchmark measures the same code paths
// production runs (production differs only in cookies and headers).
// The limiter stays in the path, with a limit the benchmark never reaches.
const base = { FMS_CONFIG: 'development', RATELIMIT_STORAGE_URI: 'memory://', RATELIMIT_DEFAULT: '10000000 per minute' };
setups.push({ name: 'SQLite, 1 process', env: { ...base, DATABASE_URL: `sqlite:${join(dir, 'one.sqlite')}` }, workers: 1 });
setups.push({ name: 'SQLite, 2 workers', env: { ...base, DATABASE_URL: `sqlite:${join(dir, 'two.sqlite')}` }, workers: 2 });
const pgUrl = await freshPostgresDatabase();
if (pgUrl) {
  setups.push({ name: 'PostgreSQL, 1 process', env: { ...base, DATABASE_URL: pgUrl }, workers: 1 });
  setups.push({ name: 'PostgreSQL, 2 workers', env: { ...base, DATABASE_URL: pgUrl }, workers: 2 });
}

let port = 39400;
try {
  for (const setup of setups) {
    port++;
    const child = await startFms({ ...setup.env, PORT: String(port) }, setup.workers, port);
    try {
      const url = `http://127.0.0.1:${port}`;
      const cookie = await signIn(url);
      for (const [path, withCookie] of [['/healthz', false], ['/login', false], ['/dashboard', true]] as const) {
        const r = await load(url, path, withCookie ? cookie : undefined);
        results.push({ setup: setup.name, path, ...r });
        process.stdout.write(`${setup.name.padEnd(24)} ${path.padEnd(11)} ${String(r.rps).padStart(6)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  errors ${r.errors}\n`);
      }
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
  if (pgUrl && postgresUrl) {
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    await admin.query(`drop database if exists ${new URL(pgUrl).pathname.slice(1)}`);
    await admin.end();
  }
}

const baseline = (path: string) => results.find((r) => r.setup === 'SQLite, 1 process' && r.path === path)?.rps ?? 1;
const lines = [
  '# HTTP benchmark results',
  '',
  `Measured ${new Date().toISOString()} on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; autocannon, ${CONNECTIONS} connections, ${DURATION} s per row, all rows in one run. The rate limiter runs with RATELIMIT_DEFAULT raised out of reach. The load generator, FMS and PostgreSQL share these cores, so on a 2-core machine more workers mostly compete with them.`,
  '',
  '| setup | path | req/s | vs SQLite 1 process | p50 ms | p99 ms | non-2xx + errors |',
  '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
  ...results.map((r) => `| ${r.setup} | \`${r.path}\` | ${r.rps} | ${(r.rps / baseline(r.path)).toFixed(2)}× | ${r.p50} | ${r.p99} | ${r.errors} |`),
  '',
];
writeFileSync(new URL('./RESULTS.md', import.meta.url), lines.join('\n'));
