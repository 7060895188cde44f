// `fms doctor` on installations that are fine, and on ones with each problem of the troubleshooting list.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { createDb } from '../db/index.js';
import { migrateOrThrow } from '../db/migrator.js';
import { writeSetting } from '../features/settings/service.js';
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
    assert.equal(verdictOf(findings, 'database engine')[0]!.verdict, 'WARN');
    assert.match(verdictOf(findings, 'backups')[0]!.detail, /no backup recorded: run `fms backup`/);
    assert.equal(verdictOf(findings, 'secure cookies')[0]!.verdict, 'PASS');
  });

  test('each problem is reported with its fix', async (t) => {
    const { dir, env } = place(t);
    const blocker = join(dir, 'not-a-folder');
    writeFileSync(blocker, 'x');
    const bad = { ...env, UPLOAD_FOLDER: join(blocker, 'uploads'), TRUST_PROXY: '', RATELIMIT_STORAGE_URI: 'redis://127.0.0.1:9' };
    const missing = await runDoctor({ env: bad, dotenvDir: false });
    assert.match(verdictOf(missing, 'database')[0]!.detail, /no database at .*run `fms migrate`/);
    const upload = verdictOf(missing, 'upload folder')[0]!;
    assert.equal(upload.verdict, 'FAIL');
    assert.match(upload.detail, /not-a-folder is not writable by user \w+ \(uid \d+\): run `sudo chown/);
    assert.equal(verdictOf(missing, 'redis')[0]!.verdict, 'FAIL');
    assert.match(verdictOf(missing, 'secure cookies')[0]!.detail, /no proxy is trusted.*TRUST_PROXY/);

    const db = createDb({ kind: 'sqlite', file: join(dir, 'fms.sqlite'), url: env.DATABASE_URL });
    await db.destroy(); // an empty file: reachable, nothing migrated
    const pending = await runDoctor({ env, dotenvDir: false });
    assert.match(verdictOf(pending, 'database')[0]!.detail, /pending migration.*run `fms migrate`/);

    const ready = await migrated(env.DATABASE_URL);
    await turnMaintenanceOn({ db: ready, clock: systemClock });
    await writeSetting({ db: ready, clock: systemClock }, LAST_BACKUP_SETTING, new Date(Date.now() - 50 * 3_600_000).toISOString());
    await ready.destroy();
    const later = await runDoctor({ env, dotenvDir: false });
    assert.match(verdictOf(later, 'maintenance mode')[0]!.detail, /fms maintenance off/);
    assert.match(verdictOf(later, 'backups')[0]!.detail, /last good backup 50\.0 h ago.*fms-backup\.timer/);
    assert.equal(verdictOf(later, 'static build')[0]!.verdict, 'PASS');

    const noBuild = await runDoctor({ env, dotenvDir: false, staticRoot: join(dir, 'nowhere') });
    assert.match(verdictOf(noBuild, 'static build')[0]!.detail, /run `npm run build`/);
    assert.equal(verdictOf(noBuild, 'static build')[0]!.verdict, 'FAIL');
  });

  test('bad configuration is reported variable by variable; the command exits 1 on any FAIL', async (t) => {
    const { env } = place(t);
    const findings = await runDoctor({ env: { ...env, SECRET_KEY: 'short', PORT: 'eighty' }, dotenvDir: false });
    assert.ok(findings.length >= 2);
    assert.ok(findings.every((f) => f.check === 'configuration' && f.verdict === 'FAIL'));
    assert.ok(findings.some((f) => /SECRET_KEY/.test(f.detail)) && findings.some((f) => /PORT/.test(f.detail)));

    const cli = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'doctor'], { env: { ...process.env, ...env, LOG_LEVEL: 'silent' }, encoding: 'utf8' });
    assert.equal(cli.status, 1, cli.stdout + cli.stderr);
    assert.match(cli.stdout, /^FAIL {2}database +there is no database/m);
    assert.match(cli.stdout, /\d+ failure\(s\), \d+ warning\(s\)/);
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
    assert.equal(setBack.detail, '1 demo account(s) sign in with a published password (s.novak): disable them (`fms user disable s.novak`) or reset their passwords (`fms user reset-password s.novak`), or start production on an empty database');

    const again = await migrated(env.DATABASE_URL);
    await again.updateTable('users').set({ disabled: true }).where('username', '=', 's.novak').execute();
    await again.destroy();
    assert.equal(verdictOf(await runDoctor({ env, dotenvDir: false }), 'demo accounts')[0]!.verdict, 'PASS');
  });
});
