// Portable building blocks for migrations: the only place migrations learn which engine they run on.
import type { CreateTableBuilder, Kysely } from 'kysely';
import { dialectOf } from './index.js';

export { dialectOf };

/** Adds an auto-incrementing integer primary key `id` (serial on PostgreSQL, rowid alias on SQLite). */
export function withId<T extends string>(db: Kysely<any>, table: CreateTableBuilder<T, never>) {
  return dialectOf(db) === 'postgres'
    ? table.addColumn('id', 'serial', (c) => c.primaryKey())
    : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
}

/** The column type for instants: timestamptz on PostgreSQL, ISO-8601 text on SQLite. */
export function timestampType(db: Kysely<any>) {
  return dialectOf(db) === 'postgres' ? ('timestamptz' as const) : ('text' as const);
}
