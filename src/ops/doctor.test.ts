// `fms doctor` on installations that are fine, and on ones with each problem of the troubleshooting list.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { sql } from 'kysely';
import { closedPort, isPostgresAvailable, postgresUrl } from '../../test/services.js';
import { createDb } from '../db/index.js';
import { migrateOrThrow } from '../db/migrator.js';
import { writeSetting } from '../db/settings.js';
import { ManualClock, systemClock } from '../lib/clock.js';
import { hashOneTimePassword, hashPassword } from '../lib/passwords.js';
import { loadConfig } from '../config/index.js';
import { seedDemoDepartment } from '../seeds/demo.js';
import { runDoctor, type Finding } from './doctor.js';
import { LAST_BACKUP_SETTING, turnMaintenanceOn } from './maintenance.js';

/** What an operator gets from `openssl rand -hex 32`. */
const STRONG = randomBytes(32).toString('hex');

function place(t: TestContext) {
  const dir = mkdtempSync(join(tmpdir(), 'fms-doctor-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const env = { FMS_CONFIG: 'production', SECRET_KEY: STRONG, DATABASE_URL: `sqlite:${join(dir, 'fms.sqlite')}`, UPLOAD_FOLDER: join(dir, 'uploads'), TRUST_PROXY: '127.0.0.1' };
  return { dir, env };
}

async function migrated(url: string) {
  const db = createDb({ kind: 'sqlite', file: url.slice('sqlite:'.length), url });
  await migrateOrThrow(db);
  return db;
}

const verdictOf = (findings: Finding[], check: string) => findings.filter((f) => f.check === check);

describe('fms doctor', () => {
  test('a healthy production install passes, with a warning for SQLite and for no backups yet', async (t) => {
    const { env } = place(t);
    const db = await migrated(env.DATABASE_URL);
    await db.destroy();
    const findings = await runDoctor({ env, dotenvDir: false });
    assert.deepEqual(findings.filter((f) => f.verdict === 'FAIL'), []);
    assert.equal(verdictOf(findings, 'configuration')[0]!.verdict, 'PASS');
    assert.equal(verdictOf(findings, 'SECRET_KEY')[0]!.verdict, 'PASS');
    assert.equal(verdictOf(findings, 'database')[0]!.verdict, 'PASS');
    assert.match(verdictOf(findings, 'database')[0]!.detail, /^SQLite \/.*fms\.sqlite: reachable; every migration applied$/);
    assert.deepEqual(findings.filter((f) => f.verdict === 'SKIP'), [], 'every check ran');
    assert.equal(verdictOf(findings, 'database engine')[0]!.verdict, 'WARN');
    assert.match(verdictOf(findings, 'backups')[0]!.detail, /no backup recorded: run `fms backup`/);
    assert.equal(verdictOf(findings, 'secure cookies')[0]!.verdict, 'PASS');
  });

  test("the assistant's model: offline when none is set, asked one question when one is, its failure a warning with the cause", async (t) => {
    const { env } = place(t);
    await (await migrated(env.DATABASE_URL)).destroy();
    const offline = verdictOf(await runDoctor({ env, dotenvDir: false }), 'assistant')[0]!;
    assert.deepEqual([offline.verdict, offline.detail], ['PASS', "offline (ASSISTANT_API_URL not set): answers from FMS's data and the guides"]);

    // A chat completions server of our own, checking what it is sent.
    const asked: { authorization?: string; model?: string }[] = [];
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        const sent = JSON.parse(body) as { model: string };
        asked.push({ authorization: request.headers.authorization, model: sent.model });
        if (sent.model === 'no-such-model') {
          response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"The model no-such-model does not exist"}}');
          return;
        }
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ choices: [{ message: { role: 'assistant', content: 'OK' } }] }));
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    t.after(() => server.close());
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/chat/completions`;
    const model = { ...env, ASSISTANT_API_URL: url, ASSISTANT_MODEL: 'small-model', ASSISTANT_API_KEY: 'sk-doctor' };
    const answers = verdictOf(await runDoctor({ env: model, dotenvDir: false }), 'assistant')[0]!;
    assert.deepEqual([answers.verdict, answers.detail], ['PASS', `small-model at ${new URL(url).origin} answers`]);
    assert.deepEqual(asked, [{ authorization: 'Bearer sk-doctor', model: 'small-model' }]);

    const wrong = verdictOf(await runDoctor({ env: { ...model, ASSISTANT_MODEL: 'no-such-model' }, dotenvDir: false }), 'assistant')[0]!;
    assert.equal(wrong.verdict, 'WARN');
    assert.match(wrong.detail, /^no-such-model at http:\/\/127\.0\.0\.1:\d+ fails: the model answered HTTP 404: .*The model no-such-model does not exist.*; the assistant answers offline until it works/);
    const closed = verdictOf(await runDoctor({ env: { ...model, ASSISTANT_API_URL: `http://127.0.0.1:${await closedPort()}/v1/chat/completions` }, dotenvDir: false }), 'assistant')[0]!;
    assert.equal(closed.verdict, 'WARN');
    assert.match(closed.detail, /nothing listens at 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
    // Port 9 is one fetch refuses before trying ("fetch failed", cause "bad port"): said so.
    const blocked = verdictOf(await runDoctor({ env: { ...model, ASSISTANT_API_URL: 'http://127.0.0.1:9/v1/chat/completions' }, dotenvDir: false }), 'assistant')[0]!;
    assert.match(blocked.detail, /fails: fetch refuses to connect to port 9 \(a port browsers block\): give the model's server another port in ASSISTANT_API_URL;/);
  });

  test('each problem is reported with its fix', async (t) => {
    const { dir, env } = place(t);
    const blocker = join(dir, 'not-a-folder');
    writeFileSync(blocker, 'x');
    const bad = { ...env, UPLOAD_FOLDER: join(blocker, 'uploads'), TRUST_PROXY: '', RATELIMIT_STORAGE_URI: 'redis://127.0.0.1:9' };
    const missing = await runDoctor({ env: bad, dotenvDir: false });
    assert.match(verdictOf(missing, 'database')[0]!.detail, /no database at .*check DATABASE_URL, or run `fms migrate`/);
    const upload = verdictOf(missing, 'upload folder')[0]!;
    assert.equal(upload.verdict, 'FAIL');
    // `fms serve` says the same (the file is the culprit, not permissions: a chown would not help).
    assert.match(upload.detail, new RegExp(`^UPLOAD_FOLDER ${blocker}/uploads cannot be created by user \\S+ \\(uid \\d+\\) because ${blocker} is a file: set UPLOAD_FOLDER to another folder, or move that file away$`));
    assert.doesNotMatch(upload.detail, /chown/);
    const redis = verdictOf(missing, 'redis')[0]!;
    assert.equal(redis.verdict, 'FAIL');
    assert.equal(redis.detail, 'redis unreachable at 127.0.0.1:9: connect ECONNREFUSED 127.0.0.1:9; start Redis there, or fix RATELIMIT_STORAGE_URI');
    // Behind nginx without TRUST_PROXY sign-in works; the rate limits and the records suffer.
    const cookies = verdictOf(missing, 'secure cookies')[0]!;
    assert.equal(cookies.verdict, 'WARN');
    assert.match(cookies.detail, /TRUST_PROXY is empty.*everyone shares one rate-limit budget.*the proxy's address .* is what the log and the audit trail record; sign-in itself works/);
    assert.doesNotMatch(cookies.detail, /will not stick/);
    // What needs the database is skipped, and says why.
    assert.deepEqual(
      missing.filter((f) => f.verdict === 'SKIP').map((f) => `${f.check}: ${f.detail}`),
      ['demo accounts: not run: there is no database', 'maintenance mode: not run: there is no database', 'backups: not run: there is no database'],
    );
    for (const f of missing.filter((f) => f.verdict === 'FAIL' && f.check !== 'static build'))
      assert.match(f.detail, /UPLOAD_FOLDER|DATABASE_URL|RATELIMIT_STORAGE_URI/, `a FAIL names its variable: ${f.detail}`);

    const db = createDb({ kind: 'sqlite', file: join(dir, 'fms.sqlite'), url: env.DATABASE_URL });
    await db.destroy(); // an empty file: reachable, nothing migrated
    const pending = await runDoctor({ env, dotenvDir: false });
    assert.match(verdictOf(pending, 'database')[0]!.detail, /^SQLite \S+ \(DATABASE_URL\) has \d+ pending migration\(s\) \(0001_.*\): run `fms migrate`$/);
    for (const check of ['demo accounts', 'maintenance mode', 'backups']) {
      const skipped = verdictOf(pending, check)[0]!;
      assert.equal(skipped.verdict, 'SKIP', check);
      assert.match(skipped.detail, /^not run: cannot read it from the database \(.*\); run `fms migrate` first$/, check);
    }

    const ready = await migrated(env.DATABASE_URL);
    await turnMaintenanceOn({ db: ready, clock: systemClock });
    await writeSetting({ db: ready, clock: systemClock }, LAST_BACKUP_SETTING, new Date(Date.now() - 50 * 3_600_000).toISOString());
    await ready.destroy();
    const later = await runDoctor({ env, dotenvDir: false });
    assert.match(verdictOf(later, 'maintenance mode')[0]!.detail, /fms maintenance off/);
    assert.match(verdictOf(later, 'backups')[0]!.detail, /last good backup 50\.0 h ago.*fms-backup\.timer/);
    assert.equal(verdictOf(later, 'static build')[0]!.verdict, 'PASS');

    const noBuild = await runDoctor({ env, dotenvDir: false, staticRoot: join(dir, 'nowhere') });
    // This checkout has its build tools; a pruned install is told `npm ci && npm run build && npm prune --omit=dev` (static-build.test.ts).
    assert.match(verdictOf(noBuild, 'static build')[0]!.detail, /run `npm run build` in /);
    assert.equal(verdictOf(noBuild, 'static build')[0]!.verdict, 'FAIL');
  });

  describe('the upload folder: doctor gives the words `fms serve` stops with', () => {
    // Each case runs the real commands as an operator would meet it: as root here a folder's mode
    // stops nobody, so the commands run as user nobody (setpriv); a read-only file system is a
    // read-only bind mount in a mount namespace of their own (unshare).
    const asOther = process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];

    function place(t: TestContext) {
      const base = mkdtempSync(join(tmpdir(), 'fms-doctor-folder-'));
      chmodSync(base, 0o755);
      t.after(() => {
        spawnSync('chmod', ['-R', 'u+rwx', base]);
        rmSync(base, { recursive: true, force: true });
      });
      return base;
    }

    /** `fms doctor` and `fms serve` (development: one process) with only this UPLOAD_FOLDER wrong. */
    function both(base: string, folder: string, prefix: string[]): { doctor: string; serve: string } {
      const env = {
        PATH: process.env.PATH,
        FMS_CONFIG: 'development',
        UPLOAD_FOLDER: folder,
        DATABASE_URL: `sqlite:${join(base, 'fms.sqlite')}`,
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'silent',
        RATELIMIT_STORAGE_URI: 'memory://',
      };
      const cli = (command: string) => {
        const argv = [...prefix, process.execPath, '--import', 'tsx', join(process.cwd(), 'src', 'cli', 'index.ts'), command];
        return spawnSync(argv[0]!, argv.slice(1), { env, encoding: 'utf8', timeout: 60_000 });
      };
      const doctor = cli('doctor');
      const line = /^FAIL {2}upload folder +(.*)$/m.exec(doctor.stdout);
      assert.ok(line, `doctor: ${doctor.stdout}${doctor.stderr}`);
      const serve = cli('serve');
      assert.equal(serve.status, 1, `serve: ${serve.stdout}${serve.stderr}`);
      const stopped = /^fms: (.*)$/m.exec(serve.stderr);
      assert.ok(stopped, `serve: ${serve.stderr}`);
      return { doctor: line[1]!, serve: stopped[1]! };
    }

    test('a missing folder under a parent the user cannot write: mkdir -p and chown, not a chown of a missing path', (t) => {
      const base = place(t);
      const locked = join(base, 'locked');
      mkdirSync(locked, { mode: 0o555 });
      chmodSync(locked, 0o555);
      const folder = join(locked, 'missing', 'uploads');
      const { doctor, serve } = both(base, folder, asOther);
      assert.equal(doctor, serve);
      assert.match(doctor, new RegExp(`^UPLOAD_FOLDER ${folder} does not exist and user \\S+ \\(uid \\d+\\) may not create it: run \`sudo mkdir -p ${folder} && sudo chown -R \\S+:\\S+ ${folder}\`$`));
    });

    test('a file where the folder should be: move it or set UPLOAD_FOLDER, not a chown', (t) => {
      const base = place(t);
      const folder = join(base, 'afile');
      writeFileSync(folder, 'not a folder');
      const { doctor, serve } = both(base, folder, asOther);
      assert.equal(doctor, serve);
      assert.match(doctor, new RegExp(`^UPLOAD_FOLDER ${folder} is a file, not a folder, so user \\S+ \\(uid \\d+\\) cannot store uploads in it: set UPLOAD_FOLDER to another folder, or move the file away$`));
    });

    test('an existing folder the user may not write: chown to user:group', (t) => {
      const base = place(t);
      const folder = join(base, 'uploads');
      mkdirSync(folder);
      chmodSync(folder, 0o555);
      const { doctor, serve } = both(base, folder, asOther);
      assert.equal(doctor, serve);
      assert.match(doctor, new RegExp(`^UPLOAD_FOLDER ${folder} is not writable by user \\S+ \\(uid \\d+\\): run \`sudo chown -R \\S+:\\S+ ${folder}\`$`));
    });

    test('a folder the user owns and may write but not read: the missing bit by name, and chmod, not chown', (t) => {
      const base = place(t);
      const folder = join(base, 'uploads');
      mkdirSync(folder);
      // Owned by the user the commands run as (nobody when the suite runs as root).
      if (process.getuid?.() === 0) spawnSync('chown', ['65534:65534', folder]);
      chmodSync(folder, 0o300);
      const { doctor, serve } = both(base, folder, asOther);
      assert.equal(doctor, serve);
      assert.match(doctor, new RegExp(`^UPLOAD_FOLDER ${folder} is not readable by user \\S+ \\(uid \\d+\\): run \`sudo chmod u\\+rwx ${folder}\`$`));
    });

    test('a folder on a read-only file system: mount it read-write or ReadWritePaths=', (t) => {
      const base = place(t);
      const folder = join(base, 'uploads');
      mkdirSync(folder);
      // -r maps the caller to root in a user namespace where unprivileged mounts are allowed.
      const unshare = ['unshare', ...(process.getuid?.() === 0 ? ['-m'] : ['-rm']), 'sh', '-c', 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"', folder];
      const probe = spawnSync(unshare[0]!, [...unshare.slice(1), 'true'], { encoding: 'utf8' });
      if (probe.status !== 0) return t.skip(`this machine cannot make a read-only mount (${probe.stderr.trim()})`);
      const { doctor, serve } = both(base, folder, unshare);
      assert.equal(doctor, serve);
      assert.match(doctor, new RegExp(`^UPLOAD_FOLDER ${folder} is on a read-only file system for user \\S+ \\(uid \\d+\\): mount it read-write, or under systemd list it in ReadWritePaths= of fms.service$`));
    });
  });

  test('bad configuration is reported variable by variable; the command exits 1 on any FAIL', async (t) => {
    const { env } = place(t);
    const findings = await runDoctor({ env: { ...env, SECRET_KEY: 'short', PORT: 'eighty' }, dotenvDir: false });
    const problems = findings.slice(0, -1);
    assert.ok(problems.length >= 2);
    assert.ok(problems.every((f) => f.check === 'configuration' && f.verdict === 'FAIL'));
    assert.ok(problems.some((f) => /SECRET_KEY/.test(f.detail)) && problems.some((f) => /PORT/.test(f.detail)));
    assert.deepEqual(findings.at(-1), { check: 'other checks', verdict: 'SKIP', detail: 'not run: they need a valid configuration; fix the lines above and run `fms doctor` again' });

    const cli = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'doctor'], { env: { ...process.env, ...env, LOG_LEVEL: 'silent' }, encoding: 'utf8' });
    assert.equal(cli.status, 1, cli.stdout + cli.stderr);
    assert.match(cli.stdout, /^FAIL {2}database +there is no database/m);
    assert.match(cli.stdout, /^SKIP {2}maintenance mode +not run: there is no database$/m);
    assert.match(cli.stdout, /\n\d+ failure\(s\), \d+ warning\(s\), 3 skipped\n$/);
    assert.equal(cli.stderr, '', 'doctor writes its findings, not fms: lines');
  });

  test('PostgreSQL that cannot be reached: the host, port, database, user, the driver\'s words and DATABASE_URL; what needs it is skipped', async (t) => {
    const { env } = place(t);
    const port = await closedPort();
    const findings = await runDoctor({ env: { ...env, DATABASE_URL: `postgres://fms:Pass-Word-1@127.0.0.1:${port}/fms` }, dotenvDir: false });
    const database = verdictOf(findings, 'database')[0]!;
    assert.equal(database.verdict, 'FAIL');
    assert.equal(
      database.detail,
      `Cannot reach PostgreSQL at 127.0.0.1:${port}/fms as fms: connect ECONNREFUSED 127.0.0.1:${port}. Check DATABASE_URL (percent-encode @ : / # ? in the password).`,
    );
    assert.ok(!JSON.stringify(findings).includes('Pass-Word-1'), 'the password is never printed');
    assert.deepEqual(
      findings.filter((f) => f.verdict === 'SKIP').map((f) => f.check),
      ['demo accounts', 'search indexes', 'durability', 'maintenance mode', 'backups'],
    );
    assert.ok(findings.filter((f) => f.verdict === 'SKIP').every((f) => f.detail === 'not run: the database cannot be reached'));
  });

  test('PostgreSQL without the named database: the driver\'s words with where and as whom', async (t) => {
    if (!(await isPostgresAvailable())) return t.skip('PostgreSQL is not running');
    const { env } = place(t);
    const url = new URL(postgresUrl);
    url.pathname = '/no_such_database_fms';
    const database = verdictOf(await runDoctor({ env: { ...env, DATABASE_URL: url.href }, dotenvDir: false }), 'database')[0]!;
    assert.equal(database.verdict, 'FAIL');
    assert.match(database.detail, new RegExp(`^Cannot reach PostgreSQL at ${url.hostname}:${url.port}/no_such_database_fms as \\S+: database "no_such_database_fms" does not exist\\. Check DATABASE_URL`));
  });

  test('PostgreSQL: the search indexes pass when present and are a WARN naming the fix when one is missing', async (t) => {
    const { env } = place(t);
    const name = `fms_doctor_trgm_${process.pid}`;
    const admin = createDb({ kind: 'postgres', url: postgresUrl });
    await sql`create database ${sql.id(name)}`.execute(admin);
    const url = new URL(postgresUrl);
    url.pathname = `/${name}`;
    t.after(async () => {
      await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin);
      await admin.destroy();
    });
    const target = createDb({ kind: 'postgres', url: url.href });
    await migrateOrThrow(target);
    await target.destroy();
    const verdict = async () => verdictOf(await runDoctor({ env: { ...env, DATABASE_URL: url.href }, dotenvDir: false }), 'search indexes')[0]!;
    const present = await verdict();
    assert.equal(present.verdict, 'PASS', present.detail);
    // The test server runs with fsync and synchronous_commit off (scripts/start-test-services.sh):
    // a WARN naming them in production, a note elsewhere.
    const settings = createDb({ kind: 'postgres', url: url.href });
    const offNow = (await sql<{ name: string }>`select name from pg_settings where name in ('fsync', 'synchronous_commit', 'full_page_writes') and setting = 'off' order by name`.execute(settings)).rows.map((r) => r.name);
    await settings.destroy();
    const durability = verdictOf(await runDoctor({ env: { ...env, DATABASE_URL: url.href }, dotenvDir: false }), 'durability')[0]!;
    const elsewhere = verdictOf(await runDoctor({ env: { ...env, FMS_CONFIG: 'development', DATABASE_URL: url.href }, dotenvDir: false }), 'durability')[0]!;
    assert.equal(elsewhere.verdict, 'PASS', elsewhere.detail);
    if (offNow.length) {
      assert.equal(durability.verdict, 'WARN', durability.detail);
      // Each setting named with where it is set: the test server sets them on its command line.
      for (const name of offNow) assert.ok(durability.detail.includes(`${name} off (set on PostgreSQL's command line, postgres -c)`), durability.detail);
      assert.match(durability.detail, /: a power cut can lose answered writes.*; turn (it|them) on there and reload PostgreSQL \(one set on its command line needs a restart without it\) \(docs\/operators\.md, "What survives a power cut"\)$/);
      assert.equal(elsewhere.detail, `${offNow.join(', ')} off: fine for a test server's throwaway data; in production this is a warning, as a power cut could lose answered writes`);
    } else assert.deepEqual([durability.verdict, durability.detail], ['PASS', 'fsync, full_page_writes and synchronous_commit are on: a commit survives a power cut']);
    const db = createDb({ kind: 'postgres', url: url.href });
    // An index of the right name over the wrong key (the column, as before migration 0013).
    await sql`drop index users_username_trgm`.execute(db);
    await sql`create index users_username_trgm on users using gin (username gin_trgm_ops)`.execute(db);
    const misbuilt = await verdict();
    assert.equal(misbuilt.verdict, 'WARN');
    assert.equal(misbuilt.detail, 'users_username_trgm indexes users (username) with gin gin_trgm_ops, not users (lower(username::text)) with gin_trgm_ops: the search it serves reads every row. Drop it and create it as docs/operators.md shows ("PostgreSQL and pg_trgm")');
    await sql`drop index users_username_trgm`.execute(db);
    await sql`create index users_username_trgm on users using gin (lower(username) gin_trgm_ops)`.execute(db);
    assert.equal((await verdict()).verdict, 'PASS', 'built as the docs show, it passes again');
    await sql`drop index students_search_text_trgm`.execute(db);
    // pg_trgm is there (installed after `fms migrate`, say): only the indexes are to be made.
    const missing = await verdict();
    assert.equal(missing.verdict, 'WARN');
    assert.match(missing.detail, /^students_search_text_trgm missing: the people and account searches read every row\. pg_trgm is installed now .*create them as FMS's account.*PostgreSQL and pg_trgm/);
    // Without pg_trgm the owner must install it first.
    await sql`drop extension pg_trgm cascade`.execute(db);
    await db.destroy();
    const noExtension = await verdict();
    assert.equal(noExtension.verdict, 'WARN');
    assert.match(noExtension.detail, /^students_search_text_trgm, .*users_username_trgm missing: the people and account searches read every row\..*CREATE EXTENSION pg_trgm SCHEMA public;.*PostgreSQL and pg_trgm/);
  });

  test('a weak SECRET_KEY is a FAIL in production (naming the fix) and a WARN elsewhere', async (t) => {
    const { env } = place(t);
    for (const weak of ['your_very_long_random_and_ultra_secret_key_goes_here_do_not_share!', 'Passw0rd!Passw0rd!Passw0rd!Passw0rd!', 'abcdefghijklmnopqrstuvwxyz123456']) {
      const production = await runDoctor({ env: { ...env, SECRET_KEY: weak }, dotenvDir: false });
      const failure = production.find((f) => f.verdict === 'FAIL' && /SECRET_KEY/.test(f.detail));
      assert.ok(failure, `${weak}: ${JSON.stringify(production)}`);
      assert.match(failure.detail, /openssl rand -hex 32/);

      const development = await runDoctor({ env: { ...env, FMS_CONFIG: 'development', SECRET_KEY: weak }, dotenvDir: false });
      const key = verdictOf(development, 'SECRET_KEY')[0]!;
      assert.equal(key.verdict, 'WARN', weak);
      assert.match(key.detail, /^is (a value from the documentation|not random enough|made of words).*openssl rand -hex 32/);
    }
  });

  test('METRICS_TOKEN: a weak one is a FAIL in production and a WARN elsewhere; a random one passes', async (t) => {
    const { env } = place(t);
    const production = await runDoctor({ env: { ...env, METRICS_TOKEN: 'aaaaaaaaaaaaaaaa' }, dotenvDir: false });
    assert.ok(production.some((f) => f.verdict === 'FAIL' && /^METRICS_TOKEN is (not random enough|too repetitive to be random).*openssl rand -hex 32/.test(f.detail)), JSON.stringify(production));
    const development = await runDoctor({ env: { ...env, FMS_CONFIG: 'development', METRICS_TOKEN: '0000000000000000' }, dotenvDir: false });
    assert.equal(verdictOf(development, 'METRICS_TOKEN')[0]!.verdict, 'WARN');
    const good = await runDoctor({ env: { ...env, METRICS_TOKEN: randomBytes(32).toString('hex') }, dotenvDir: false });
    assert.equal(verdictOf(good, 'METRICS_TOKEN')[0]!.verdict, 'PASS');
  });

  test('TRUST_PROXY ranges that reach public addresses are a WARN naming them', async (t) => {
    const { env } = place(t);
    const wide = await runDoctor({ env: { ...env, TRUST_PROXY: '0.0.0.0/1,128.0.0.0/1' }, dotenvDir: false });
    const proxies = verdictOf(wide, 'trusted proxies')[0]!;
    assert.equal(proxies.verdict, 'WARN');
    assert.match(proxies.detail, /0\.0\.0\.0\/1, 128\.0\.0\.0\/1 include public addresses/);
    const narrow = await runDoctor({ env: { ...env, TRUST_PROXY: '127.0.0.1,10.0.0.0/8' }, dotenvDir: false });
    assert.equal(verdictOf(narrow, 'trusted proxies')[0]!.verdict, 'PASS');
  });

  test('a global rate limit that limits nothing is a WARN naming the default', async (t) => {
    const { env } = place(t);
    const huge = verdictOf(await runDoctor({ env: { ...env, RATELIMIT_DEFAULT: '100000000 per second' }, dotenvDir: false }), 'rate limit')[0]!;
    assert.equal(huge.verdict, 'WARN');
    assert.match(huge.detail, /allows 100,000,000 requests a second per client.*"600 per minute"/);
    const usual = verdictOf(await runDoctor({ env, dotenvDir: false }), 'rate limit')[0]!;
    assert.equal(usual.verdict, 'PASS');
    assert.equal(usual.detail, '600 requests per 60 s per client');
  });

  test('demo accounts: a password set back to its published value is a FAIL naming the account and the fix', async (t) => {
    const { env, dir } = place(t);
    const db = await migrated(env.DATABASE_URL);
    const config = loadConfig({ FMS_CONFIG: 'testing', DATABASE_URL: env.DATABASE_URL, UPLOAD_FOLDER: join(dir, 'uploads'), LOG_LEVEL: 'silent' }, { dotenvDir: false });
    const clock = new ManualClock('2026-12-05T09:00:00.000Z');
    await db.transaction().execute((trx) => seedDemoDepartment({ db: trx, actor: null, clock, config, log: { info() {}, warn() {}, error() {}, debug() {} }, ip: null }));
    const fresh = verdictOf(await runDoctor({ env, dotenvDir: false }), 'demo accounts')[0]!;
    assert.equal(fresh.verdict, 'FAIL');
    assert.match(fresh.detail, /^34 demo account\(s\) sign in with a published password \(admin, /);

    // Every account but s.novak reset to a one-time password; s.novak changed theirs, then set the
    // published one again (the review's step 2): "changed since the seed", yet still published.
    const later = new Date('2026-12-06T09:00:00.000Z');
    await db.updateTable('users').set({ passwordHash: await hashOneTimePassword('abcd-efgh-jkmn-pqrs'), passwordChangedAt: later }).execute();
    await db.updateTable('users').set({ passwordHash: await hashPassword('fms-demo-student', { fast: true }), passwordChangedAt: later }).where('username', '=', 's.novak').execute();
    await db.destroy();
    const setBack = verdictOf(await runDoctor({ env, dotenvDir: false }), 'demo accounts')[0]!;
    assert.equal(setBack.verdict, 'FAIL');
    assert.equal(setBack.detail, '1 demo account(s) sign in with a published password (s.novak): disable them all (`fms user disable --demo`) or reset their passwords (`fms user reset-password s.novak`), or start production on an empty database');

    const again = await migrated(env.DATABASE_URL);
    await again.updateTable('users').set({ disabled: true }).where('username', '=', 's.novak').execute();
    await again.destroy();
    assert.equal(verdictOf(await runDoctor({ env, dotenvDir: false }), 'demo accounts')[0]!.verdict, 'PASS');
  });
});
