// Applies and reports migrations (Kysely's Migrator over the static registry).
import { Migrator, type MigrationResultSet, type MigrationInfo } from 'kysely';
import { schemaOf, type Db } from './index.js';
import { migrations } from './migrations/index.js';

export function createMigrator(db: Db): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'fms_migrations',
    migrationLockTableName: 'fms_migrations_lock',
    // Kysely looks for its table by name across schemas unless told which one holds it.
    ...(schemaOf(db) ? { migrationTableSchema: schemaOf(db) } : {}),
  });
}

// Kysely finds its own tables through the dialect's introspector, which on PostgreSQL lists our
// schema only (own-schema-introspector.ts): another schema dropped meanwhile cannot fail a migration.
export function migrateToLatest(db: Db): Promise<MigrationResultSet> {
  return createMigrator(db).migrateToLatest();
}

/** One migration down (tests step through the migrations). */
export function migrateDownOne(db: Db): Promise<MigrationResultSet> {
  return createMigrator(db).migrateDown();
}

/** Up or down to a named migration. */
export function migrateTo(db: Db, name: string): Promise<MigrationResultSet> {
  return createMigrator(db).migrateTo(name);
}

export function migrationStatus(db: Db): Promise<readonly MigrationInfo[]> {
  return createMigrator(db).getMigrations();
}

/** Names of migrations not yet applied. */
export async function pendingMigrations(db: Db): Promise<string[]> {
  return (await migrationStatus(db)).filter((m) => !m.executedAt).map((m) => m.name);
}

/** Throws the migration's own error when one fails, so callers report the cause, not a summary. */
export async function migrateOrThrow(db: Db): Promise<string[]> {
  const { error, results } = await migrateToLatest(db);
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
