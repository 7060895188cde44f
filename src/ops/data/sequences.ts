// After rows arrive with their ids, PostgreSQL's sequences still point at 1: the next insert would
// collide with a copied row. Move each one past the largest id. (SQLite's AUTOINCREMENT counter
// follows explicit ids by itself.)
import { sql } from 'kysely';
import { dialectOf, type Db } from '../../db/index.js';
import type { TableInfo } from './tables.js';

export async function resetSequences(db: Db, tables: TableInfo[]): Promise<number> {
  if (dialectOf(db) !== 'postgres') return 0;
  let reset = 0;
  for (const table of tables) {
    for (const column of table.columns.filter((c) => c.serial)) {
      await sql`select setval(pg_get_serial_sequence(${table.name}, ${column.name}), coalesce(max(${sql.ref(column.name)}), 0) + 1, false)
        from ${sql.table(table.name)}`.execute(db);
      reset++;
    }
  }
  return reset;
}
