import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { openTestDatabase } from '../../../test/build-test-app.js';
import type { Db } from '../../db/index.js';
import { postgresUrl, testDatabases, type TestDatabase } from '../../../test/services.js';
import { sql } from 'kysely';
import pg from 'pg';
import { loadConfig } from '../../config/index.js';
import { randomToken } from '../../lib/secrets.js';
import { readSetting } from '../../db/settings.js';
import { searchPathOf } from '../data/database-url.js';
import { countAllRows } from '../data/rows.js';
import { listTables } from '../data/tables.js';
import { migrations } from '../../db/migrations/index.js';
import { openSite as openSiteOn, seedDepartment, startWriter } from '../data/testing.js';
import { restoreBackup } from '../restore/restore-backup.js';
import { verifyBackup } from '../restore/verify-backup.js';
import { waitFor } from '../../../test/wait-for.js';
import { archiveAt, archiveName, listArchives } from './archive-name.js';
import { defaultBackupFolder, prepareBackupFolder } from './backup-folder.js';
import { createBackup } from './create-backup.js';
import { LAST_GOOD_BACKUP_SETTING } from './last-good-backup.js';

/** A fresh test database of the given engine, as a site with its own uploads folder and config. */
const openSite = async (t: TestContext, database: TestDatabase, options?: { migrate?: boolean }) => openSiteOn(t, await openTestDatabase(t, database), options);

/**
 * The PostgreSQL snapshot this machine should give, decided here from what is installed rather than
 * by the code under test: pg_dump itself when a pg_dump of the server's major version or newer is on
 * PATH or in Debian's folder for that version, else the logical copy. CI installs PostgreSQL with its
 * client (.ci/run), so there it must be pg_dump.
 */
async function expectedPostgresSnapshot(db: Db): Promise<'pg_dump' | 'logical'> {
  const { rows } = await sql<{ v: string }>`select current_setting('server_version_num') as v`.execute(db);
  const server = Math.floor(Number(rows[0]!.v) / 10_000);
  const installed = ['pg_dump', `/usr/lib/postgresql/${server}/bin/pg_dump`]
    .map((path) => spawnSync(path, ['--version'], { encoding: 'utf8' }))
    .filter((run) => run.status === 0)
    .map((run) => Number(/\(PostgreSQL\) (\d+)/.exec(run.stdout)?.[1] ?? 0));
  const usable = installed.some((major) => major >= server);
  if (process.env.CI === 'true') assert.ok(usable, `CI=true expects pg_dump ${server} or newer (Debian's postgresql-client; .ci/run installs it), found ${installed.join(', ') || 'none'}`);
  return usable ? 'pg_dump' : 'logical';
}

const modeOf = (path: string) => (statSync(path).mode & 0o777).toString(8).padStart(4, '0');

/** Runs `work` with the given umask, as root's shell would have it, and puts the old one back. */
async function withUmask<T>(mask: number, work: () => Promise<T>): Promise<T> {
  const previous = process.umask(mask);
  try {
    return await work();
  } finally {
    process.umask(previous);
  }
}

