// Uploaded files' records. The storage holds the bytes; this table holds what they should be.
// These functions are building blocks for the features that own files (photos, materials, …): they
// check no access themselves; the calling feature's service decides who may store or read a file.
import type { ServiceContext } from '../../context.js';
import * as repo from './repository.js';

/** Every file record by storage key (operators' tools only: no actor check; the CLI is the operator). */
export async function fileRecordsByKey(ctx: Pick<ServiceContext, 'db'>) {
  const rows = await repo.listFileRecords(ctx.db);
  return new Map(rows.map((r) => [r.storageKey, { sha256: r.sha256, contentType: r.contentType }]));
}

export interface NewFileRecord {
  storageKey: string;
  originalName: string;
  contentType: string;
  size: number;
  sha256: string;
}

/** Records an object already written to storage; the uploader is the context's actor (none for the system). */
export async function recordStoredFile(ctx: Pick<ServiceContext, 'db' | 'actor' | 'clock'>, file: NewFileRecord): Promise<number> {
  return repo.insertFile(ctx.db, {
    ...file,
    uploadedBy: ctx.actor && ctx.actor.userId > 0 ? ctx.actor.userId : null,
    createdAt: ctx.clock.now(),
  });
}

export async function findFileRecord(ctx: Pick<ServiceContext, 'db'>, id: number) {
  if (!Number.isSafeInteger(id) || id <= 0) return undefined;
  return repo.findFileById(ctx.db, id);
}

/**
 * Deletes the records among `ids` that have one of `contentTypes` (so a caller deleting photos can
 * never delete an exercise's attachment by a wrong id); returns the deleted rows' storage keys.
 * References from other tables with ON DELETE SET NULL are cleared by the database.
 */
export async function deleteFileRecords(ctx: Pick<ServiceContext, 'db'>, ids: readonly number[], contentTypes: readonly string[]) {
  const valid = [...new Set(ids.filter((id) => Number.isSafeInteger(id) && id > 0))];
  return repo.deleteFilesOfTypes(ctx.db, valid, contentTypes);
}
