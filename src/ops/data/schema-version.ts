// Which migrations a database has applied, and bringing another database to exactly that point,
// so rows copied from one fit the other's tables column for column.
import { NO_MIGRATIONS, sql } from 'kysely';
import type { Db } from '../../db/index.js';
import { createMigrator } from '../../db/migrator.js';
import { migrations } from '../../db/migrations/index.js';
import { OpsError } from './ops-error.js';
import { MIGRATION_TABLE } from './tables.js';

/** Names of the applied migrations, oldest first; empty for a database never migrated. */
export async function appliedMigrations(db: Db, tableNames: string[]): Promise<string[]> {
  if (!tableNames.includes(MIGRATION_TABLE)) return [];
  const { rows } = await sql<{ name: string }>`select name from ${sql.table(MIGRATION_TABLE)} order by name`.execute(db);
  return rows.map((r) => r.name);
}

/**
 * Checks that this version of FMS knows every migration the other database has applied, in the
 * same order; otherwise its tables are not ours to fill.
 */
export function assertKnownMigrations(applied: string[], where: string): void {
  const known = Object.keys(migrations);
  const unknown = applied.filter((name) => !known.includes(name));
  if (unknown.length)
    throw new OpsError(`${where} was migrated by a newer FMS (unknown migration ${unknown[0]}): upgrade FMS to the version that wrote it first.`);
  const expected = known.slice(0, applied.length);
  if (applied.some((name, i) => name !== expected[i]))
    throw new OpsError(`${where} has migrations ${applied.join(', ')}, which are not a prefix of this FMS's ${known.join(', ')}.`);
}

/** Migrates up or down until exactly `applied` are applied (none: every table of FMS dropped). */
export async function migrateToMatch(db: Db, applied: string[]): Promise<void> {
  const last = applied.length ? applied[applied.length - 1]! : NO_MIGRATIONS;
  const { error } = await createMigrator(db).migrateTo(last);
  if (error) throw error instanceof Error ? error : new Error(String(error));
}
