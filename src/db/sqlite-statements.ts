// Prepared statements of one better-sqlite3 database, reused per SQL text.
//
// Kysely's SQLite driver prepares a new statement for every query and drops it, so V8 frees
// thousands of better-sqlite3 objects during a seed and a few on every request. Node 24.19.0 to
// 24.21.x abort the process when it frees one outside JavaScript (a scavenge V8 runs as a task
// between two event-loop callbacks): node::ObjectWrap, which better-sqlite3's classes extend, gained
// a cleanup hook per object in 24.19.0, and its destructor asserts that the isolate has a current
// Environment while removing it, which it has not there: "Assertion failed: (env) != nullptr" in
// node::RemoveEnvironmentCleanupHook, from Statement::~Statement, exit 134. Node 24.22.0 fixed it (a
// global list of addon cleanup hooks); 26.0 to 26.3 abort the same way with an addon built against
// 26.4 or newer headers.
//
// Reusing one statement per SQL text leaves the collector almost nothing to free on any runtime,
// and saves preparing again. On the runtimes above, whatever would still become garbage (a statement
// pushed out of a full cache, one prepared while its twin was busy, a closed database) is kept
// for the life of the process instead, against an abort: a statement still holds its compiled
// program (a few KB) until its database closes, a few hundred bytes after. The cache is sized so
// that pushing out is rare (see STATEMENT_CACHE_SIZE).
import type SQLite from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/**
 * Distinct SQL texts kept prepared per database. The application's queries are a few hundred, but
 * a list of keys in chunks (imports: up to 500 per `in (…)`) makes one text per chunk length.
 */
export const STATEMENT_CACHE_SIZE = 1000;

/** Does this Node version abort when V8 frees an object of a node::ObjectWrap addon such as better-sqlite3? */
export function abortsOnFreedAddonObjects(version: string): boolean {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  return (major === 24 && minor >= 19 && minor <= 21) || (major === 26 && minor <= 3);
}

/** Objects that must never be freed on this runtime: referenced here until the process ends. */
const neverFreed = new Set<object>();

export interface ReusedStatementsOptions {
  /** Keep every statement and the database alive until exit (default: on the runtimes that abort). */
  keepAll?: boolean;
  capacity?: number;
}

export class ReusedStatements implements SqliteDatabase {
  readonly #db: SQLite.Database;
  readonly #statements = new Map<string, SQLite.Statement>();
  readonly #keepAll: boolean;
  readonly #capacity: number;

  constructor(db: SQLite.Database, options: ReusedStatementsOptions = {}) {
    this.#db = db;
    this.#keepAll = options.keepAll ?? abortsOnFreedAddonObjects(process.versions.node);
    this.#capacity = options.capacity ?? STATEMENT_CACHE_SIZE;
    // Held with its cache and its database, even if the caller drops it without closing.
    if (this.#keepAll) neverFreed.add(this);
  }

  prepare(sql: string): SqliteStatement {
    const cached = this.#statements.get(sql);
    if (cached && !cached.busy) {
      // Most recently used last: the first entry is the one to push out when the cache is full.
      this.#statements.delete(sql);
      this.#statements.set(sql, cached);
      return cached;
    }
    const statement = this.#db.prepare(sql);
    if (cached) {
      // The cached one is still iterating (a stream over the same query is open): this one is extra.
      this.#release(statement);
      return statement;
    }
    this.#statements.set(sql, statement);
    if (this.#statements.size > this.#capacity) {
      const [oldestSql, oldest] = this.#statements.entries().next().value!;
      this.#statements.delete(oldestSql);
      this.#release(oldest);
    }
    return statement;
  }

  close(): void {
    this.#db.close();
    // Closing finalized every statement; without keepAll the collector may have them now.
    if (!this.#keepAll) this.#statements.clear();
  }

  /** Statements held for reuse (for tests). */
  get size(): number {
    return this.#statements.size;
  }

  #release(statement: SQLite.Statement): void {
    if (this.#keepAll) neverFreed.add(statement);
  }
}
