// The database a restore loads into. Its own file so the loaders (load-database.ts, pg-restore.ts,
// scratch-database.ts) can share it without importing each other.
import type { DatabaseTarget } from '../../config/index.js';
import type { Db } from '../../db/index.js';

export interface Destination {
  db: Db;
  target: DatabaseTarget;
}
