import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { create, extract, list } from 'tar';
import { openTestDatabase } from '../../../test/build-test-app.js';
import { testDatabases, type TestDatabase } from '../../../test/services.js';
import { createBackup } from '../backup/create-backup.js';
import { sha256Text } from '../backup/manifest.js';
import { findTool } from '../data/postgres-tools.js';
import { countRows } from '../data/rows.js';
import { openSite as openSiteOn, readEverything, seedDepartment, type OpsTestSite } from '../data/testing.js';
import { restoreBackup } from './restore-backup.js';
import { verifyBackup } from './verify-backup.js';

/** A fresh test database of the given engine, as a site with its own uploads folder and config. */
const openSite = async (t: TestContext, database: TestDatabase, options?: { migrate?: boolean }) => openSiteOn(t, await openTestDatabase(t, database), options);

async function backedUpDepartment(t: TestContext, database: TestDatabase) {
  const site = await openSite(t, database);
  await seedDepartment(site);
  mkdirSync(join(site.uploads, 'materials'), { recursive: true });
  writeFileSync(join(site.uploads, 'materials', 'skripta.pdf'), '%PDF-1.7 fake but precious');
  // As it was at the backup: afterwards the live database also records the backup itself.
  const contents = await readEverything(site.db);
  const { archive, manifest } = await createBackup(site.ctx, { output: join(site.dir, 'backups') });
  return { site, archive, manifest, contents };
}

/** Rewrites one file inside an archive, as damage or tampering would. */
async function tamper(t: TestContext, archive: string, path: string, change: (bytes: Buffer) => Buffer): Promise<string> {
  const dir = scratchFolder(t, 'fms-tamper-');
  const entries: string[] = [];
  await list({ file: archive, onReadEntry: (entry) => void entries.push(entry.path) });
  await extract({ file: archive, cwd: dir });
  writeFileSync(join(dir, path), change(readFileSync(join(dir, path))));
  const out = join(dir, 'tampered.tar.gz');
  await create({ gzip: true, file: out, cwd: dir, portable: true }, entries);
  return out;
}

