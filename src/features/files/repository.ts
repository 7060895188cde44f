import type { Insertable } from 'kysely';
import type { Db } from '../../db/index.js';
import type { FilesTable } from '../../db/schema.js';

/** What the files table knows of every stored object, to check copies against. */
export function listFileRecords(db: Db) {
  return db.selectFrom('files').select(['storageKey', 'sha256', 'contentType']).execute();
}

export async function insertFile(db: Db, file: Insertable<FilesTable>): Promise<number> {
  const { id } = await db.insertInto('files').values(file).returning('id').executeTakeFirstOrThrow();
  return id;
}

export function findFileById(db: Db, id: number) {
  return db.selectFrom('files').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Deletes the rows among `ids` whose content type is one of `contentTypes`; returns what was deleted. */
export function deleteFilesOfTypes(db: Db, ids: readonly number[], contentTypes: readonly string[]) {
  if (ids.length === 0 || contentTypes.length === 0) return Promise.resolve([]);
  return db.deleteFrom('files').where('id', 'in', ids).where('contentType', 'in', contentTypes).returning(['id', 'storageKey']).execute();
}

/** Deletes the row with this id; returns what was deleted (none when there was no such row). */
export function deleteFileById(db: Db, id: number) {
  return db.deleteFrom('files').where('id', '=', id).returning(['id', 'storageKey']).execute();
}

/** Deletes the rows with these ids; returns their storage keys. */
export function deleteFilesByIds(db: Db, ids: readonly number[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db.deleteFrom('files').where('id', 'in', ids).returning(['id', 'storageKey']).execute();
}
