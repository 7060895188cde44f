// SQLite: `VACUUM INTO` on a separate read-only connection writes a consistent copy of the live
// file while the app goes on writing (WAL lets one reader and the writers proceed side by side).
// Copying the file itself would catch pages mid-write and the -wal file out of step: a corrupt backup.
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import SQLite from 'better-sqlite3';
import { createDb } from '../../db/index.js';
import { OpsError } from '../data/ops-error.js';
import type { OnProgress } from '../data/progress.js';
import { dumpDatabase, type DatabaseDump } from './database-dump.js';

export const SQLITE_SNAPSHOT_FILE = 'database/fms.sqlite';

export async function snapshotSqlite(liveFile: string, staging: string, onProgress: OnProgress, onSnapshotStart: () => void): Promise<DatabaseDump> {
  if (liveFile === ':memory:') throw new OpsError('An in-memory database (DATABASE_URL=sqlite::memory:) has nothing on disk to back up.');
  const snapshotFile = join(staging, SQLITE_SNAPSHOT_FILE);
  await mkdir(dirname(snapshotFile), { recursive: true });
  onProgress({ step: 'taking the database snapshot', done: 0, total: 1, unit: 'steps' });
  onSnapshotStart();
  vacuumInto(liveFile, snapshotFile);
  onProgress({ step: 'taking the database snapshot', done: 1, total: 1, unit: 'steps' });
  // The dump is read from the snapshot, not the live file: the two cannot disagree.
  const snapshot = createDb({ kind: 'sqlite', file: snapshotFile, url: `sqlite:${snapshotFile}` });
  let dump: DatabaseDump;
  try {
    dump = await dumpDatabase(snapshot, staging, onProgress);
  } finally {
    await snapshot.destroy();
  }
  makeSelfContained(snapshotFile);
  return dump;
}

function vacuumInto(liveFile: string, snapshotFile: string): void {
  let source: SQLite.Database;
  try {
    source = new SQLite(liveFile, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new OpsError(`Cannot open the database ${liveFile}: ${(error as Error).message}. Check DATABASE_URL.`);
  }
  try {
    // exec, not pragma(): pragma() leaves a statement for the collector, which Node 24.19-24.21 abort on.
    source.exec('pragma busy_timeout = 10000');
    source.prepare('VACUUM INTO ?').run(snapshotFile);
  } finally {
    source.close();
  }
}

/** Opening the snapshot switched it to WAL; an archived file should need no -wal beside it. */
function makeSelfContained(file: string): void {
  const db = new SQLite(file, { fileMustExist: true });
  try {
    db.exec('pragma journal_mode = DELETE');
  } finally {
    db.close();
  }
}
