// Before loading an archive, the destination loses every table of FMS: the application's own down
// migrations drop them (they are written and tested for exactly that), then the migration
// bookkeeping goes too. Nothing else in the database or schema is touched, whatever an archive's
// manifest names.
import { sql } from 'kysely';
import { dialectOf, type Db } from '../../db/index.js';
import { migrateToMatch } from '../data/schema-version.js';
import { MIGRATION_LOCK_TABLE, MIGRATION_TABLE, listTables } from '../data/tables.js';

export async function clearSchema(db: Db): Promise<void> {
  const present = new Set((await listTables(db)).map((t) => t.name));
  if (present.has(MIGRATION_TABLE)) await migrateToMatch(db, []);
  const cascade = dialectOf(db) === 'postgres' ? sql` cascade` : sql``;
  for (const table of [MIGRATION_TABLE, MIGRATION_LOCK_TABLE]) await sql`drop table if exists ${sql.table(table)}${cascade}`.execute(db);
}
