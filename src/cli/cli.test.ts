// The `fms` command as an operator runs it: a separate process, its exit code, what it prints on
// stdout and stderr, and what it leaves in the database.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { before, describe, test, type TestContext } from 'node:test';
import { readMaintenance } from '../ops/maintenance.js';
import { MAINTENANCE_READ_EVERY_MS } from '../plugins/maintenance.js';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../app.js';
import { loadConfig } from '../config/index.js';
import { envSchema, secretVariables } from '../config/schema.js';
import { createDb, type Db } from '../db/index.js';
import { migrateOrThrow } from '../db/migrator.js';
import { isOneTimeHash, verifyPassword } from '../lib/passwords.js';
import { demoAccountsWithPublishedPasswords } from '../seeds/demo-accounts.js';
import { demoUsernames } from '../seeds/demo.js';
import { demoLogins } from '../seeds/demo-logins.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const GOOD_PASSWORD = 'quiet lantern orbit 7 velvet harbor';
const ONE_TIME_PASSWORD = /[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}/;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** run() killed it: it was still running when its time was up. */
  timedOut: boolean;
}

// The caller's own configuration must not leak into the commands under test.
const inherited = { ...process.env };
for (const name of Object.keys(envSchema.properties)) delete inherited[name];
for (const name of secretVariables) delete inherited[`${name}_FILE`];
delete inherited.FMS_DEBUG;

