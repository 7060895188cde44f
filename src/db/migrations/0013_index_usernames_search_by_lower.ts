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

/** The schema of the index's operator class (pg_trgm's), or null when the index is not there. */
async function trigramIndexSchema(db: Kysely<any>): Promise<string | null> {
  const { rows } = await sql<{ schema: string }>`
    select n.nspname as schema from pg_index i
      join pg_opclass c on c.oid = i.indclass[0]
      join pg_namespace n on n.oid = c.opcnamespace
    where i.indexrelid = to_regclass('users_username_trgm')`.execute(db);
  return rows[0]?.schema ?? null;
}

async function rebuild(db: Kysely<any>, over: 'lower' | 'column'): Promise<void> {
  if (dialectOf(db) !== 'postgres') return;
  // Without pg_trgm when 0005 ran there is no index; `fms doctor` names it and how to create it.
  const schema = await trigramIndexSchema(db);
  if (!schema) return;
  const expression = over === 'lower' ? sql`lower(username)` : sql`username`;
  await sql`drop index users_username_trgm`.execute(db);
  await sql`create index users_username_trgm on users using gin ((${expression}) ${sql.id(schema, 'gin_trgm_ops')})`.execute(db);
}

export async function up(db: Kysely<any>): Promise<void> {
  await rebuild(db, 'lower');
}

export async function down(db: Kysely<any>): Promise<void> {
  await rebuild(db, 'column');
}
