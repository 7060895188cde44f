// Is there anything in this database an overwrite would destroy? Restore and db copy refuse to
// replace a department's data unless the operator says --force.
import type { Db } from '../../db/index.js';
import { countRows } from './rows.js';
import { dataTables, listTables } from './tables.js';

export interface DatabaseContents {
  tables: number;
  rows: number;
  /** Tables that hold rows, with their counts, largest first. */
  filled: { table: string; rows: number }[];
}

export async function describeContents(db: Db): Promise<DatabaseContents> {
  const tables = dataTables(await listTables(db));
  const filled: { table: string; rows: number }[] = [];
  for (const table of tables) {
    const rows = await countRows(db, table.name);
    if (rows) filled.push({ table: table.name, rows });
  }
  filled.sort((a, b) => b.rows - a.rows);
  return { tables: tables.length, rows: filled.reduce((sum, t) => sum + t.rows, 0), filled };
}

/** "users 12, students 30, …" for the refusal message. */
export function summarizeContents(contents: DatabaseContents, limit = 4): string {
  const shown = contents.filled.slice(0, limit).map((t) => `${t.table} ${t.rows}`);
  if (contents.filled.length > limit) shown.push('…');
  return shown.join(', ');
}
