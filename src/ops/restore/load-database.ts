// Puts an archive's database into a destination, by the most exact means the pair allows:
//   SQLite archive -> SQLite: the snapshot file, copied in page by page with SQLite's backup API;
//   pg_dump archive -> PostgreSQL (same schema name, pg_restore installed): pg_restore;
//   anything else (across engines, or without the tools): the JSON-lines dump, table by table.
// Then the destination is migrated to this FMS's latest schema, so an older archive restores too.
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import type { DatabaseTarget } from '../../config/index.js';
import { dialectOf, openSqlite, schemaOf, type Db } from '../../db/index.js';
import { migrateOrThrow } from '../../db/migrator.js';
import type { Manifest } from '../backup/manifest.js';
import { findTool } from '../data/postgres-tools.js';
import type { OnProgress } from '../data/progress.js';
import { countAllRows } from '../data/rows.js';
import { listTables } from '../data/tables.js';
import type { Destination } from './destination.js';
import { loadTableDumps } from './load-dumps.js';
import { pgRestore } from './pg-restore.js';

export type LoadMethod = 'sqlite-file' | 'pg_restore' | 'logical';

export interface LoadResult {
  method: LoadMethod;
  /** Why the exact method was not used, when it was not. */
  note: string | null;
  /** Rows per table right after loading, before newer migrations run. */
  counts: Record<string, number>;
  /** Migrations applied after loading, to bring an older archive up to date. */
  migrated: string[];
}

export async function loadDatabase(dest: Destination, dir: string, manifest: Manifest, onProgress: OnProgress): Promise<LoadResult> {
  const { method, note } = await chooseMethod(dest, manifest);
  onProgress({ step: `loading the database (${method})`, done: 0, total: 0, unit: 'steps' });
  if (method === 'sqlite-file') await copySnapshotFile(join(dir, manifest.snapshot.file!), dest.target);
  else if (method === 'pg_restore') await pgRestore(dest, join(dir, manifest.snapshot.file!), manifest);
  else await loadTableDumps(dest.db, dir, manifest, onProgress);
  const counts = await countAllRows(dest.db, await listTables(dest.db));
  const migrated = await migrateOrThrow(dest.db);
  return { method, note, counts, migrated };
}

async function chooseMethod(dest: Destination, manifest: Manifest): Promise<{ method: LoadMethod; note: string | null }> {
  const kind = manifest.snapshot.kind;
  if (dest.target.kind === 'sqlite') {
    if (kind === 'sqlite-file') return { method: 'sqlite-file', note: null };
    return { method: 'logical', note: kind === 'pg_dump' ? 'a PostgreSQL archive goes into SQLite through its JSON-lines dump' : null };
  }
  if (kind !== 'pg_dump') return { method: 'logical', note: null };
  const schema = await currentSchema(dest.db);
  if (schema !== manifest.snapshot.schema)
    return { method: 'logical', note: `pg_dump's tables belong to schema ${manifest.snapshot.schema}, this database uses ${schema}` };
  const tool = await findTool('pg_restore', manifest.snapshot.pgDumpMajor ?? 0);
  if ('missing' in tool) return { method: 'logical', note: tool.missing };
  return { method: 'pg_restore', note: null };
}

async function currentSchema(db: Db): Promise<string> {
  if (dialectOf(db) !== 'postgres') return '';
  return schemaOf(db) ?? (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]!.s;
}

/**
 * Replaces the destination file's whole content with the snapshot's. The backup API writes
 * through SQLite's own locking, so an open connection to the file sees the restored database.
 */
async function copySnapshotFile(snapshotFile: string, target: DatabaseTarget): Promise<void> {
  if (target.kind !== 'sqlite') throw new Error('copySnapshotFile needs a SQLite destination');
  const snapshot = new SQLite(snapshotFile, { readonly: true, fileMustExist: true });
  try {
    await snapshot.backup(target.file);
  } finally {
    snapshot.close();
  }
  // The backup API wrote through a connection of better-sqlite3's defaults, whose WAL commits are
  // not synced; a checkpoint moves the restored pages into the file and syncs it, so the restore
  // holds after a power cut too (docs/operators.md, "What survives a power cut").
  const restored = openSqlite(target.file);
  try {
    restored.exec('PRAGMA wal_checkpoint(FULL)');
  } finally {
    restored.close();
  }
}
