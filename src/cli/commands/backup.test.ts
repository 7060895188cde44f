// `fms backup`, `fms backup --verify`, `fms restore` and `fms db copy` as an operator runs them:
// separate processes, their exit codes and what they print.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { create, extract, list } from 'tar';
import { openTestDatabase } from '../../../test/build-test-app.js';
import { testDatabases, type TestDatabase } from '../../../test/services.js';
import { envSchema, secretVariables } from '../../config/schema.js';
import { countRows } from '../../ops/data/rows.js';
import { openSite as openSiteOn, seedDepartment, startWriter } from '../../ops/data/testing.js';
import { waitFor } from '../../../test/wait-for.js';

/** A fresh test database of the given engine, as a site with its own uploads folder and config. */
const openSite = async (t: TestContext, database: TestDatabase, options?: { migrate?: boolean }) => openSiteOn(t, await openTestDatabase(t, database), options);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

const inherited = { ...process.env };
for (const name of Object.keys(envSchema.properties)) delete inherited[name];
for (const name of secretVariables) delete inherited[`${name}_FILE`];
delete inherited.FMS_DEBUG;

function fms(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], { env: { ...inherited, FMS_CONFIG: 'testing', LOG_LEVEL: 'silent', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 50_000);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

const ok = (r: Run, what: string) => assert.equal(r.code, 0, `${what} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
const failed = (r: Run, what: string) => {
  assert.equal(r.code, 1, `${what} should exit 1\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /\n\s+at .+:\d+:\d+/, `${what}: no stack trace for an operator`);
};

describe('fms backup, restore and db copy', { concurrency: 2 }, () => {
  test('back up a running SQLite department, verify the archive, restore it, refuse to restore twice', async (t) => {
    const live = await openSite(t, 'sqlite');
    await seedDepartment(live);
    mkdirSync(live.uploads, { recursive: true });
    writeFileSync(join(live.uploads, 'photo.jpg'), 'not really a jpeg');
    const env = { DATABASE_URL: live.url, UPLOAD_FOLDER: live.uploads };
    const output = join(live.dir, 'backups');

    // The app keeps writing from this process while the backup runs in its own.
    const writer = startWriter(live.url);
    let backup: Run;
    let beforeBackup: number[];
    try {
      await waitFor('10 writes acknowledged', () => writer.acked.length >= 10, { everyMs: 5 });
      beforeBackup = [...writer.acked];
      backup = await fms(['backup', '--output', output, '--keep', '3'], env);
    } finally {
      await writer.stop();
    }
    ok(backup, 'fms backup');
    assert.match(backup.stdout, /^Backup written: .*fms-backup-\d{8}T\d{6}Z\.tar\.gz\n/);
    assert.match(backup.stdout, /database snapshot: sqlite-file/);
    assert.match(backup.stderr, /fms · dumping tables/, 'plain progress lines when not on a terminal');
    const [name] = readdirSync(output);
    const archive = join(output, name!);

    const verify = await fms(['backup', '--verify', archive], env);
    ok(verify, 'fms backup --verify');
    assert.match(verify.stdout, /^PASS {2}restore {2}into a temporary SQLite file by sqlite-file$/m);
    assert.match(verify.stdout, /^PASS {2}file uploads\/photo\.jpg/m);
    assert.doesNotMatch(verify.stdout, /^FAIL/m);

    const tampered = join(live.dir, 'tampered.tar.gz');
    const unpacked = join(live.dir, 'unpacked');
    mkdirSync(unpacked);
    const entries: string[] = [];
    await list({ file: archive, onReadEntry: (e) => void entries.push(e.path) });
    await extract({ file: archive, cwd: unpacked });
    writeFileSync(join(unpacked, 'uploads/photo.jpg'), 'not really a jpeG');
    await create({ gzip: true, file: tampered, cwd: unpacked }, entries);
    const bad = await fms(['backup', '--verify', tampered], env);
    failed(bad, 'fms backup --verify on a tampered archive');
    assert.match(bad.stdout, /^FAIL {2}file uploads\/photo\.jpg {2}sha256 differs/m);
    assert.match(bad.stderr, /failed verification: 2 of \d+ item\(s\) failed \(file uploads\/photo\.jpg, restore\)/);

    const restored = await openSite(t, 'sqlite', { migrate: false });
    const restoreEnv = { DATABASE_URL: restored.url, UPLOAD_FOLDER: restored.uploads };
    const restore = await fms(['restore', archive], restoreEnv);
    ok(restore, 'fms restore');
    assert.match(restore.stdout, /^Restored .* by sqlite-file\.$/m);
    assert.match(restore.stdout, /^ {2}users +\d+ rows$/m);
    assert.match(restore.stdout, /uploads: 1 file\(s\)/);
    const ids = new Set((await restored.db.selectFrom('auditLog').select('id').where('action', '=', 'test.write').execute()).map((r) => r.id));
    assert.deepEqual(beforeBackup.filter((id) => !ids.has(id)), [], 'every write acknowledged before the backup started is restored');

    const again = await fms(['restore', archive], restoreEnv);
    failed(again, 'fms restore into a database with data');
    assert.match(again.stderr, /already holds data .*--force/);

    const missing = await fms(['restore', join(live.dir, 'nope.tar.gz')], restoreEnv);
    failed(missing, 'fms restore of a missing file');
    assert.match(missing.stderr, /There is no backup archive at .*nope\.tar\.gz/);
  });

  test('db copy moves a department to another database and refuses to overwrite one', async (t) => {
    const to = (await testDatabases()).at(-1)!;
    const source = await openSite(t, 'sqlite');
    await seedDepartment(source);
    const target = await openSite(t, to, { migrate: false });
    const copy = await fms(['db', 'copy', '--from', source.url, '--to', target.url], {});
    ok(copy, 'fms db copy');
    assert.match(copy.stdout, /^ {2}students +32 +32$/m);
    assert.match(copy.stdout, /Every table has the same number of rows in both databases\./);
    if (to === 'postgres') assert.match(copy.stdout, /sequence\(s\) moved past the copied ids/);
    assert.equal(await countRows(target.db, 'students'), 32);

    const again = await fms(['db', 'copy', '--from', source.url, '--to', target.url], {});
    failed(again, 'fms db copy onto data');
    assert.match(again.stderr, /already holds data .*--force/);

    const same = await fms(['db', 'copy', '--from', source.url, '--to', source.url], {});
    failed(same, 'fms db copy onto itself');
    assert.match(same.stderr, /name the same database/);
  });
});
