// Opens the database chosen by DATABASE_URL. Every dialect difference stays in src/db/.
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import type pg from 'pg';
import { Kysely, PostgresDialect, type DatabaseIntrospector, type QueryCompiler } from 'kysely';
import type { DatabaseTarget } from '../config/index.js';
import type { Database } from './schema.js';
import { EncodingDatabase } from './codecs.js';
import { OwnSchemaIntrospector } from './own-schema-introspector.js';
import { nameStatementsOf } from './pg-named-statements.js';
import { packageOnFirstUse } from '../lib/on-first-use.js';
import { ResultRowsPlugin, SnakeCasePostgresQueryCompiler, SnakeCaseSqliteQueryCompiler } from './column-names.js';
import { ReusedStatements } from './sqlite-statements.js';
import { WriteTransactionsSqliteDialect } from './sqlite-write-transactions.js';

export type Db = Kysely<Database>;
export type DialectName = 'sqlite' | 'postgres';

export interface CreateDbOptions {
  /** Largest PostgreSQL pool (default 10). */
  poolSize?: number;
  /** PostgreSQL schema to use instead of public (tests isolate themselves this way). */
  searchPath?: string;
  /** Called when an idle pooled connection fails; without a listener pg would kill the process. */
  onPoolError?: (error: Error) => void;
}

const dialects = new WeakMap<object, DialectName>();
const schemas = new WeakMap<object, string>();
const pools = new WeakMap<object, pg.Pool>();
const statements = new WeakMap<object, ReusedStatements>();

export function createDb(target: DatabaseTarget, options: CreateDbOptions = {}): Db {
  if (target.kind === 'sqlite') {
    const reused = new ReusedStatements(openSqlite(target.file));
    const db = new Kysely<Database>({ dialect: new FmsSqliteDialect({ database: new EncodingDatabase(reused) }), plugins: [new ResultRowsPlugin({ decodeSqlite: true })] });
    dialects.set(db, 'sqlite');
    statements.set(db, reused);
    return db;
  }
  const { Pool } = loadPg();
  const pool = new Pool({
    connectionString: target.url,
    max: options.poolSize ?? 10,
    options: options.searchPath ? `-c search_path=${options.searchPath}` : undefined,
    types: { getTypeParser: pgTypeParser } as never,
  });
  pool.on('error', options.onPoolError ?? (() => {}));
  pool.on('connect', nameStatementsOf);
  const db = new Kysely<Database>({ dialect: new FmsPostgresDialect({ pool }), plugins: [new ResultRowsPlugin({ decodeSqlite: false })] });
  dialects.set(db, 'postgres');
  if (options.searchPath) schemas.set(db, options.searchPath);
  pools.set(db, pool);
  return db;
}

export function openSqlite(file: string): SQLite.Database {
  if (file !== ':memory:') {
    // A folder made here holds nothing but FMS's data: the owner's alone, like the file.
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    createPrivately(file);
  }
  const sqlite = new SQLite(file);
  try {
    // exec, not pragma(): pragma() prepares a statement and drops it (see sqlite-statements.ts).
    // synchronous = FULL: each commit's WAL frames are on disk before the commit returns. NORMAL
    // (WAL's usual partner) survives a crash of FMS but can lose the last commits to a power cut
    // or a kernel crash, and an acknowledged score or submission must not be lost; FULL costs one
    // fsync a commit (0.15 ms more on the bench machine's disk); reads cost nothing more.
    sqlite.exec('PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA synchronous = FULL');
    // SQLite's own lower() only folds ASCII; names here are Croatian, Cyrillic, German… Fold them
    // the way PostgreSQL does, so case-insensitive search finds "Šarić" and "петрова" on both.
    sqlite.function('lower', { deterministic: true }, (value: unknown) => (typeof value === 'string' ? value.toLowerCase() : value));
  } catch (error) {
    // Not a database, say: close it now rather than leave the handle to the collector.
    sqlite.close();
    throw error;
  }
  return sqlite;
}

/**
 * SQLite creates a missing database file 0644 less the umask, readable by every user, and gives its
 * -wal, -shm and -journal files the database file's own mode. Created 0600 first, all of them stay
 * the owner's whatever the umask. An existing file keeps the mode its operator gave it.
 */
function createPrivately(file: string): void {
  try {
    closeSync(openSync(file, 'wx', 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

// Both engines print the application's camelCase names snake_cased and hand rows back camelCased
// (column-names.ts); SQLite's rows also get their booleans and instants back.
class FmsSqliteDialect extends WriteTransactionsSqliteDialect {
  override createQueryCompiler(): QueryCompiler {
    return new SnakeCaseSqliteQueryCompiler();
  }
}

class FmsPostgresDialect extends PostgresDialect {
  override createQueryCompiler(): QueryCompiler {
    return new SnakeCasePostgresQueryCompiler();
  }

  // The migrator finds its tables through this; other schemas' drops must not fail it.
  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new OwnSchemaIntrospector(db);
  }
}

const INT8 = 20;
const DATE = 1082;
function pgTypeParser(oid: number, format?: string) {
  // Counts come back as int8; they always fit a JS number here. Calendar dates stay YYYY-MM-DD
  // strings, as on SQLite, instead of becoming midnight in the server's time zone.
  if (oid === INT8) return (value: string) => Number.parseInt(value, 10);
  if (oid === DATE) return (value: string) => value;
  return loadPg().types.getTypeParser(oid, format as 'text');
}

/**
 * The PostgreSQL driver (about 50 files), loaded where a database is PostgreSQL: a server on SQLite
 * never needs it. Required (pg is CommonJS) so createDb stays synchronous.
 */
const loadPg = packageOnFirstUse<typeof pg>('pg');

export function dialectOf(db: Kysely<unknown> | Kysely<Database>): DialectName {
  const known = dialects.get(db);
  if (known) return known;
  // Transactions are new Kysely instances; fall back to the adapter's class name.
  const adapter = db.getExecutor().adapter.constructor.name;
  return adapter.toLowerCase().includes('postgres') ? 'postgres' : 'sqlite';
}

/** The PostgreSQL schema the database was opened on, when not the default. */
export function schemaOf(db: Kysely<Database>): string | undefined {
  return schemas.get(db);
}

/** Connection pool figures for the metrics (PostgreSQL; SQLite has one connection and no pool). */
export function poolStatsOf(db: Kysely<Database>): { total: number; idle: number; waiting: number } | null {
  const pool = pools.get(db);
  return pool ? { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount } : null;
}

/** How many prepared statements an SQLite database holds for reuse (null on PostgreSQL). */
export function preparedStatementsOf(db: Kysely<Database>): number | null {
  return statements.get(db)?.size ?? null;
}
