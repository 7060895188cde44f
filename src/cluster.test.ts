// `fms serve --workers 2 --bind unix:… --umask 007` as systemd runs it: workers share the socket,
// a killed worker is replaced, SIGTERM lets a slow in-flight request finish and exits 0, and with
// LOG_FILE every process's lines land in the one rotated file.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { workersOf } from './lib/serve-workers.js';
import { waitFor as waitUntil } from '../test/wait-for.js';

function get(socketPath: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Processes start slowly on a loaded machine: wait up to 30 s. */
const waitFor = (what: string, check: () => boolean | Promise<boolean>) => waitUntil(what, check, { timeoutMs: 30_000, everyMs: 100 });

test('a cluster of workers on a unix socket: shared, self-healing, draining on SIGTERM, one log file', { timeout: 90_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fms-cluster-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const socket = join(dir, 'fms.sock');
  const logFile = join(dir, 'logs', 'fms.log');
  let output = '';
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'serve', '--workers', '2', '--bind', `unix:${socket}`, '--umask', '007'], {
    env: { ...process.env, FMS_CONFIG: 'development', DEMO_DEPARTMENT: 'false', DATABASE_URL: `sqlite:${join(dir, 'fms.sqlite')}`, LOG_FILE: logFile, LOG_LEVEL: 'info', SHUTDOWN_GRACE: '20s' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (c) => (output += c));
  child.stderr!.on('data', (c) => (output += c));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  t.after(() => child.kill('SIGKILL'));

  await waitFor('the banner', () => output.includes('FMS is running at unix:'));
  assert.match(output, /2 workers/);
  await waitFor('two workers', () => workersOf(child.pid!).length === 2);
  // Until a worker listens it holds no share of the socket: wait for both before killing one.
  const listening = () =>
    existsSync(join(dir, 'logs'))
      ? readdirSync(join(dir, 'logs')).map((f) => readFileSync(join(dir, 'logs', f), 'utf8')).join('').split('Server listening at').length - 1
      : 0;
  await waitFor('both workers listening', () => listening() >= 2);
  assert.equal(statSync(socket).mode & 0o777, 0o660, '--umask 007: the socket is rw for owner and group only');
  // --umask concerns the socket only: the rest keeps the process's own umask (the test's 022) or stricter.
  for (const f of readdirSync(join(dir, 'logs'))) assert.equal(statSync(join(dir, 'logs', f)).mode & 0o077, 0, `log file ${f} is for FMS's user only`);
  assert.equal((await get(socket, '/healthz')).status, 200);

  // A killed worker is replaced, and the socket keeps answering meanwhile.
  const [victim] = workersOf(child.pid!);
  process.kill(victim!, 'SIGKILL');
  await waitFor('a replacement worker', () => {
    const now = workersOf(child.pid!);
    return now.length === 2 && !now.includes(victim!);
  });
  await waitFor('the replacement listening', () => listening() >= 3);
  for (let i = 0; i < 5; i++) assert.equal((await get(socket, '/healthz')).status, 200);

  // An upload in flight when SIGTERM arrives still gets its answer; then the server exits 0.
  // The upload asks before sending its body (Expect: 100-continue, as curl does for large files): the
  // "100 Continue" comes from a worker's HTTP server, proof that the request reached a worker.
  const body = `username=slow&password=${'x'.repeat(17)}`;
  let reachedWorker = false;
  const slowRequest = request({
    socketPath: socket,
    path: '/login',
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(body.length), expect: '100-continue' },
  });
  slowRequest.on('continue', () => (reachedWorker = true));
  const slow = new Promise<number>((resolve, reject) => {
    slowRequest.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    slowRequest.on('error', reject);
  });
  slowRequest.flushHeaders();
  await waitFor('the upload to reach a worker (100 Continue)', () => reachedWorker);
  child.kill('SIGTERM');
  // The socket file goes once no worker listens any more: every worker is draining, ours included,
  // and only now does the body arrive.
  await waitFor('the workers to stop listening (the socket file removed)', () => !existsSync(socket));
  slowRequest.end(body);
  const status = await slow;
  assert.ok(status >= 200 && status < 500, `the in-flight request was answered (${status}), not dropped`);
  assert.equal(await exited, 0, output);

  const logged = readdirSync(join(dir, 'logs')).map((f) => readFileSync(join(dir, 'logs', f), 'utf8')).join('');
  const lines = logged.trim().split('\n').map((l) => JSON.parse(l) as { msg?: string; url?: string; role?: string });
  assert.ok(lines.some((l) => l.msg === 'request' && l.url === '/healthz'), 'workers\' request lines are in the file');
  assert.ok(lines.some((l) => l.role === 'primary' && /worker died/.test(l.msg ?? '')), 'the primary logged the replacement');
  assert.ok(!output.includes('"msg":"request"'), 'with LOG_FILE nothing is logged to stdout');
});
