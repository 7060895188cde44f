// SQLite has no boolean or timestamp types: better-sqlite3 refuses to bind a boolean or a Date and
// returns 0/1 and text. This file makes SQLite look like PostgreSQL to the rest of the code:
// booleans and Dates go in (EncodingDatabase), booleans and Dates come out (ResultRowsPlugin in
// column-names.ts, by the column names below), so no query or service branches on dialect.
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** Columns (as the application names them) that hold booleans. */
export const booleanColumns = new Set(['isAdmin', 'mustChangePassword', 'disabled', 'archived', 'late']);

/** Columns that hold instants: every `...At`, `at` itself, and `lockedUntil`. */
export function isTimestampColumn(name: string): boolean {
  return name === 'at' || name === 'lockedUntil' || /[a-z]At$/.test(name);
}

function encode(value: unknown): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  return value;
}

/** The parameters as SQLite binds them; the same array when none needs encoding (most queries). */
export function encodeParameters(parameters: readonly unknown[]): readonly unknown[] {
  for (let i = 0; i < parameters.length; i++) {
    const value = parameters[i];
    if (typeof value === 'boolean' || value instanceof Date) return parameters.map(encode);
  }
  return parameters;
}

/**
 * The database as Kysely's SQLite driver uses it, encoding every statement's parameters on their
 * way in. Done here rather than by a plugin's transformQuery: a plugin copies the whole query tree
 * on every query (4.5% of a students page's CPU at `large`), this looks at the few parameters.
 */
export class EncodingDatabase implements SqliteDatabase {
  readonly #inner: SqliteDatabase;
  /** One wrapper per prepared statement, as long as the statement lives (they are reused per SQL text). */
  readonly #wrappers = new WeakMap<SqliteStatement, SqliteStatement>();

  constructor(inner: SqliteDatabase) {
    this.#inner = inner;
  }

  prepare(sql: string): SqliteStatement {
    const statement = this.#inner.prepare(sql);
    let wrapper = this.#wrappers.get(statement);
    if (!wrapper) {
      wrapper = {
        get reader() {
          return statement.reader;
        },
        all: (parameters) => statement.all(encodeParameters(parameters)),
        run: (parameters) => statement.run(encodeParameters(parameters)),
        iterate: (parameters) => statement.iterate(encodeParameters(parameters)),
      };
      this.#wrappers.set(statement, wrapper);
    }
    return wrapper;
  }

  close(): void {
    this.#inner.close();
  }
}
