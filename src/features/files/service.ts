// Uploaded files' records. The storage holds the bytes; this table holds what they should be.
// These functions are building blocks for the features that own files (photos, materials, …): they
// check no access themselves; the calling feature's service decides who may store or read a file.
import type { Readable } from 'node:stream';
import type { ServiceContext } from '../../context.js';
import { NotFound } from '../../lib/errors.js';
import { deleteObjectsQuietly } from '../../storage/index.js';
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

/**
 * Deletes one file's record, for a feature whose own row names that file (a material, an
 * attachment) and has decided the actor may delete it; answers the storage key whose object the
 * caller removes after its transaction commits, or null when there was no such record.
 */
export async function deleteFileRecord(ctx: Pick<ServiceContext, 'db'>, id: number): Promise<string | null> {
  const [deleted] = await repo.deleteFileById(ctx.db, id);
  return deleted?.storageKey ?? null;
}

/**
 * Deletes the records of files a feature's rows named and no longer do (an exercise's submissions,
 * once deleted), 500 a statement; answers the storage keys whose objects the caller removes after
 * its transaction commits.
 */
export async function deleteFileRecordsById(ctx: Pick<ServiceContext, 'db'>, ids: readonly number[]): Promise<string[]> {
  const valid = [...new Set(ids.filter((id) => Number.isSafeInteger(id) && id > 0))];
  const keys: string[] = [];
  for (let i = 0; i < valid.length; i += 500) for (const row of await repo.deleteFilesByIds(ctx.db, valid.slice(i, i + 500))) keys.push(row.storageKey);
  return keys;
}

/**
 * Deletes stored objects no committed row refers to any more (after the rows' transaction
 * committed, or after it rolled back for objects just written). Never throws: an object it cannot
 * delete is logged and stays, unreferenced, costing only its space.
 */
export async function discardStoredObjects(ctx: Pick<ServiceContext, 'storage' | 'log'>, keys: readonly string[]): Promise<void> {
  if (!ctx.storage || keys.length === 0) return;
  await deleteObjectsQuietly(ctx.storage, keys, ctx.log, 'could not delete a stored object; it is left without a row');
}

/** What the route runs once the transaction has committed: deleting the objects no row names any more. */
export interface AfterCommit {
  afterCommit(): Promise<void>;
}

/** A stored file ready to send (routes/send-file.ts SendableFile): its record, and a way to open all of it or a byte range. */
export interface StoredFile {
  contentType: string;
  size: number;
  sha256: string;
  originalName: string;
  /** When these bytes were stored (a replaced file is a new file): Last-Modified. */
  createdAt: Date;
  open(range?: { start: number; end: number }): Promise<Readable>;
}

/**
 * A file record as something to send, once the calling feature has decided the actor may read it.
 * A row whose object is missing is logged (an operator's problem) and answers 404.
 */
export function storedFile(
  ctx: Pick<ServiceContext, 'storage' | 'log'>,
  file: { storageKey: string; contentType: string; size: number | string; sha256: string; originalName: string; createdAt: Date },
  owner: Record<string, unknown>,
): StoredFile {
  const storage = ctx.storage;
  // A programming error, not a user's: every request and command that serves files has storage.
  if (!storage) throw new Error('Sending a file needs file storage, and the service context has none.');
  return {
    contentType: file.contentType,
    size: Number(file.size),
    sha256: file.sha256,
    originalName: file.originalName,
    createdAt: file.createdAt,
    open: async (range) => {
      try {
        return (await storage.get(file.storageKey, range ? { range } : undefined)).stream;
      } catch (error) {
        if (error instanceof NotFound) ctx.log.warn({ ...owner, key: file.storageKey }, 'a file row points to a missing storage object');
        throw error;
      }
    },
  };
}
