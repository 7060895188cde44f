import type { Db } from '../../db/index.js';

/** What the files table knows of every stored object, to check copies against. */
export function listFileRecords(db: Db) {
  return db.selectFrom('files').select(['storageKey', 'sha256', 'contentType']).execute();
}
