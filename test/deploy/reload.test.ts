// `systemctl reload fms` (SIGHUP to the primary of `fms serve`), as the unit does it, behind nginx
// rendered from the shipped deploy/nginx/fms.conf, under steady load from signed-in browsers:
// every worker is replaced by one started from the code on disk, and no request fails. A reload
// onto code whose migration has not run is refused: the old workers keep serving, the log says why.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { sql } from 'kysely';
import { createDb } from '../../src/db/index.js';
import { workersOf } from '../../src/lib/serve-workers.js';
import { waitFor } from '../wait-for.js';
import {
  adminUsername,
  CookieJar,
  findTool,
  httpFetch,
  httpsFetch,
  missingTool,
  prepareDatabase,
  productionConfig,
  repoRoot,
  signIn,
  startNginx,
  tempDir,
} from './harness.js';

const nginx = findTool('nginx');
const openssl = findTool('openssl');
const skip = !nginx ? missingTool('nginx', 'nginx') : !openssl ? missingTool('openssl', 'openssl') : false;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Workers start and stop slowly under load: a minute before a wait fails. */
const slowly = { timeoutMs: 60_000, everyMs: 100 };

test('systemctl reload (SIGHUP) under load through nginx refuses no request', { skip, timeout: 180_000 }, async (t) => {
  const dir = tempDir(t, 'fms-reload-');
  const socket = join(dir, 'fms.sock');
  const env = {
    FMS_CONFIG: 'production',
    SECRET_KEY: randomBytes(32).toString('hex'),
    DATABASE_URL: `sqlite:${join(dir, 'fms.sqlite')}`,
    UPLOAD_FOLDER: join(dir, 'uploads'),
    TRUST_PROXY: 'unix',
    DEMO_DEPARTMENT: 'false',
    LOG_LEVEL: 'warn',
    LOG_FILE: join(dir, 'logs', 'fms.log'),
    SHUTDOWN_GRACE: '10s',
    // Four browsers from one address for a minute or more: above the default budget of one client.
    RATELIMIT_DEFAULT: '100000 per minute',
  };
  const config = productionConfig(env);
  const admin = { username: adminUsername, password: `reload-suite-${randomBytes(9).toString('hex')}` };
  await prepareDatabase(config, admin);

  // As the unit starts it: the shipped ExecStart's options, under the unit's UMask.
  let output = '';
  const primary: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'serve', '--workers', '2', '--bind', `unix:${socket}`, '--umask', '007'], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  primary.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  primary.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => primary.once('exit', (code) => resolve(code)));
  t.after(() => {
    if (primary.exitCode === null) primary.kill('SIGKILL');
  });
  const log = () => readdirSync(join(dir, 'logs')).map((f) => readFileSync(join(dir, 'logs', f), 'utf8')).join('');
  /** Another `fms` command, run as the unit's ExecStartPost and ExecReload run it. */
  const fms = (args: string[]) =>
    new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.once('exit', (code) => resolve({ code, output: text }));
    });
  const ready = await fms(['wait-ready', '--bind', `unix:${socket}`, '--timeout', '60']);
  assert.equal(ready.code, 0, `fms wait-ready: ${ready.output}\nserver: ${output}`);
  assert.match(ready.output, /is ready/);
  await waitFor('two workers listening', async () => workersOf(primary.pid!).length === 2 && (await httpFetch({ socketPath: socket }, '/healthz')).status === 200, slowly);
  assert.equal(statSync(socket).mode & 0o777, 0o660, 'the socket is the one thing the web server\'s group may open');

  const proxy = await startNginx(t, nginx!, { upstreams: [`unix:${socket}`], openssl: openssl! });
  const jar = new CookieJar();
  const signedIn = await signIn(proxy.httpsPort, jar, admin);
  assert.equal(signedIn.status, 303, signedIn.text.slice(0, 300));

  /** Four browsers loading pages through nginx until told to stop; every answer is kept. */
  const load = () => {
    const results: { status: number; at: number; what?: string }[] = [];
    let running = true;
    const loop = async (path: string) => {
      while (running) {
        const response = await httpsFetch(proxy.httpsPort, path, { headers: { cookie: jar.header() } }).catch((error: Error) => ({ status: 0, text: error.message }));
        results.push({ status: response.status, at: Date.now(), ...(response.status === 200 ? {} : { what: `${path}: ${response.text.slice(0, 160)}` }) });
        await sleep(10);
      }
    };
    const loops = ['/dashboard', '/students', '/groups', '/lecturers'].map(loop);
    return {
      results,
      stop: async () => {
        running = false;
        await Promise.all(loops);
      },
    };
  };

  await t.test('every worker is replaced, one after the other, and every request is answered', async () => {
    const before = workersOf(primary.pid!);
    const traffic = load();
    await sleep(500);
    const sentAt = Date.now();
    // What the unit's ExecReload runs: it sends SIGHUP and returns once the reload is done.
    const reload = await fms(['reload', '--pid', String(primary.pid)]);
    const doneAt = Date.now();
    assert.equal(reload.code, 0, reload.output);
    assert.match(reload.output, /^Reloaded in [\d.]+ s: workers \d+, \d+ replaced by \d+, \d+$/m);
    assert.match(log(), /reload complete/);
    await sleep(500);
    await traffic.stop();

    const failures = traffic.results.filter((r) => r.status !== 200);
    assert.deepEqual(failures, [], `${failures.length} of ${traffic.results.length} requests failed`);
    const during = traffic.results.filter((r) => r.at >= sentAt && r.at <= doneAt).length;
    assert.ok(during >= 20, `only ${during} requests were answered during the reload: the test proves too little`);
    const after = workersOf(primary.pid!);
    assert.equal(after.length, 2, `two workers after the reload: ${after.join(', ')}`);
    assert.ok(after.every((pid) => !before.includes(pid)), `old workers ${before.join(', ')} are gone, new ${after.join(', ')}`);
  });

  await t.test('a reload onto code whose migration has not run is refused, and the old workers keep serving', async () => {
    // The code on disk expects a migration the database has not had: the shape of an upgrade
    // whose `fms migrate` was forgotten.
    const db = createDb(config.database);
    const last = await sql<{ name: string; timestamp: string }>`select name, timestamp from fms_migrations order by name desc limit 1`.execute(db);
    const migration = last.rows[0]!;
    await sql`delete from fms_migrations where name = ${migration.name}`.execute(db);
    try {
      const before = workersOf(primary.pid!);
      const traffic = load();
      await sleep(300);
      const reload = await fms(['reload', '--pid', String(primary.pid)]);
      assert.equal(reload.code, 1, reload.output);
      assert.match(reload.output, new RegExp(`^fms: The reload was refused: The database has 1 pending migration\\(s\\) \\(${migration.name}\\).*fms migrate.*The old workers keep serving`, 'm'));
      await waitFor('the reload to fail', () => /reload failed/.test(log()), slowly);
      await waitFor('the refused workers to leave', () => workersOf(primary.pid!).length === 2, slowly);
      await sleep(300);
      await traffic.stop();
      const failures = traffic.results.filter((r) => r.status !== 200);
      assert.deepEqual(failures, [], `${failures.length} of ${traffic.results.length} requests failed`);
      assert.deepEqual(workersOf(primary.pid!), before, 'the same workers serve');
      const line = log().split('\n').find((l) => l.includes('reload failed'))!;
      assert.match(line, new RegExp(`pending migration.*${migration.name}.*fms migrate`));
    } finally {
      await sql`insert into fms_migrations (name, timestamp) values (${migration.name}, ${migration.timestamp})`.execute(db);
      await db.destroy();
    }
  });

  await t.test('SIGTERM still drains and exits 0 after reloads', async () => {
    primary.kill('SIGTERM');
    assert.equal(await exited, 0, output);
  });
  await proxy.stop();
});
