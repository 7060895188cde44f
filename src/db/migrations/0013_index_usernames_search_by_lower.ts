// PostgreSQL: the accounts' search index, users_username_trgm (migration 0005), is rebuilt over
// lower(username) instead of the column itself. pg_trgm's GIN operator class answers `=` too, so
// with the index on the column the planner could take it for `username = …`, where the unique
// index finds a name in one step: an import's check of 500 usernames went through it right after a
// bulk load, before VACUUM had given the GIN index its statistics (3 s at `large`; CI, stop 26).
// Over lower(username) it can only serve the search, which is written the same way
// (features/accounts/repository.ts); usernames are stored in lower case, so it finds what it did.
// SQLite searches usernames through its own FTS5 table and has nothing to change.
import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../migration-helpers.js';

/**
 * The index on FMS's own `users` (not one of the same name in another schema of the search path):
 * its schema, and that of its operator class (pg_trgm's); null when it is not there.
 */
async function trigramIndex(db: Kysely<any>): Promise<{ schema: string; opclassSchema: string } | null> {
  const { rows } = await sql<{ schema: string; opclassSchema: string }>`
    select ns.nspname as schema, n.nspname as "opclassSchema" from pg_index i
      join pg_class ic on ic.oid = i.indexrelid
      join pg_namespace ns on ns.oid = ic.relnamespace
      join pg_opclass c on c.oid = i.indclass[0]
      join pg_namespace n on n.oid = c.opcnamespace
    where i.indrelid = to_regclass('users') and ic.relname = 'users_username_trgm'`.execute(db);
  return rows[0] ?? null;
}

async function rebuild(db: Kysely<any>, over: 'lower' | 'column'): Promise<void> {
  if (dialectOf(db) !== 'postgres') return;
  // Without pg_trgm when 0005 ran there is no index; `fms doctor` names it and how to create it.
  const index = await trigramIndex(db);
  if (!index) return;
  const expression = over === 'lower' ? sql`lower(username)` : sql`username`;
  await sql`drop index ${sql.id(index.schema, 'users_username_trgm')}`.execute(db);
  await sql`create index users_username_trgm on users using gin ((${expression}) ${sql.id(index.opclassSchema, 'gin_trgm_ops')})`.execute(db);
}

export async function up(db: Kysely<any>): Promise<void> {
  await rebuild(db, 'lower');
}

export async function down(db: Kysely<any>): Promise<void> {
  await rebuild(db, 'column');
}