for (const database of await testDatabases()) {
  describe(`backup on ${database}`, () => {
    test('a backup taken while the app writes holds every row acknowledged before its snapshot, and restores to its manifest', async (t) => {
      const live = await openSite(t, database);
      await seedDepartment(live);
      mkdirSync(join(live.uploads, 'ab', 'cd'), { recursive: true });
      writeFileSync(join(live.uploads, 'ab', 'cd', 'ключ-Šarić.pdf'), Buffer.from([0, 1, 2, 255, 254]));
      writeFileSync(join(live.uploads, 'notes.txt'), 'uploaded text\n');

      const writer = startWriter(live.url);
      let beforeSnapshot: number[] = [];
      let ackedWhenBackupEnded = 0;
      try {
        await waitFor('20 writes acknowledged before the backup', () => writer.acked.length >= 20, { everyMs: 5 });
        const result = await createBackup(live.ctx, {
          output: join(live.dir, 'backups'),
          onSnapshotStart: () => (beforeSnapshot = [...writer.acked]),
        });
        ackedWhenBackupEnded = writer.acked.length;
        await waitFor('20 more writes acknowledged after it', () => writer.acked.length >= ackedWhenBackupEnded + 20, { everyMs: 5 });
        t.diagnostic(`backup ${result.milliseconds} ms, ${result.bytes} bytes, snapshot ${result.manifest.snapshot.kind} ${result.manifest.snapshot.note ?? ""}; ${writer.acked.length} writes meanwhile`);
        assert.ok(ackedWhenBackupEnded > beforeSnapshot.length, 'the app went on writing while the backup ran');

        const restored = await openSite(t, database, { migrate: false });
        await restoreBackup({ config: restored.config, db: restored.db }, result.archive);
        const ids = new Set((await restored.db.selectFrom('auditLog').select('id').where('action', '=', 'test.write').execute()).map((r) => r.id));
        const missing = beforeSnapshot.filter((id) => !ids.has(id));
        assert.deepEqual(missing, [], 'every write acknowledged before the snapshot is in the backup');
        const acked = new Set(writer.acked);
        const phantoms = [...ids].filter((id) => !acked.has(id));
        assert.ok(phantoms.length <= 1, `only the one insert in flight may be in the backup unacknowledged, found ${phantoms.length}`);

        const counts = await countAllRows(restored.db, await listTables(restored.db));
        for (const table of result.manifest.tables) assert.equal(counts[table.name], table.rows, `restored ${table.name} has the manifest's count`);
        assert.ok(result.manifest.tables.find((t) => t.name === 'users')!.rows >= 34, 'the demo department is in the manifest');
        assert.deepEqual(readFileSync(join(restored.uploads, 'ab', 'cd', 'ключ-Šarić.pdf')), Buffer.from([0, 1, 2, 255, 254]));
        assert.equal(readFileSync(join(restored.uploads, 'notes.txt'), 'utf8'), 'uploaded text\n');
        assert.equal(await readSetting(live.ctx, LAST_GOOD_BACKUP_SETTING), result.manifest.createdAt, 'the live database records the last good backup');

        // The restore drill loads the engine's own snapshot (the SQLite file, or pg_dump's file
        // through pg_restore): its counts agree with the manifest too, so both dumps are one instant.
        const drill = await verifyBackup({ config: live.config }, result.archive);
        assert.ok(drill.ok, drill.checks.filter((c) => !c.ok).map((c) => `${c.item}: ${c.detail}`).join('\n'));
        const restore = drill.checks.find((c) => c.item === 'restore')!;
        const loader = database === 'sqlite' ? 'sqlite-file' : (await expectedPostgresSnapshot(live.db)) === 'pg_dump' ? 'pg_restore' : 'logical';
        assert.match(restore.detail, new RegExp(`by ${loader}`));
      } finally {
        await writer.stop();
      }
    });

    test('the manifest names the version, engine, migrations, counts and a checksum per file', async (t) => {
      const site = await openSite(t, database);
      await seedDepartment(site);
      const { manifest, archive } = await createBackup(site.ctx, { output: join(site.dir, 'backups') });
      assert.match(archive, /fms-backup-20261128T183000Z\.tar\.gz$/);
      assert.equal(manifest.fmsVersion, JSON.parse(readFileSync('package.json', 'utf8')).version);
      assert.equal(manifest.dialect, database);
      assert.deepEqual(manifest.migrations, Object.keys(migrations), 'every applied migration, in order');
      assert.equal(manifest.createdAt, '2026-11-28T18:30:00.000Z');
      assert.deepEqual(manifest.uploads, { included: true, files: 0, bytes: 0 }, 'a missing uploads folder is an empty one');
      const order = manifest.tables.map((t) => t.name);
      for (const [parent, child] of [['groups', 'students'], ['files', 'students'], ['students', 'users'], ['lecturers', 'users'], ['users', 'submissions'], ['exercises', 'submissions'], ['subjects', 'teaching']])
        assert.ok(order.indexOf(parent!) < order.indexOf(child!), `${parent} comes before ${child}`);
      assert.ok(!order.includes('fms_migrations_lock'));
      for (const table of manifest.tables) assert.match(manifest.files[table.file]?.sha256 ?? '', /^[0-9a-f]{64}$/);
      if (database === 'sqlite') assert.equal(manifest.snapshot.kind, 'sqlite-file');
      else {
        assert.equal(manifest.snapshot.kind, await expectedPostgresSnapshot(site.db), manifest.snapshot.note ?? '');
        assert.equal(manifest.snapshot.schema, searchPathOf(site.url));
      }
    });

    test('without --output the archive goes to backups in the data folder: 0600, in folders made 0700, whatever the umask', async (t) => {
      const site = await openSite(t, database);
      const result = await withUmask(0, () => createBackup(site.ctx));
      // The data folder holds the SQLite file, or else the uploads folder: /var/lib/fms on the documented layout.
      const folder = site.config.database.kind === 'sqlite' ? join(dirname(site.config.database.file), 'backups') : join(site.dir, 'backups');
      assert.equal(dirname(result.archive), folder);
      assert.equal(modeOf(result.archive), '0600', 'the archive holds password hashes and personal data');
      assert.equal(modeOf(folder), '0700');

      const nested = join(site.dir, 'outer', 'inner');
      const second = await withUmask(0o022, () => createBackup(site.ctx, { output: nested }));
      assert.equal(modeOf(second.archive), '0600');
      assert.deepEqual([modeOf(join(site.dir, 'outer')), modeOf(nested)], ['0700', '0700'], 'every folder it makes');
    });

    test('a backup that fails part-way leaves no archive behind and records nothing', async (t) => {
      const site = await openSite(t, database);
      const output = join(site.dir, 'backups');
      await assert.rejects(
        createBackup(site.ctx, {
          output,
          onProgress: (event) => {
            if (event.step === 'writing the archive' && event.done > 0) throw new Error('disk full (simulated)');
          },
        }),
        /disk full/,
      );
      assert.deepEqual(readdirSync(output), [], 'no archive, no partial file, no staging folder');
      assert.equal(await readSetting(site.ctx, LAST_GOOD_BACKUP_SETTING), null);
    });
  });
}

