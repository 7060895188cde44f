// `fms seed-demo --scale` as an operator runs it: its options' messages, what it prints, and that
// it runs in production too, into an empty database only, without a published password.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { before, describe, test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../config/index.js';
import { envSchema, secretVariables } from '../config/schema.js';
import { createDb } from '../db/index.js';
import { migrateOrThrow } from '../db/migrator.js';
import { isOneTimeHash, verifyPassword } from '../lib/passwords.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

// The caller's own configuration must not leak into the commands under test.
const inherited = { ...process.env };
for (const name of Object.keys(envSchema.properties)) delete inherited[name];
for (const name of secretVariables) delete inherited[`${name}_FILE`];
delete inherited.FMS_DEBUG;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function fmsIn(env: Record<string, string>) {
  return (args: string[]) =>
    new Promise<Run>((done, fail) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], { cwd: root, env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      // A guard against a hang on a busy machine, not a speed check.
      const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
      child.on('error', fail);
      child.on('close', (code) => {
        clearTimeout(timer);
        done({ code, stdout, stderr });
      });
    });
}

/** An operator's shell pointed at its own migrated SQLite file and upload folder. */
async function workspace(t: TestContext, extra: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'fms-seed-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const env = { FMS_CONFIG: 'testing', DATABASE_URL: `sqlite:${join(dir, 'fms.sqlite')}`, UPLOAD_FOLDER: join(dir, 'uploads'), DEMO_DEPARTMENT: 'false', LOG_LEVEL: 'silent', ...extra };
  const db = createDb(loadConfig(env, { dotenvDir: false }).database);
  t.after(() => db.destroy());
  await migrateOrThrow(db);
  return { fms: fmsIn(env), db };
}

const failedCleanly = (r: Run, what: string) => {
  assert.notEqual(r.code, 0, `${what} should fail\nstdout: ${r.stdout}`);
  assert.doesNotMatch(r.stderr, /\n\s+at .+:\d+:\d+/, `${what}: no stack trace for an operator`);
};

describe('fms seed-demo --scale', () => {
  before(async () => {
    // tsx compiles the CLI once; later runs read its cache.
    const warm = await fmsIn({})(['--help']);
    assert.equal(warm.code, 0, warm.stderr);
  });

  test('a bad --scale or --seed is refused with a message naming the option, and nothing is written', async (t) => {
    const { fms, db } = await workspace(t);
    const cases: [string[], RegExp][] = [
      [['--scale', 'huge'], /^fms: --scale huge: Choose small, medium or large\.$/m],
      [['--scale', 'small', '--seed', '-1'], /^fms: --seed -1: Give the seed as a whole number from 0 to 2,147,483,647/m],
      [['--scale', 'small', '--seed', 'x'], /^fms: --seed x: Give the seed as a whole number/m],
      [['--scale', 'small', '--seed', '1.5'], /^fms: --seed 1\.5: Give the seed as a whole number/m],
      [['--seed', '5'], /^fms: --seed needs --scale/m],
    ];
    for (const [args, message] of cases) {
      const r = await fms(['seed-demo', ...args]);
      failedCleanly(r, `seed-demo ${args.join(' ')}`);
      assert.match(r.stderr, message);
    }
    assert.equal((await db.selectFrom('users').select('id').execute()).length, 0);
  });

  test('small seeds in production, prints the sizes, the time and a one-time admin password that works; a second run is refused', async (t) => {
    const { fms, db } = await workspace(t, { FMS_CONFIG: 'production', SECRET_KEY: randomBytes(32).toString('hex') });
    const first = await fms(['seed-demo', '--scale', 'small', '--seed', '3']);
    assert.equal(first.code, 0, `seed-demo --scale small\nstdout: ${first.stdout}\nstderr: ${first.stderr}`);
    assert.match(first.stdout, /Seeded a generated department \(scale small, seed 3\) in \d+\.\d s/);
    assert.match(first.stdout, /500 students in 20 groups, 30 lecturers/);
    const login = /^ {2}(\S+) \/ ([A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4})$/m.exec(first.stdout);
    assert.ok(login, `prints the admin's sign-in\n${first.stdout}`);
    const admin = await db.selectFrom('users').select(['passwordHash', 'role', 'mustChangePassword']).where('username', '=', login[1]!).executeTakeFirstOrThrow();
    assert.equal(admin.role, 'admin');
    assert.ok(await verifyPassword(admin.passwordHash, login[2]!), 'the printed password signs in');
    assert.equal(admin.mustChangePassword, true, 'and is replaced at the first sign-in');
    const hashes = await db.selectFrom('users').select('passwordHash').execute();
    assert.equal(hashes.length, 531);
    assert.ok(hashes.every((u) => isOneTimeHash(u.passwordHash)), 'every account has a random one-time password');

    const second = await fms(['seed-demo', '--scale', 'small']);
    failedCleanly(second, 'seed-demo --scale small again');
    assert.match(second.stderr, /already has accounts/);
    assert.equal((await db.selectFrom('users').select('id').execute()).length, 531, 'nothing was added the second time');
  });

  test('without --scale, production still refuses the demo department and its published passwords', async (t) => {
    const { fms, db } = await workspace(t, { FMS_CONFIG: 'production', SECRET_KEY: randomBytes(32).toString('hex') });
    const r = await fms(['seed-demo']);
    failedCleanly(r, 'seed-demo in production');
    assert.match(r.stderr, /published passwords and is never seeded in production/);
    assert.equal((await db.selectFrom('users').select('id').execute()).length, 0);
  });
});
