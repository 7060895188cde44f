// Reading and writing whole tables in batches, through the application's Kysely plugins, so a
// boolean is a boolean and an instant is a Date whichever engine the rows come from or go to.
import { sql, type Kysely } from 'kysely';
import type { Db } from '../../db/index.js';
import { OpsError } from './ops-error.js';
import type { ColumnInfo, TableInfo } from './tables.js';

/** Any table, any columns: these jobs work on whatever the database holds. */
type AnyDb = Kysely<Record<string, Record<string, unknown>>>;
/** One row as values in the table's column order. */
export type RowValues = unknown[];

export const DEFAULT_BATCH_SIZE = 1000;
// PostgreSQL takes at most 65535 parameters per statement and SQLite 32766; stay well under both.
const MAX_PARAMETERS = 30_000;

/**
 * Yields the table's rows in primary-key order, a batch at a time. Paging by key ("after the last
 * row seen") keeps each query cheap however deep into a large table it is.
 */
export async function* readBatches(db: Db, table: TableInfo, batchSize = DEFAULT_BATCH_SIZE): AsyncGenerator<RowValues[]> {
  const any = db as unknown as AnyDb;
  const keyColumns = table.primaryKey.length ? table.primaryKey : table.columns.map((c) => c.name);
  const keyOf = new Map(table.columns.map((c) => [c.name, c.key]));
  let after: unknown[] | null = null;
  let offset = 0;
  for (;;) {
    let query = any.selectFrom(table.name).selectAll();
    for (const name of keyColumns) query = query.orderBy(sql.ref(name));
    if (table.primaryKey.length && after)
      query = query.where(sql<boolean>`(${sql.join(keyColumns.map((c) => sql.ref(c)))}) > (${sql.join(after)})`);
    // A table without a primary key has no "after": page by position instead.
    else if (!table.primaryKey.length) query = query.offset(offset);
    const rows = await query.limit(batchSize).execute();
    if (!rows.length) return;
    yield rows.map((row) => table.columns.map((c) => row[c.key]));
    const last = rows[rows.length - 1]!;
    after = keyColumns.map((name) => last[keyOf.get(name)!]);
    offset += rows.length;
    if (rows.length < batchSize) return;
  }
}

/** Inserts rows given as values in `columns` order, in statements sized to the engines' limits. */
export async function insertRows(db: Db, table: TableInfo, columns: string[], rows: RowValues[]): Promise<void> {
  if (!rows.length) return;
  const target = columns.map((name) => {
    const info = table.columns.find((c) => c.name === name);
    if (!info) throw new OpsError(`Table ${table.name} has no column ${name} here: the two databases are at different schema versions; run \`fms migrate\` on both.`);
    return info;
  });
  const perStatement = Math.max(1, Math.min(DEFAULT_BATCH_SIZE, Math.floor(MAX_PARAMETERS / Math.max(1, target.length))));
  const any = db as unknown as AnyDb;
  for (let i = 0; i < rows.length; i += perStatement) {
    const values = rows.slice(i, i + perStatement).map((row) => rowObject(target, row));
    await any.insertInto(table.name).values(values).execute();
  }
}

function rowObject(columns: ColumnInfo[], row: RowValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  columns.forEach((c, i) => (out[c.key] = shapeFor(c, row[i])));
  return out;
}

/**
 * Gives a value the shape its column wants. JSON has no Date (instants travel as ISO text), and a
 * boolean read from a column the codecs do not know arrives as SQLite's 0/1.
 */
export function shapeFor(column: ColumnInfo, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (column.kind === 'timestamp' && typeof value === 'string') return new Date(value);
  if (column.kind === 'boolean' && typeof value === 'number') return value !== 0;
  return value;
}

/** A value as JSON keeps it: instants as ISO-8601 text, everything else as it is. */
export function toJsonValue(table: string, column: string, value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return value;
  throw new OpsError(`Table ${table}, column ${column} holds a ${typeof value} value that a backup cannot carry yet.`);
}

export async function countRows(db: Db, table: string): Promise<number> {
  const any = db as unknown as AnyDb;
  const row = await any.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function countAllRows(db: Db, tables: TableInfo[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of tables) counts[table.name] = await countRows(db, table.name);
  return counts;
}
