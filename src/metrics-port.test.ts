// A second server whose METRICS_PORT is taken (two FMS on one host with the same fms.env) fails its
// start cleanly: one line naming METRICS_PORT, exit 1, no "FMS is running" banner before it, and no
// half-started server left serving without its shutdown handlers. One process and a primary alike.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

function holdPort(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, port: typeof address === 'object' && address ? address.port : 0 });
    });
  });
}

function serve(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'serve', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // A server that half-started would keep running: the test then fails on the timeout.
    const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

for (const mode of ['development', 'production'] as const) {
  test(`${mode}: METRICS_PORT taken by another process fails the start before the banner`, { timeout: 60_000 }, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'fms-metrics-port-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const taken = await holdPort();
    t.after(() => taken.server.close());
    const env = {
      FMS_CONFIG: mode,
      DEMO_DEPARTMENT: 'false',
      DATABASE_URL: `sqlite:${join(dir, 'fms.sqlite')}`,
      UPLOAD_FOLDER: join(dir, 'uploads'),
      METRICS_PORT: String(taken.port),
      SECRET_KEY: randomBytes(32).toString('hex'),
    };
    if (mode === 'production') {
      const migrated = await new Promise<number | null>((resolve) =>
        spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'migrate'], { env: { ...process.env, ...env }, stdio: 'ignore' }).once('exit', resolve),
      );
      assert.equal(migrated, 0);
    }
    const { code, output } = await serve(['--bind', '127.0.0.1:0'], env);
    assert.equal(code, 1, output);
    assert.match(output, new RegExp(`^fms: METRICS_PORT ${taken.port} is already in use on 127\\.0\\.0\\.1 .*choose another METRICS_PORT`, 'm'));
    assert.doesNotMatch(output, /FMS is running/);
  });
}
