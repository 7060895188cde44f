// The JSON-lines dump of every table, written from one consistent view of the database (the
// SQLite snapshot file, or PostgreSQL's snapshot transaction), so the dump, the row counts and the
// migration list in the manifest all describe the same instant.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db } from '../../db/index.js';
import type { OnProgress } from '../data/progress.js';
import { countAllRows } from '../data/rows.js';
import { appliedMigrations } from '../data/schema-version.js';
import { dumpTable } from '../data/table-dump.js';
import { listTables } from '../data/tables.js';
import type { Manifest } from './manifest.js';

export const TABLES_FOLDER = 'database/tables';

export interface DatabaseDump {
  tables: Manifest['tables'];
  migrations: string[];
}

export async function dumpDatabase(db: Db, staging: string, onProgress: OnProgress): Promise<DatabaseDump> {
  const tables = await listTables(db);
  const migrations = await appliedMigrations(db, tables.map((t) => t.name));
  const expected = await countAllRows(db, tables);
  const total = Object.values(expected).reduce((sum, n) => sum + n, 0);
  await mkdir(join(staging, TABLES_FOLDER), { recursive: true });
  let done = 0;
  onProgress({ step: 'dumping tables', done, total, unit: 'rows' });
  const dumped: Manifest['tables'] = [];
  for (const table of tables) {
    const file = `${TABLES_FOLDER}/${table.name}.jsonl`;
    const rows = await dumpTable(db, table, join(staging, file), (n) => {
      done += n;
      onProgress({ step: 'dumping tables', done, total, unit: 'rows' });
    });
    dumped.push({ name: table.name, rows, file });
  }
  return { tables: dumped, migrations };
}
