// `fms doctor` on installations that are fine, and on ones with each problem of the troubleshooting list.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { createDb } from '../db/index.js';
import { migrateOrThrow } from '../db/migrator.js';
import { writeSetting } from '../features/settings/service.js';
import { systemClock } from '../lib/clock.js';
import { runDoctor, type Finding } from './doctor.js';
import { LAST_BACKUP_SETTING, turnMaintenanceOn } from './maintenance.js';

const STRONG = 'doctor-test-secret-key-with-enough-entropy-5d2a';

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
});
