// Lockout that holds under concurrency (security review F1, F10): failed sign-ins are counted per
// pair of account and client (locked first) and per account as a whole (locked at a higher count).
// Each attempt reserves its place in both counts with one atomic statement before the password is
// checked, so simultaneous guesses cannot all slip past a lock that is being written.
import type { Kysely } from 'kysely';
import { timestampType } from '../migration-helpers.js';

export async function up(db: Kysely<any>): Promise<void> {
  const ts = timestampType(db);
  // users.failed_logins becomes the account-wide count; this is when its window started.
  await db.schema.alterTable('users').addColumn('first_failed_login_at', ts).execute();

  await db.schema
    .createTable('sign_in_failures')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    /** The client: an IPv4 address, an IPv6 /64, or "unix-socket". */
    .addColumn('client', 'varchar(64)', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('first_failed_at', ts, (c) => c.notNull())
    .addColumn('locked_until', ts)
    .addPrimaryKeyConstraint('sign_in_failures_pk', ['user_id', 'client'])
    .execute();
  // The hourly sweep deletes the rows whose window is over.
  await db.schema.createIndex('sign_in_failures_first_idx').on('sign_in_failures').column('first_failed_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('sign_in_failures').execute();
  await db.schema.alterTable('users').dropColumn('first_failed_login_at').execute();
}
