// The imports table: an uploaded file waiting between its dry run and its confirmation, and the
// record of what was applied.
import type { Insertable, Updateable } from 'kysely';
import type { Db } from '../../db/index.js';
import type { ImportKind, ImportsTable } from '../../db/schema.js';

export async function insertImport(db: Db, values: Insertable<ImportsTable>): Promise<number> {
  const row = await db.insertInto('imports').values(values).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export function findImport(db: Db, id: number) {
  return db
    .selectFrom('imports')
    .leftJoin('users', 'users.id', 'imports.createdBy')
    .select([
      'imports.id',
      'imports.kind',
      'imports.status',
      'imports.fileId',
      'imports.originalName',
      'imports.planHash',
      'imports.summary',
      'imports.createdBy',
      'imports.createdAt',
      'imports.appliedAt',
      'users.username as createdByName',
    ])
    .select((eb) => eb('imports.credentials', 'is not', null).as('hasCredentials'))
    .where('imports.id', '=', id)
    .executeTakeFirst();
}

export function listRecentImports(db: Db, kinds: readonly ImportKind[], limit: number) {
  if (kinds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('imports')
    .leftJoin('users', 'users.id', 'imports.createdBy')
    .select(['imports.id', 'imports.kind', 'imports.status', 'imports.originalName', 'imports.createdAt', 'imports.appliedAt', 'users.username as createdByName'])
    .where('imports.kind', 'in', kinds)
    .orderBy('imports.createdAt', 'desc')
    .orderBy('imports.id', 'desc')
    .limit(limit)
    .execute();
}

export async function updateImport(db: Db, id: number, values: Updateable<ImportsTable>): Promise<void> {
  await db.updateTable('imports').set(values).where('id', '=', id).execute();
}

/**
 * Marks a dry run as being applied; false when it is not a dry run any more. Two confirmations at
 * once: the second waits for the first's row lock (PostgreSQL) or write lock (SQLite), then finds
 * applied_at set and gets false.
 */
export async function claimDryRun(db: Db, id: number, at: Date): Promise<boolean> {
  const result = await db.updateTable('imports').set({ appliedAt: at }).where('id', '=', id).where('status', '=', 'dry_run').where('appliedAt', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Takes the sealed credentials out of the row, once: the second caller gets null. */
export async function takeCredentials(db: Db, id: number): Promise<string | null> {
  const row = await db.selectFrom('imports').select('credentials').where('id', '=', id).executeTakeFirst();
  if (!row?.credentials) return null;
  const result = await db.updateTable('imports').set({ credentials: null }).where('id', '=', id).where('credentials', '=', row.credentials).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1 ? row.credentials : null;
}

/** Dry runs older than `before` that were never confirmed: their files are waste. */
export function staleDryRuns(db: Db, before: Date) {
  return db.selectFrom('imports').select(['id', 'fileId']).where('status', '=', 'dry_run').where('createdAt', '<', before).limit(100).execute();
}

/**
 * Deletes those of the given imports that are still unconfirmed dry runs (one may have been confirmed
 * since it was chosen) and answers the files of the ones it deleted.
 */
export async function deleteDryRuns(db: Db, ids: readonly number[]): Promise<{ id: number; fileId: number | null }[]> {
  if (!ids.length) return [];
  return db.deleteFrom('imports').where('id', 'in', ids).where('status', '=', 'dry_run').where('appliedAt', 'is', null).returning(['id', 'fileId']).execute();
}
