// A student's private calendar feed (issue 12): one address per account, its secret held only as a
// SHA-256, as API tokens' are (migration 0001). Calendar apps cannot sign in, so the secret in the
// address is the whole key; making a new address replaces the row's hash, turning it off deletes it.
import type { Kysely } from 'kysely';
import { timestampType, withId } from '../migration-helpers.js';

export async function up(db: Kysely<any>): Promise<void> {
  const ts = timestampType(db);
  await withId(db, db.schema.createTable('calendar_feeds'))
    // One feed per account: the unique key is what "make a new address" replaces.
    .addColumn('user_id', 'integer', (c) => c.notNull().unique().references('users.id').onDelete('cascade'))
    .addColumn('secret_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('last_used_at', ts)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('calendar_feeds').execute();
}
