// `fms backup`: one archive holding a consistent database snapshot, the uploads and a manifest,
// written under a temporary name and renamed only when complete, so a failed or interrupted
// backup never leaves something that looks like a good archive.
import { chmod, mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ServiceContext } from '../../context.js';
import { dialectOf } from '../../db/index.js';
import { syncFile, syncFolders } from '../../lib/durable-files.js';
import { ignoreProgress, type OnProgress } from '../data/progress.js';
import { archiveName, listArchives } from './archive-name.js';
import { ARCHIVE_MODE, BACKUP_FOLDER_MODE, prepareBackupFolder } from './backup-folder.js';
import type { DatabaseDump } from './database-dump.js';
import { fmsVersion } from '../../config/fms-version.js';
import { recordGoodBackup } from './last-good-backup.js';
import { ARCHIVE_FORMAT, MANIFEST_CHECKSUM_FILE, MANIFEST_FILE, sha256File, writeManifest, type Manifest } from './manifest.js';
import { packArchive } from './pack.js';
import { snapshotPostgres } from './postgres-snapshot.js';
import { DEFAULT_KEEP, pruneArchives } from './prune-archives.js';
import { SQLITE_SNAPSHOT_FILE, snapshotSqlite } from './sqlite-snapshot.js';
import { listUploads, type UploadFile } from './uploads.js';

export type BackupContext = Pick<ServiceContext, 'db' | 'clock' | 'config'>;

export interface BackupOptions {
  /** Folder for the archives (default: `backups` in the data folder, backup-folder.ts). */
  output?: string;
  /** Archives to keep in the folder, this one included (default 14). */
  keep?: number;
  /** Use pg_dump when it is installed (default true); the JSON-lines dump is always written. */
  pgDump?: boolean;
  onProgress?: OnProgress;
  /** Called just before the snapshot is taken: whatever was committed by then is in the archive. */
  onSnapshotStart?: () => void;
}

export interface BackupResult {
  archive: string;
  manifest: Manifest;
  bytes: number;
  milliseconds: number;
  pruned: string[];
  warnings: string[];
}

export async function createBackup(ctx: BackupContext, options: BackupOptions = {}): Promise<BackupResult> {
  const started = Date.now();
  const onProgress = options.onProgress ?? ignoreProgress;
  const keep = options.keep ?? DEFAULT_KEEP;
  const createdAt = ctx.clock.now();
  const { folder, made } = await prepareBackupFolder(ctx.config, options.output);
  const name = archiveName(createdAt, await listArchives(folder));
  const staging = join(folder, `.${name}.staging`);
  const partial = join(folder, `.${name}.partial`);
  const archive = join(folder, name);
  try {
    // The database dumps wait here before they are packed: as private as the archive.
    await mkdir(staging, { recursive: true, mode: BACKUP_FOLDER_MODE });
    await chmod(staging, BACKUP_FOLDER_MODE);
    const { dump, snapshot, warnings } = await snapshotDatabase(ctx, staging, options, onProgress);
    const uploads = await readUploads(ctx, onProgress, warnings);
    const manifest: Manifest = {
      format: ARCHIVE_FORMAT,
      fmsVersion: fmsVersion(),
      createdAt: createdAt.toISOString(),
      dialect: dialectOf(ctx.db),
      snapshot,
      migrations: dump.migrations,
      tables: dump.tables,
      uploads: uploads.summary,
      files: await checksums(staging, snapshot.file, dump, uploads.files),
    };
    await writeManifest(staging, manifest);
    const entries = [MANIFEST_FILE, MANIFEST_CHECKSUM_FILE, ...Object.keys(manifest.files)].map((archivePath) => ({
      archivePath,
      size: manifest.files[archivePath]?.size ?? 0,
    }));
    await packArchive(staging, ctx.config.uploadFolder, entries, partial, ARCHIVE_MODE, onProgress);
    // The umask may have narrowed the mode (never widened it): make it exactly 0600.
    await chmod(partial, ARCHIVE_MODE);
    // On disk, bytes and name, before older archives are pruned: a power cut just after a backup
    // must not leave a truncated newest archive and none of the older ones.
    await syncFile(partial);
    await rename(partial, archive);
    // And the folder's own name, when this backup made it.
    await syncFolders(folder, made ? dirname(made) : folder);
    await recordGoodBackup(ctx, createdAt);
    const pruned = await pruneArchives(folder, keep);
    return { archive, manifest, bytes: (await stat(archive)).size, milliseconds: Date.now() - started, pruned, warnings };
  } finally {
    await rm(staging, { recursive: true, force: true });
    await rm(partial, { force: true });
  }
}

async function snapshotDatabase(ctx: BackupContext, staging: string, options: BackupOptions, onProgress: OnProgress) {
  const onSnapshotStart = options.onSnapshotStart ?? (() => {});
  const target = ctx.config.database;
  if (target.kind === 'sqlite') {
    const dump = await snapshotSqlite(target.file, staging, onProgress, onSnapshotStart);
    const snapshot: Manifest['snapshot'] = { kind: 'sqlite-file', file: SQLITE_SNAPSHOT_FILE, schema: null, serverMajor: null, pgDumpMajor: null, note: null };
    return { dump, snapshot, warnings: [] as string[] };
  }
  const { snapshot, warnings, ...dump } = await snapshotPostgres(ctx.db, target.url, staging, { pgDump: options.pgDump !== false, onProgress, onSnapshotStart });
  return { dump, snapshot, warnings };
}

/**
 * With uploads in an S3 bucket (S3_BUCKET) there is no folder to archive: the bucket's own
 * versioning or replication keeps those, and the manifest says so instead of pretending.
 */
async function readUploads(ctx: BackupContext, onProgress: OnProgress, warnings: string[]) {
  const storage = (ctx.config as { storage?: { kind?: string } }).storage;
  if (storage?.kind === 's3') {
    const summary: Manifest['uploads'] = { included: false, reason: 'uploads are in an S3 bucket (S3_BUCKET); back the bucket up with its own versioning or replication' };
    warnings.push(summary.reason);
    return { files: [] as UploadFile[], summary };
  }
  const { files, skipped } = await listUploads(ctx.config.uploadFolder, onProgress);
  for (const path of skipped) warnings.push(`skipped ${path}: not a regular file`);
  const summary: Manifest['uploads'] = { included: true, files: files.length, bytes: files.reduce((sum, f) => sum + f.size, 0) };
  return { files, summary };
}

async function checksums(staging: string, snapshotFile: string | null, dump: DatabaseDump, uploads: UploadFile[]): Promise<Manifest['files']> {
  const files: Manifest['files'] = {};
  for (const path of [...(snapshotFile ? [snapshotFile] : []), ...dump.tables.map((t) => t.file)]) {
    const full = join(staging, path);
    files[path] = { size: (await stat(full)).size, sha256: await sha256File(full) };
  }
  for (const upload of uploads) files[upload.archivePath] = { size: upload.size, sha256: upload.sha256 };
  return files;
}