function run(command: string[], options: { env?: Record<string, string>; input?: string; timeoutMs?: number } = {}): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, command, {
      cwd: root,
      env: { ...inherited, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    // A guard against a hang, not a speed check: on two cores shared by a whole team's test runs, a
    // command that takes 2 s on an idle machine took more than 30 s to load through tsx.
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 120_000);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr, timedOut });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** An operator's shell pointed at its own SQLite file. */
function workspace(t: TestContext, mode: 'development' | 'testing' = 'testing') {
  const dir = mkdtempSync(join(tmpdir(), 'fms-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const env = { FMS_CONFIG: mode, DATABASE_URL: `sqlite:${join(dir, 'fms.sqlite')}`, DEMO_DEPARTMENT: 'false', LOG_LEVEL: 'silent' };
  const fms = (args: string[], options: { input?: string; env?: Record<string, string>; timeoutMs?: number } = {}) =>
    run(['--import', 'tsx', 'src/cli/index.ts', ...args], { input: options.input, env: { ...env, ...options.env }, timeoutMs: options.timeoutMs });
  /** Opens the same database in this process, to look at what a command left there. */
  const open = (): Db => {
    const db = createDb(loadConfig(env, { dotenvDir: false }).database);
    t.after(() => db.destroy());
    return db;
  };
  const migrate = async () => {
    const db = createDb(loadConfig(env, { dotenvDir: false }).database);
    try {
      await migrateOrThrow(db);
    } finally {
      await db.destroy();
    }
  };
  return { dir, env, fms, open, migrate };
}

const ok = (r: Run, what: string) =>
  assert.equal(r.code, 0, `${what} ${r.timedOut ? 'was still running when its time was up' : `exited ${r.code}`}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
const failed = (r: Run, what: string) => {
  // A command that hangs until it is killed has not failed the way an operator needs: it must stop.
  assert.equal(r.timedOut, false, `${what} should fail, but it was still running when its time was up\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  assert.notEqual(r.code, 0, `${what} should fail\nstdout: ${r.stdout}`);
  assert.doesNotMatch(r.stderr, /\n\s+at .+:\d+:\d+/, `${what}: no stack trace for an operator`);
};

describe('fms', { concurrency: 3 }, () => {
  // One CLI alone first: on a fresh clone tsx compiles every source file once (then caches it),
  // and the tests below start several CLIs at once, each with its own time limit.
  before(async () => {
    const warm = await run(['--import', 'tsx', 'src/cli/index.ts', '--help'], { timeoutMs: 180_000 });
    ok(warm, 'fms --help (warming the compile cache)');
  });

  test('--help of the program and of every command exits 0 and names the options', async () => {
    const pages: [string[], RegExp[]][] = [
      [['--help'], [/Usage: fms/, /serve/, /migrate/, /seed-demo/, /user/, /token/]],
      [['serve', '--help'], [/Usage: fms serve/, /--bind <address>/]],
      [['migrate', '--help'], [/Usage: fms migrate/, /--status/]],
      [['seed-demo', '--help'], [/Usage: fms seed-demo/, /demo department/]],
      [['user', '--help'], [/create/, /reset-password/, /disable/, /enable/]],
      [['user', 'create', '--help'], [/--username <name>/, /--role <role>/, /admin, lecturer or student/, /--display-name <name>/, /--password-stdin/]],
      [['user', 'reset-password', '--help'], [/Usage: fms user reset-password .*<username>/, /one-time password/]],
      [['user', 'disable', '--help'], [/Usage: fms user disable .*<username>/, /sessions/]],
      [['user', 'enable', '--help'], [/Usage: fms user enable .*<username>/]],
      [['token', 'create', '--help'], [/Usage: fms token create/, /--username <name>/, /--name <name>/, /--expires-in-days <days>/]],
    ];
    // Three at a time: each process loads the whole CLI through tsx, and ten at once on two
    // cores (beside the other tests of this file) can take longer than run()'s time limit.
    const runs: Run[] = [];
    for (let i = 0; i < pages.length; i += 3)
      runs.push(...(await Promise.all(pages.slice(i, i + 3).map(([args]) => run(['--import', 'tsx', 'src/cli/index.ts', ...args])))));
    pages.forEach(([args, expected], i) => {
      const r = runs[i]!;
      ok(r, `fms ${args.join(' ')}`);
      for (const pattern of expected) assert.match(r.stdout, pattern, `fms ${args.join(' ')} mentions ${pattern}`);
    });
  });

  test('bin/fms.js runs the CLI (compiled, or the sources through tsx)', async () => {
    const r = await run(['bin/fms.js', '--help']);
    ok(r, 'bin/fms.js --help');
    assert.match(r.stdout, /Usage: fms/);
    assert.match(r.stdout, /migrate/);
  });

  test('an unknown command fails and says so', async () => {
    const r = await run(['--import', 'tsx', 'src/cli/index.ts', 'frobnicate']);
    failed(r, 'fms frobnicate');
    assert.match(r.stderr, /unknown command 'frobnicate'/);
    assert.equal(r.stdout, '');
  });

  test('maintenance on/off return once every server follows the switch (it is read every 3 s), or at once with --no-wait', async (t) => {
    const { fms, migrate, open } = workspace(t);
    await migrate();
    const db = open();
    const started = Date.now();
    const on = await fms(['maintenance', 'on', '--message', 'Back at ten.']);
    ok(on, 'maintenance on');
    assert.ok(Date.now() - started >= MAINTENANCE_READ_EVERY_MS, 'returned before every server could have read the switch');
    assert.match(on.stdout, /^Maintenance mode is on on every server: "Back at ten\."$/m);
    assert.ok(await readMaintenance({ db }));
    const off = await fms(['maintenance', 'off', '--no-wait']);
    ok(off, 'maintenance off --no-wait');
    assert.match(off.stdout, /^Maintenance mode is off \(every server within a few seconds\)\.$/m);
    assert.equal(await readMaintenance({ db }), null);
  });

  test('migrate --status lists pending migrations, migrate applies them, then the database is up to date', async (t) => {
    const { fms } = workspace(t);
    const before = await fms(['migrate', '--status']);
    ok(before, 'migrate --status');
    assert.match(before.stdout, /^pending {2}0001_create_platform_schema$/m);
    assert.match(before.stdout, /pending: run `fms migrate`/);

    const apply = await fms(['migrate']);
    ok(apply, 'migrate');
    assert.match(apply.stdout, /Applied \d+ migration\(s\):\n {2}0001_create_platform_schema/);

    const after = await fms(['migrate', '--status']);
    ok(after, 'migrate --status after migrate');
    assert.match(after.stdout, /^applied {2}0001_create_platform_schema {2}\d{4}-\d\d-\d\dT/m);
    assert.doesNotMatch(after.stdout, /^pending/m);
    assert.match(after.stdout, /The database is up to date\./);
  });

  test('a command against a missing or unmigrated database says to run fms migrate, and creates nothing', async (t) => {
    const { fms, dir, open } = workspace(t);
    const missing = await fms(['user', 'create', '--username', 'early.bird', '--role', 'admin']);
    failed(missing, 'user create without a database');
    assert.match(missing.stderr, /There is no database at .*fms\.sqlite.*DATABASE_URL.*`fms migrate`/);
    assert.equal(missing.stdout, '');
    assert.ok(!existsSync(join(dir, 'fms.sqlite')), 'a mistyped path does not leave an empty database behind');

    await open().destroy(); // an empty database file, as after a failed first deployment
    const r = await fms(['user', 'create', '--username', 'early.bird', '--role', 'admin']);
    failed(r, 'user create before migrate');
    assert.match(r.stderr, /pending migration.*run `fms migrate`/);
    assert.equal(r.stdout, '');
  });

  test('seed-demo seeds an empty database once and refuses a second time', async (t) => {
    const { fms, migrate, open } = workspace(t);
    await migrate();
    const first = await fms(['seed-demo']);
    ok(first, 'seed-demo');
    assert.match(first.stdout, /Seeded the demo department/);
    for (const login of demoLogins) assert.ok(first.stdout.includes(`${login.username} / ${login.password}`), `prints the ${login.role} login`);
    const db = open();
    const admin = await db.selectFrom('users').select(['passwordHash', 'role']).where('username', '=', 'admin').executeTakeFirstOrThrow();
    assert.equal(admin.role, 'admin');
    assert.ok(await verifyPassword(admin.passwordHash, demoLogins.find((l) => l.role === 'admin')!.password), 'the printed admin password works');
    const users = (await db.selectFrom('users').select('id').execute()).length;

    const second = await fms(['seed-demo']);
    failed(second, 'seed-demo again');
    assert.match(second.stderr, /already has accounts/);
    assert.equal((await db.selectFrom('users').select('id').execute()).length, users, 'nothing was added the second time');
  });

  test('seed-demo --scale: a bad --scale or --seed is refused with a message naming the option, and nothing is written', async (t) => {
    const { fms, migrate, open } = workspace(t);
    await migrate();
    const cases: [string[], RegExp][] = [
      [['--scale', 'huge'], /^fms: --scale huge: Choose small, medium or large\.$/m],
      [['--scale', 'small', '--seed', '-1'], /^fms: --seed -1: Give the seed as a whole number from 0 to 2,147,483,647/m],
      [['--scale', 'small', '--seed', 'x'], /^fms: --seed x: Give the seed as a whole number/m],
      [['--scale', 'small', '--seed', '1.5'], /^fms: --seed 1\.5: Give the seed as a whole number/m],
      [['--seed', '5'], /^fms: --seed needs --scale/m],
    ];
    for (const [args, message] of cases) {
      const r = await fms(['seed-demo', ...args]);
      failed(r, `seed-demo ${args.join(' ')}`);
      assert.match(r.stderr, message);
    }
    assert.equal((await open().selectFrom('users').select('id').execute()).length, 0);
  });

  test('seed-demo --scale small seeds in production, prints the sizes, the time and a one-time admin password that works; a second run is refused', async (t) => {
    const { fms, migrate, open, dir } = workspace(t);
    await migrate();
    const production = { FMS_CONFIG: 'production', SECRET_KEY: randomBytes(32).toString('hex'), UPLOAD_FOLDER: join(dir, 'uploads') };
    // A guard against a hang on a busy machine, not a speed check: the small seed took up to 180 s there.
    const first = await fms(['seed-demo', '--scale', 'small', '--seed', '3'], { env: production, timeoutMs: 180_000 });
    ok(first, 'seed-demo --scale small');
    assert.match(first.stdout, /Seeded a generated department \(scale small, seed 3\) in \d+\.\d s/);
    assert.match(first.stdout, /500 students in 20 groups, 30 lecturers/);
    const login = /^ {2}(\S+) \/ ([A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4})$/m.exec(first.stdout);
    assert.ok(login, `prints the admin's sign-in\n${first.stdout}`);
    const db = open();
    const admin = await db.selectFrom('users').select(['passwordHash', 'role', 'mustChangePassword']).where('username', '=', login[1]!).executeTakeFirstOrThrow();
    assert.equal(admin.role, 'admin');
    assert.ok(await verifyPassword(admin.passwordHash, login[2]!), 'the printed password signs in');
    assert.equal(admin.mustChangePassword, true, 'and is replaced at the first sign-in');
    const hashes = await db.selectFrom('users').select('passwordHash').execute();
    assert.equal(hashes.length, 531);
    assert.ok(hashes.every((u) => isOneTimeHash(u.passwordHash)), 'every account has a random one-time password');

    const second = await fms(['seed-demo', '--scale', 'small'], { env: production });
    failed(second, 'seed-demo --scale small again');
    assert.match(second.stderr, /already has accounts/);
    assert.equal((await db.selectFrom('users').select('id').execute()).length, 531, 'nothing was added the second time');
  });

  test('seed-demo without --scale: production still refuses the demo department and its published passwords', async (t) => {
    const { fms, migrate, open, dir } = workspace(t);
    await migrate();
    const r = await fms(['seed-demo'], { env: { FMS_CONFIG: 'production', SECRET_KEY: randomBytes(32).toString('hex'), UPLOAD_FOLDER: join(dir, 'uploads') } });
    failed(r, 'seed-demo in production');
    assert.match(r.stderr, /published passwords and is never seeded in production/);
    assert.equal((await open().selectFrom('users').select('id').execute()).length, 0);
  });

  test('user create prints a one-time password that works; --password-stdin takes a good one and refuses weak ones', async (t) => {
    const { fms, migrate, open } = workspace(t);
    await migrate();
    const db = open();
    const account = (username: string) => db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();

    const created = await fms(['user', 'create', '--username', 'l.novak', '--role', 'lecturer', '--display-name', 'Lena Novak']);
    ok(created, 'user create');
    assert.match(created.stdout, /Created lecturer account "l\.novak"/);
    const otp = ONE_TIME_PASSWORD.exec(created.stdout)?.[0];
    assert.ok(otp, `a one-time password is printed: ${created.stdout}`);
    const lecturer = await account('l.novak');
    assert.ok(lecturer);
    assert.equal(lecturer.role, 'lecturer');
    assert.equal(lecturer.displayName, 'Lena Novak');
    assert.equal(lecturer.mustChangePassword, true, 'a one-time password must be changed at the first sign-in');
    assert.ok(await verifyPassword(lecturer.passwordHash, otp));

    const chosen = await fms(['user', 'create', '--username', 'a.admin', '--role', 'admin', '--password-stdin'], { input: `${GOOD_PASSWORD}\n` });
    ok(chosen, 'user create --password-stdin');
    assert.doesNotMatch(chosen.stdout, ONE_TIME_PASSWORD, 'no one-time password when one was given');
    const admin = await account('a.admin');
    assert.ok(admin);
    assert.equal(admin.mustChangePassword, false);
    assert.ok(await verifyPassword(admin.passwordHash, GOOD_PASSWORD), 'the trailing newline is not part of the password');

    for (const [password, message] of [
      ['qwerty123456', /password: This password is on a list of common or breached passwords/],
      ['1Q2W3E4R5T6Y', /password: This password is on a list of common or breached passwords/],
      ['short pw', /password: Use at least 12 characters\./],
      ['s.weak-and-long-enough', /password: The password must not contain your username\./],
    ] as const) {
      const weak = await fms(['user', 'create', '--username', 's.weak', '--role', 'student', '--password-stdin'], { input: `${password}\n` });
      failed(weak, `user create with "${password}"`);
      assert.match(weak.stderr, message);
      assert.equal(weak.stdout, '');
    }
    assert.equal(await account('s.weak'), undefined, 'no account was made with a weak password');
  });

  test('user create refuses a taken username and an unknown role', async (t) => {
    const { fms, migrate, open } = workspace(t);
    await migrate();
    ok(await fms(['user', 'create', '--username', 'taken', '--role', 'student']), 'first user create');

    const [duplicate, badRole, missingRole] = await Promise.all([
      fms(['user', 'create', '--username', 'TAKEN', '--role', 'lecturer']),
      fms(['user', 'create', '--username', 'newcomer', '--role', 'teacher']),
      fms(['user', 'create', '--username', 'newcomer2']),
    ]);
    failed(duplicate, 'duplicate username');
    assert.match(duplicate.stderr, /username.*"taken" is taken/);
    failed(badRole, 'bad role');
    assert.match(badRole.stderr, /role: .*admin, lecturer or student/);
    failed(missingRole, 'missing --role');
    assert.match(missingRole.stderr, /--role <role>/);

    const rows = await open().selectFrom('users').select(['username', 'role']).execute();
    assert.deepEqual(rows, [{ username: 'taken', role: 'student' }]);
  });

  test('user reset-password prints a new one-time password and the old one stops working', async (t) => {
    const { fms, migrate, open } = workspace(t);
    await migrate();
    ok(await fms(['user', 'create', '--username', 's.ivanova', '--role', 'student', '--password-stdin'], { input: GOOD_PASSWORD }), 'user create');

    const reset = await fms(['user', 'reset-password', 's.ivanova']);
    ok(reset, 'user reset-password');
    const otp = ONE_TIME_PASSWORD.exec(reset.stdout)?.[0];
    assert.ok(otp, `prints a one-time password: ${reset.stdout}`);
    assert.match(reset.stdout, /s\.ivanova/);
    const user = await open().selectFrom('users').selectAll().where('username', '=', 's.ivanova').executeTakeFirstOrThrow();
    assert.equal(user.mustChangePassword, true);
    assert.ok(await verifyPassword(user.passwordHash, otp));
    assert.equal(await verifyPassword(user.passwordHash, GOOD_PASSWORD), false);

    const unknown = await fms(['user', 'reset-password', 'nobody.here']);
    failed(unknown, 'reset-password of an unknown user');
    assert.match(unknown.stderr, /No account named "nobody\.here"/);
  });

  test('token create prints only a working token; a disabled account gets none and its tokens are revoked for good', async (t) => {
    const { fms, migrate, open, env } = workspace(t);
    await migrate();
    // An account still holding its one-time password gets no token: its tokens would wait for a
    // chosen password (as its pages do), so one made now would not work.
    ok(await fms(['user', 'create', '--username', 'l.new', '--role', 'lecturer']), 'user create');
    const early = await fms(['token', 'create', '--username', 'l.new', '--name', 'too early']);
    assert.notEqual(early.code, 0);
    assert.match(early.stderr, /still has a one-time password/);
    assert.equal(early.stdout, '', 'no token printed');
    ok(await fms(['user', 'create', '--username', 'l.petrov', '--role', 'lecturer', '--display-name', 'Lev Petrov', '--password-stdin'], { input: `${GOOD_PASSWORD}\n` }), 'user create');

    const created = await fms(['token', 'create', '--username', 'l.petrov', '--name', 'grading script']);
    ok(created, 'token create');
    assert.match(created.stdout, /^fms_[A-Za-z0-9_-]{20,}\n$/, 'stdout is the token alone on one line, ready for $(fms token create …)');
    const token = created.stdout.trim();

    const db = open();
    const app = await buildApp({ config: loadConfig(env, { dotenvDir: false }), db, logger: false });
    t.after(() => app.close());
    const me = () => app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
    const response = await me();
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.json().username, 'l.petrov');
    assert.equal(response.json().role, 'lecturer');
    assert.equal(response.json().displayName, 'Lev Petrov');

    const disabled = await fms(['user', 'disable', 'l.petrov']);
    ok(disabled, 'user disable');
    assert.match(disabled.stdout, /"l\.petrov" is disabled/);
    assert.equal((await me()).statusCode, 401, 'the existing token stops working');

    const refused = await fms(['token', 'create', '--username', 'l.petrov']);
    failed(refused, 'token create for a disabled account');
    assert.match(refused.stderr, /disabled.*fms user enable l\.petrov/);
    assert.equal(refused.stdout, '', 'no token is printed');

    ok(await fms(['user', 'enable', 'l.petrov']), 'user enable');
    assert.equal((await me()).statusCode, 401, 'enabled again, the old token stays revoked');
    const fresh = await fms(['token', 'create', '--username', 'l.petrov', '--name', 'after enabling']);
    ok(fresh, 'token create after enabling');
    const again = await app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${fresh.stdout.trim()}` } });
    assert.equal(again.statusCode, 200, 'a new token works');
  });

  test('user disable --demo disables every demo account still on a published password in one go, leaves changed ones alone, and says so', async (t) => {
    const { fms, migrate, open } = workspace(t);
    await migrate();
    ok(await fms(['seed-demo']), 'seed-demo');
    // A demo account whose owner has a password of their own now (here: a one-time one) is not open.
    ok(await fms(['user', 'reset-password', 's.novak']), 'reset-password');

    const [both, neither] = await Promise.all([fms(['user', 'disable', 'admin', '--demo']), fms(['user', 'disable'])]);
    failed(both, 'disable with a username and --demo');
    assert.match(both.stderr, /Give a username or --demo, not both/);
    failed(neither, 'disable without a username');
    assert.match(neither.stderr, /Name the account to disable .*or pass --demo/);

    const r = await fms(['user', 'disable', '--demo']);
    ok(r, 'user disable --demo');
    const demo = demoUsernames().filter((u) => u !== 's.novak');
    assert.match(r.stdout, new RegExp(`^Disabled ${demo.length} demo account\\(s\\) that signed in with a published password`));
    for (const username of demo) assert.ok(r.stdout.includes(username), `names ${username}`);
    assert.match(r.stdout, /Administrators were among them: .*fms user create --username NAME --role admin/);

    const db = open();
    const users = await db.selectFrom('users').select(['id', 'username', 'disabled']).execute();
    assert.deepEqual(users.filter((u) => !u.disabled).map((u) => u.username), ['s.novak']);
    assert.deepEqual(await demoAccountsWithPublishedPasswords({ db }), [], 'production would start now');
    const audit = await db.selectFrom('auditLog').select(['entityId', 'after', 'actorId']).where('action', '=', 'account.disabled').execute();
    assert.equal(audit.length, demo.length, 'one audit entry per account');
    for (const entry of audit) {
      assert.equal(JSON.parse(entry.after!).via, 'cli');
      assert.equal(entry.actorId, null, 'the operator, not a user');
    }

    const again = await fms(['user', 'disable', '--demo']);
    ok(again, 'user disable --demo a second time');
    assert.match(again.stdout, /No enabled demo account signs in with a published password: nothing to disable\./);
  });

  test('production without SECRET_KEY: serve stops at once with one line naming SECRET_KEY', async (t) => {
    const { fms, dir } = workspace(t);
    const r = await fms(['serve', '--bind', '127.0.0.1:0'], { env: { FMS_CONFIG: 'production' } });
    failed(r, 'serve in production without SECRET_KEY');
    // "At once": it exits by itself with the configuration's exit code (README), before it opens the database.
    assert.equal(r.code, 2, 'exit code 2, a configuration problem');
    assert.equal(existsSync(join(dir, 'fms.sqlite')), false, 'the database was not opened');
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, `one line on stderr:\n${r.stderr}`);
    assert.match(lines[0]!, /SECRET_KEY/);
    assert.match(lines[0]!, /openssl rand/);
    assert.doesNotMatch(r.stdout, /running at/);
  });

  test('production with a guessable SECRET_KEY: the primary forks its workers, judges the key while they start, and stops them all before any listens', async (t) => {
    const { fms, migrate, dir } = workspace(t);
    await migrate();
    // Long enough and varied enough for loadConfig's quick checks; only the estimate, which the
    // primary runs after forking (cluster.ts), finds it guessable.
    const guessable = 'passwordpasswordpassword12345678';
    const r = await fms(['serve', '--workers', '2', '--bind', '127.0.0.1:0'], { env: { FMS_CONFIG: 'production', SECRET_KEY: guessable, UPLOAD_FOLDER: join(dir, 'uploads') } });
    failed(r, 'serve in production with a guessable SECRET_KEY');
    assert.equal(r.code, 2, 'exit code 2, a configuration problem');
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, `one line on stderr:\n${r.stderr}`);
    assert.match(lines[0]!, /^fms: configuration: SECRET_KEY is not random enough: about \d+ bits of guessing where 80 are needed/);
    assert.match(lines[0]!, /openssl rand -hex 32/);
    assert.doesNotMatch(r.stdout, /running at/, 'no worker listened');

    // The same key judged by every other command's loadConfig, in one go, gives the same words.
    const migrateAgain = await fms(['migrate'], { env: { FMS_CONFIG: 'production', SECRET_KEY: guessable, UPLOAD_FOLDER: join(dir, 'uploads') } });
    assert.equal(migrateAgain.code, 2);
    assert.equal(migrateAgain.stderr.trim(), lines[0]);
  });
});