describe('the backup folder', () => {
  test('a folder that cannot be made, or one inside UPLOAD_FOLDER, is refused with what to pass instead', async (t) => {
    const site = await openSite(t, 'sqlite');
    writeFileSync(join(site.dir, 'a-file'), '');
    await assert.rejects(createBackup(site.ctx, { output: join(site.dir, 'a-file', 'backups') }), (error: Error) => {
      assert.match(error.message, /The backup folder \(--output\) .*a-file\/backups cannot be created .* because .*a-file is a file/);
      assert.match(error.message, /pass --output with another folder \(fms-backup\.service uses \/var\/lib\/fms\/backups\)/);
      return true;
    });
    await assert.rejects(createBackup(site.ctx, { output: join(site.uploads, 'backups') }), /inside UPLOAD_FOLDER .*every archive would hold the ones before it: choose a folder outside it/);
    assert.deepEqual(readdirSync(site.dir).sort(), ['a-file'], 'nothing was made');
  });

  test('with PostgreSQL and uploads in S3 there is no default: it asks for --output', async () => {
    const config = { database: { kind: 'postgres', url: 'postgres://fms@db/fms' }, storage: { kind: 's3', bucket: 'b', endpoint: null, region: 'r', accessKeyId: 'k', secretAccessKey: 's', forcePathStyle: false } } as const;
    assert.equal(defaultBackupFolder(config), null);
    await assert.rejects(prepareBackupFolder(config, undefined), /Give the folder for the archives with --output DIR, e\.g\. --output \/var\/lib\/fms\/backups/);
    assert.equal(defaultBackupFolder({ ...config, storage: { kind: 'local', folder: '/var/lib/fms/uploads' } }), '/var/lib/fms/backups', 'the documented layout gives the timer\'s folder');
    assert.equal(defaultBackupFolder({ database: { kind: 'sqlite', file: '/var/lib/fms/fms.sqlite', url: 'sqlite:/var/lib/fms/fms.sqlite' }, storage: config.storage }), '/var/lib/fms/backups');
  });
});

