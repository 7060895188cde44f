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

// 3F000: a schema gone; 42P01: a table gone ("relation "t_x.api_tokens" does not exist") while the
// schema holding it was being dropped; 42703: a column gone ("column "first_failed_login_at" of
// relation "users" does not exist", from pg_get_serial_sequence) while another schema's migration
// was dropping it. Kysely's listing reads every column of every schema.
const vanishedCodes = new Set(['3F000', '42P01', '42703']);

/**
 * Kysely finds its own table by listing every table of every schema. When another process drops a
 * schema during that listing (`fms backup --verify` drops its scratch schema; test suites drop
 * theirs), PostgreSQL answers "schema … does not exist" (3F000), or "relation … does not exist"
 * (42P01) for a table of it, about a schema that is not ours.
 * That says nothing about our database: ask again.
 */
export async function retryingVanishedSchema<T>(db: Db, work: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const e = error as { code?: string; message?: string };
      const ours = schemaOf(db);
      const aboutOurs = ours !== null && ours !== undefined && (String(e?.message).includes(`"${ours}"`) || String(e?.message).includes(`"${ours}.`));
      const vanishedOther = vanishedCodes.has(String(e?.code)) && !aboutOurs;
      if (!vanishedOther || attempt >= attempts) throw error;
    }
  }
}

export async function migrateToLatest(db: Db): Promise<MigrationResultSet> {
  const result = await retryingVanishedSchema(db, async () => {
    const r = await createMigrator(db).migrateToLatest();
    // The migrator reports failures as a result; surface this one kind so it is retried.
    if (vanishedCodes.has(String((r.error as { code?: string } | undefined)?.code))) throw r.error;
    return r;
  });
  return result;
}

/** One migration down, retried like migrateToLatest (tests step through the migrations). */
export function migrateDownOne(db: Db): Promise<MigrationResultSet> {
  return retryingVanishedSchema(db, () => surfacingVanished(createMigrator(db).migrateDown()));
}

/** Up or down to a named migration, retried like migrateToLatest. */
export function migrateTo(db: Db, name: string): Promise<MigrationResultSet> {
  return retryingVanishedSchema(db, () => surfacingVanished(createMigrator(db).migrateTo(name)));
}

/** The migrator reports failures as a result; the vanished-schema kind is thrown, to be retried. */
async function surfacingVanished(result: Promise<MigrationResultSet>): Promise<MigrationResultSet> {
  const r = await result;
  if (vanishedCodes.has(String((r.error as { code?: string } | undefined)?.code))) throw r.error;
  return r;
}

export async function migrationStatus(db: Db): Promise<readonly MigrationInfo[]> {
  return retryingVanishedSchema(db, () => createMigrator(db).getMigrations());
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
