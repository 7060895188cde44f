// What tables a database holds, their columns, primary keys and the tables they reference, read
// from the database itself (not from a hand-kept list), in an order where every table comes after
// the tables it references: the order rows can be inserted without breaking a foreign key.
import { sql } from 'kysely';
import { isTimestampColumn } from '../../db/codecs.js';
import { dialectOf, type Db } from '../../db/index.js';
import { camelCase } from '../../db/column-names.js';
import { OpsError } from './ops-error.js';

/** Kysely's migration bookkeeping (see src/db/migrator.ts). */
export const MIGRATION_TABLE = 'fms_migrations';
export const MIGRATION_LOCK_TABLE = 'fms_migrations_lock';

/**
 * Tables derived from the others and kept by triggers (ADR 0015, ADR 0019): the counts and the
 * dashboard's hourly tallies. Backups, restores and copies leave them out; loading the rows into a
 * migrated schema fires the triggers that rebuild them. (SQLite's full-text tables are virtual and
 * never listed: see tableNames.)
 */
const DERIVED_TABLES: readonly string[] = ['record_counts', 'activity_hours'];

/** How a value must be shaped for the column, beyond what JSON keeps. */
export type ColumnKind = 'boolean' | 'timestamp' | 'other';

export interface ColumnInfo {
  name: string;
  /** The key the column's value has in rows read through the application's plugins. */
  key: string;
  kind: ColumnKind;
  /** PostgreSQL: filled from a sequence (serial); its sequence is reset after a bulk load. */
  serial: boolean;
}

export interface TableInfo {
  name: string;
  columns: ColumnInfo[];
  primaryKey: string[];
  references: string[];
}

/**
 * Every table of the application and the migration history, in dependency order. The migration
 * lock is left out: it is a transient flag, and a copied "locked" would block every migration.
 */
export async function listTables(db: Db): Promise<TableInfo[]> {
  const names = (await tableNames(db)).filter((name) => name !== MIGRATION_LOCK_TABLE && !DERIVED_TABLES.includes(name));
  const tables: TableInfo[] = [];
  for (const name of names) tables.push(await describeTable(db, name));
  return dependencyOrder(tables);
}

/** The tables holding the department's data: everything but the migration history. */
export function dataTables(tables: TableInfo[]): TableInfo[] {
  return tables.filter((t) => t.name !== MIGRATION_TABLE);
}

async function tableNames(db: Db): Promise<string[]> {
  const query =
    dialectOf(db) === 'postgres'
      ? sql<{ name: string }>`select table_name as name from information_schema.tables
          where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`
      : // Ordinary tables only: FTS5 search tables are "virtual" and their storage "shadow".
        sql<{ name: string }>`select name from pragma_table_list where schema = 'main' and type = 'table' and name not like 'sqlite\\_%' escape '\\' order by name`;
  return (await query.execute(db)).rows.map((r) => r.name);
}

async function describeTable(db: Db, name: string): Promise<TableInfo> {
  return dialectOf(db) === 'postgres' ? describePostgresTable(db, name) : describeSqliteTable(db, name);
}

async function describeSqliteTable(db: Db, name: string): Promise<TableInfo> {
  const columns = await sql<{ name: string; type: string; pk: number }>`select name, type, pk from pragma_table_info(${name}) order by cid`.execute(db);
  const parents = await sql<{ parent: string }>`select distinct "table" as parent from pragma_foreign_key_list(${name})`.execute(db);
  return {
    name,
    columns: columns.rows.map((c) => column(c.name, sqliteKind(c.name, c.type), false)),
    primaryKey: columns.rows
      .filter((c) => c.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((c) => c.name),
    references: parents.rows.map((r) => r.parent),
  };
}

// SQLite keeps the declared type: "boolean" survives, but instants are declared "text" (see
// migration-helpers.ts), so they are known by the same name rule the codecs use.
function sqliteKind(name: string, declared: string): ColumnKind {
  if (/^bool/i.test(declared)) return 'boolean';
  if (/^(text|timestamp|datetime)/i.test(declared) && isTimestampColumn(camelCase(name))) return 'timestamp';
  return 'other';
}

async function describePostgresTable(db: Db, name: string): Promise<TableInfo> {
  const columns = await sql<{ name: string; type: string; defaultValue: string | null }>`
    select column_name as name, data_type as type, column_default as default_value
    from information_schema.columns where table_schema = current_schema() and table_name = ${name}
    order by ordinal_position`.execute(db);
  const relation = sql`(quote_ident(current_schema()) || '.' || quote_ident(${name}))::regclass`;
  const primaryKey = await sql<{ name: string }>`
    select a.attname as name from pg_index i
    join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
    where i.indrelid = ${relation} and i.indisprimary
    order by array_position(i.indkey::int2[], a.attnum)`.execute(db);
  const parents = await sql<{ parent: string }>`
    select distinct f.relname as parent from pg_constraint c join pg_class f on f.oid = c.confrelid
    where c.contype = 'f' and c.conrelid = ${relation}`.execute(db);
  return {
    name,
    columns: columns.rows.map((c) => column(c.name, postgresKind(c.type), (c.defaultValue ?? '').startsWith('nextval('))),
    primaryKey: primaryKey.rows.map((r) => r.name),
    references: parents.rows.map((r) => r.parent),
  };
}

function postgresKind(type: string): ColumnKind {
  if (type === 'boolean') return 'boolean';
  if (type.startsWith('timestamp')) return 'timestamp';
  return 'other';
}

function column(name: string, kind: ColumnKind, serial: boolean): ColumnInfo {
  return { name, key: camelCase(name), kind, serial };
}

/**
 * Orders tables so each follows the tables it references (Kahn's algorithm, ties by name so the
 * order is stable). A table referencing itself is fine (rows go in key order); a cycle between
 * tables cannot be loaded table by table and is reported.
 */
export function dependencyOrder(tables: TableInfo[]): TableInfo[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const waitingOn = new Map(tables.map((t) => [t.name, new Set(t.references.filter((r) => r !== t.name && byName.has(r)))]));
  const ordered: TableInfo[] = [];
  while (waitingOn.size) {
    const ready = [...waitingOn].filter(([, parents]) => parents.size === 0).map(([name]) => name).sort();
    if (!ready.length)
      throw new OpsError(`These tables reference each other in a cycle and cannot be copied one after another: ${[...waitingOn.keys()].join(', ')}`);
    for (const name of ready) {
      ordered.push(byName.get(name)!);
      waitingOn.delete(name);
      for (const parents of waitingOn.values()) parents.delete(name);
    }
  }
  return ordered;
}