if ((await testDatabases()).includes('postgres')) {
  describe('the restore drill on PostgreSQL', () => {
    test('a role without CREATEDB passes with a WARN naming CREATEDB (its pg_dump file went untested); with CREATEDB the drill restores it by pg_restore', async (t) => {
      const site = await openSite(t, 'postgres');
      const { archive, manifest } = await createBackup(site.ctx, { output: join(site.dir, 'backups') });
      assert.equal(manifest.snapshot.kind, 'pg_dump', `pg_dump is needed for this test: ${manifest.snapshot.note ?? ''}`);

      // The role docs/deployment.md creates: it may log in and own schemas, not create databases.
      const role = `fms_drill_${randomToken(6).toLowerCase().replace(/[^a-z0-9]/g, 'x')}`;
      const admin = new pg.Client({ connectionString: postgresUrl });
      await admin.connect();
      const database = (await admin.query<{ db: string }>('select current_database() as db')).rows[0]!.db;
      await admin.query(`create role ${role} login password 'drill-password' nocreatedb`);
      await admin.query(`grant create on database "${database}" to ${role}`);
      t.after(async () => {
        await admin.query(`drop owned by ${role}`);
        await admin.query(`drop role ${role}`);
        await admin.end();
      });
      const url = new URL(site.url);
      url.username = role;
      url.password = 'drill-password';
      const config = loadConfig({ FMS_CONFIG: 'testing', LOG_LEVEL: 'silent', DATABASE_URL: url.toString(), UPLOAD_FOLDER: site.uploads }, { dotenvDir: false });

      const limited = await verifyBackup({ config }, archive);
      assert.ok(limited.ok, limited.checks.filter((c) => !c.ok).map((c) => `${c.item}: ${c.detail}`).join('\n'));
      assert.match(limited.checks.find((c) => c.item === 'restore')!.detail, /by logical/);
      const warnings = limited.checks.filter((c) => c.warning);
      assert.deepEqual(warnings.map((c) => c.item), ['pg_dump snapshot']);
      assert.match(warnings[0]!.detail, new RegExp(`pg_dump file was not test-restored: the role ${role} may not create databases \\(it lacks CREATEDB\\)`));
      assert.match(warnings[0]!.detail, new RegExp(`ALTER ROLE ${role} CREATEDB`));

      const full = await verifyBackup({ config: site.config }, archive);
      assert.ok(full.ok);
      assert.match(full.checks.find((c) => c.item === 'restore')!.detail, /into scratch database fms_verify_\w+ by pg_restore$/);
      assert.deepEqual(full.checks.filter((c) => c.warning), [], 'nothing left unproven');
    });
  });
}

describe('backup retention', () => {
  test('--keep N keeps the N newest archives and never touches other files', async (t) => {
    const site = await openSite(t, 'sqlite');
    const output = join(site.dir, 'backups');
    mkdirSync(output, { recursive: true });
    writeFileSync(join(output, 'notes.txt'), 'keep me');
    writeFileSync(join(output, 'fms-backup-latest.tar.gz'), 'not ours: no timestamp');
    const written: string[] = [];
    for (let i = 0; i < 4; i++) {
      written.push((await createBackup(site.ctx, { output, keep: 2 })).archive.split('/').pop()!);
      site.clock.advance(3_600_000);
    }
    assert.deepEqual(await listArchives(output), written.slice(2));
    assert.deepEqual(readdirSync(output).sort(), [...written.slice(2), 'fms-backup-latest.tar.gz', 'notes.txt'].sort());

    // Two backups in the same second do not overwrite each other, and sort in the order taken.
    const again = await createBackup(site.ctx, { output, keep: 10 });
    const thenAgain = await createBackup(site.ctx, { output, keep: 10 });
    assert.match(thenAgain.archive, /-2\.tar\.gz$/);
    assert.deepEqual((await listArchives(output)).slice(-2), [again.archive, thenAgain.archive].map((p) => p.split('/').pop()));
    await assert.rejects(createBackup(site.ctx, { output, keep: 0 }), /--keep/);
  });

  test('--verify with a folder means the newest archive in it; an empty folder is named', async (t) => {
    const site = await openSite(t, 'sqlite');
    const output = join(site.dir, 'backups');
    const first = await createBackup(site.ctx, { output });
    site.clock.advance(3_600_000);
    const second = await createBackup(site.ctx, { output });
    writeFileSync(join(output, 'zz-not-an-archive.tar.gz'), '');
    assert.equal(await archiveAt(output), second.archive);
    assert.equal(await archiveAt(first.archive), first.archive, 'a file is itself');
    mkdirSync(join(site.dir, 'empty'));
    await assert.rejects(archiveAt(join(site.dir, 'empty')), /There is no fms-backup-….tar.gz archive in .*empty: give an archive, or the folder `fms backup` writes to/);
  });

  test('archive names sort by the instant they were taken', () => {
    const at = new Date('2026-11-28T18:30:00.456Z');
    assert.equal(archiveName(at, []), 'fms-backup-20261128T183000Z.tar.gz');
    assert.equal(archiveName(at, ['fms-backup-20261128T183000Z.tar.gz', 'fms-backup-20261128T183000Z-2.tar.gz']), 'fms-backup-20261128T183000Z-3.tar.gz');
  });
});
