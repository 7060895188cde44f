// F9, as an operator meets it: `fms serve` on a host that sets NODE_ENV=production (PaaS, many
// systemd units) but not FMS_CONFIG runs as production, with production's refusals, and never as
// development with its demo department and published passwords.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { envSchema, secretVariables } from './schema.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

// The caller's own configuration must not leak into the command under test.
const inherited = { ...process.env };
for (const name of [...Object.keys(envSchema.properties), 'NODE_ENV', 'FMS_DEBUG']) delete inherited[name];
for (const name of secretVariables) delete inherited[`${name}_FILE`];

function serve(t: TestContext, env: Record<string, string>, stopWhen?: RegExp): Promise<{ code: number | null; stdout: string; stderr: string; database: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'fms-node-env-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const database = join(dir, 'fms.sqlite');
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'serve', '--bind', '127.0.0.1:0'], {
      cwd: root,
      env: { ...inherited, DATABASE_URL: `sqlite:${database}`, UPLOAD_FOLDER: join(dir, 'uploads'), LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (stopWhen?.test(stdout)) child.kill('SIGTERM');
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    // A server that did start (the failure this guards against) is stopped after a while.
    const timer = setTimeout(() => child.kill('SIGTERM'), 20_000);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr, database });
    });
  });
}

describe('NODE_ENV=production without FMS_CONFIG', () => {
  test('fms serve without SECRET_KEY stops at once with one line naming SECRET_KEY, and seeds nothing', async (t) => {
    const r = await serve(t, { NODE_ENV: 'production' });
    assert.notEqual(r.code, 0, r.stdout + r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /SECRET_KEY is missing.*openssl rand -hex 32/);
    assert.doesNotMatch(r.stdout, /development mode|Demo logins|fms-demo/);
    assert.ok(!existsSync(r.database), 'no database was created, let alone seeded');
  });

  test('fms serve with a good SECRET_KEY applies production rules: no migrating, no demo department', async (t) => {
    const r = await serve(t, { NODE_ENV: 'production', SECRET_KEY: randomBytes(32).toString('hex') });
    assert.notEqual(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stderr, /pending migration.*run `fms migrate`/);
    assert.doesNotMatch(r.stdout, /development mode|Seeded the demo department|Demo logins|fms-demo/);
  });

  test('an explicit FMS_CONFIG=development still wins', async (t) => {
    const r = await serve(t, { NODE_ENV: 'production', FMS_CONFIG: 'development' }, /running at/);
    assert.match(r.stdout, /FMS is running at .* \(development mode/, r.stderr);
  });
});