function scratchFolder(t: TestContext, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const flipLastByte = (bytes: Buffer) => {
  const copy = Buffer.from(bytes);
  copy[copy.length - 2] = copy[copy.length - 2]! ^ 0x01;
  return copy;
};

async function restoreInto(target: OpsTestSite, archive: string, force = false) {
  return restoreBackup({ config: target.config, db: target.db }, archive, { force });
}

for (const database of await testDatabases()) {
  describe(`restore on ${database}`, () => {
    test('restores every row and upload into an empty database and prints what it holds', async (t) => {
      const { site, archive, manifest, contents } = await backedUpDepartment(t, database);
      const target = await openSite(t, database, { migrate: false });
      const result = await restoreInto(target, archive);
      assert.deepEqual(result.tables, manifest.tables.map((t) => ({ name: t.name, rows: t.rows })));
      assert.deepEqual(await readEverything(target.db), contents, 'every value came back as it was');
      assert.equal(readFileSync(join(target.uploads, 'materials', 'skripta.pdf'), 'utf8'), '%PDF-1.7 fake but precious');
      const group = await target.db.insertInto('groups').values({ name: 'after restore', description: '', createdAt: new Date(), updatedAt: new Date() }).returning('id').executeTakeFirstOrThrow();
      const highest = Math.max(...(await site.db.selectFrom('groups').select('id').execute()).map((g) => g.id));
      assert.ok(group.id > highest, 'a new row after a restore gets a fresh id');
    });

    test('--force over the very database that was backed up brings back its state at the backup', async (t) => {
      const { site, archive, contents } = await backedUpDepartment(t, database);
      await site.db.deleteFrom('submissions').execute();
      await site.db.updateTable('students').set({ firstName: 'Changed' }).execute();
      await site.db.insertInto('groups').values({ name: 'made after the backup', description: '', createdAt: new Date(), updatedAt: new Date() }).execute();
      const result = await restoreInto(site, archive, true);
      const exact = database === 'sqlite' ? 'sqlite-file' : 'path' in (await findTool('pg_restore', 0)) ? 'pg_restore' : 'logical';
      assert.equal(result.method, exact, result.note ?? '');
      assert.deepEqual(await readEverything(site.db), contents);
      const highest = Math.max(...contents.groups!.map((g) => g[0] as number));
      const next = await site.db.insertInto('groups').values({ name: 'after', description: '', createdAt: new Date(), updatedAt: new Date() }).returning('id').executeTakeFirstOrThrow();
      assert.equal(next.id, highest + 1, 'ids continue from the restored rows');
    });

    test('refuses a database that holds data unless --force, and then replaces it', async (t) => {
      const { archive } = await backedUpDepartment(t, database);
      const target = await openSite(t, database);
      await target.db.insertInto('groups').values({ name: 'precious', description: '', createdAt: new Date(), updatedAt: new Date() }).execute();
      await assert.rejects(restoreInto(target, archive), (error: Error) => {
        assert.match(error.message, /already holds data \(groups 1\)/);
        assert.match(error.message, /--force/);
        return true;
      });
      assert.equal(await countRows(target.db, 'groups'), 1, 'nothing was changed');
      await restoreInto(target, archive, true);
      assert.equal((await target.db.selectFrom('groups').select('id').where('name', '=', 'precious').execute()).length, 0);
      assert.ok((await countRows(target.db, 'users')) >= 34);
    });

    test('refuses an uploads folder that holds files unless --force', async (t) => {
      const { archive } = await backedUpDepartment(t, database);
      const target = await openSite(t, database);
      mkdirSync(target.uploads, { recursive: true });
      writeFileSync(join(target.uploads, 'someone-elses.txt'), 'x');
      await assert.rejects(restoreInto(target, archive), /uploads folder .* already holds 1 file.*--force/s);
      assert.equal(await countRows(target.db, 'users'), 0, 'the database was not touched either');
      const result = await restoreInto(target, archive, true);
      assert.deepEqual(result.uploads, { restored: 1, leftInPlace: 1 });
    });

    test('--verify passes on a good archive and names every failing item of a damaged one', async (t) => {
      const { site, archive, manifest } = await backedUpDepartment(t, database);
      const good = await verifyBackup({ config: site.config }, archive);
      assert.ok(good.ok, good.checks.filter((c) => !c.ok).map((c) => `${c.item}: ${c.detail}`).join('\n'));
      assert.ok(good.checks.some((c) => c.item === 'rows users' && c.ok));
      assert.ok(good.checks.some((c) => c.item === 'file uploads/materials/skripta.pdf' && c.ok));

      const badUpload = await verifyBackup({ config: site.config }, await tamper(t, archive, 'uploads/materials/skripta.pdf', flipLastByte));
      assert.equal(badUpload.ok, false);
      assert.deepEqual(badUpload.checks.filter((c) => !c.ok).map((c) => c.item), ['file uploads/materials/skripta.pdf', 'restore']);

      const users = manifest.tables.find((t) => t.name === 'users')!.file;
      const badDump = await verifyBackup({ config: site.config }, await tamper(t, archive, users, (b) => Buffer.from(b.toString().replace('"admin"', '"admim"'))));
      assert.deepEqual(badDump.checks.filter((c) => !c.ok).map((c) => c.item), [`file ${users}`, 'restore']);

      const badManifest = await verifyBackup({ config: site.config }, await tamper(t, archive, 'manifest.json', (b) => Buffer.from(b.toString().replace(/"rows": (\d+)/, (_, n) => `"rows": ${Number(n) + 1}`))));
      assert.equal(badManifest.ok, false);
      assert.match(badManifest.checks.find((c) => !c.ok)!.detail, /manifest\.json does not match its checksum/);

      // Even with a recomputed checksum, a manifest may not point outside the archive.
      const escaping = await tamper(t, archive, 'manifest.json', (b) => Buffer.from(b.toString().replace('"uploads/materials/skripta.pdf"', '"uploads/../../../skripta.pdf"')));
      const escapingDir = scratchFolder(t, 'fms-escape-');
      await extract({ file: escaping, cwd: escapingDir });
      writeFileSync(join(escapingDir, 'manifest.sha256'), `${sha256Text(readFileSync(join(escapingDir, 'manifest.json'), 'utf8'))}  manifest.json\n`);
      const reforged = await tamper(t, escaping, 'manifest.sha256', () => readFileSync(join(escapingDir, 'manifest.sha256')));
      const badPath = await verifyBackup({ config: site.config }, reforged);
      assert.match(badPath.checks.find((c) => c.item === 'manifest')!.detail, /"uploads\/\.\.\/\.\.\/\.\.\/skripta\.pdf", which leads outside the archive/);

      const truncated = join(site.dir, 'truncated.tar.gz');
      const bytes = readFileSync(archive);
      writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
      const badArchive = await verifyBackup({ config: site.config }, truncated);
      assert.equal(badArchive.ok, false);
      assert.equal(badArchive.checks[0]!.item, 'archive');

      await assert.rejects(restoreInto(await openSite(t, database, { migrate: false }), await tamper(t, archive, users, flipLastByte)), /failed its checks, so nothing was restored/);
    });
  });
}

describe('restored uploads', () => {
  test('are 0600 in folders made 0700, whatever the umask and the modes they were archived with', async (t) => {
    const site = await openSite(t, 'sqlite');
    mkdirSync(join(site.uploads, '2026', '12'), { recursive: true, mode: 0o775 });
    writeFileSync(join(site.uploads, '2026', '12', 'photo'), 'jpeg bytes', { mode: 0o664 });
    chmodSync(join(site.uploads, '2026', '12', 'photo'), 0o664);
    const { archive } = await createBackup(site.ctx, { output: join(site.dir, 'backups') });
    const target = await openSite(t, 'sqlite', { migrate: false });
    const previous = process.umask(0);
    try {
      await restoreInto(target, archive);
    } finally {
      process.umask(previous);
    }
    const mode = (path: string) => (statSync(join(target.uploads, path)).mode & 0o777).toString(8).padStart(4, '0');
    assert.deepEqual(['', '2026', '2026/12', '2026/12/photo'].map(mode), ['0700', '0700', '0700', '0600']);
  });
});

if ((await testDatabases()).includes('postgres')) {
  describe('restore across engines', () => {
    for (const [from, to] of [['sqlite', 'postgres'], ['postgres', 'sqlite']] as const) {
      test(`a ${from} archive restores into ${to} through its JSON-lines dump`, async (t) => {
        const { archive, contents } = await backedUpDepartment(t, from);
        const target = await openSite(t, to, { migrate: false });
        const result = await restoreInto(target, archive);
        assert.equal(result.method, 'logical');
        assert.deepEqual(await readEverything(target.db), contents, 'every value survived the change of engine');
        const verified = await verifyBackup({ config: target.config }, archive);
        assert.ok(verified.ok, `the drill on the other engine passes too: ${verified.checks.filter((c) => !c.ok).map((c) => `${c.item}: ${c.detail}`).join('; ')}`);
      });
    }
  });
}
