// pg_trgm, which PostgreSQL's substring search index needs (migration 0005, ADR 0015). It is
// installed into public, so that dropping an application schema never drops the extension that
// other schemas' indexes use.
import { sql } from 'kysely';
import type { Db } from './index.js';

/** Migration 0005's trigram indexes, present when pg_trgm could be had when it ran. */
const TRIGRAM_INDEXES = [
  'students_search_text_trgm',
  'students_teaching_search_text_trgm',
  'lecturers_search_text_trgm',
  'users_username_trgm',
];

/** Which of them this database lacks, and where pg_trgm is (null: not installed). */
export async function missingTrigramIndexes(db: Db): Promise<{ missing: string[]; extensionSchema: string | null }> {
  const { rows } = await sql<{ name: string }>`select indexname as name from pg_indexes where schemaname = current_schema() and indexname like '%\_trgm' escape '\'`.execute(db);
  return { missing: TRIGRAM_INDEXES.filter((name) => !rows.some((r) => r.name === name)), extensionSchema: await trigramSchema(db) };
}

/** The schema pg_trgm lives in, or null when it is not installed in this database. */
async function trigramSchema(db: Db): Promise<string | null> {
  const found = await sql<{ schema: string }>`select n.nspname as schema from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_trgm'`.execute(db);
  return found.rows[0]?.schema ?? null;
}

/**
 * Installs pg_trgm when the server has it and the account may; answers where it is, or null.
 * Migration 0005 runs this: once 0005 is released, what it does must not change.
 * Without it the search still works, reading every row (`fms doctor` says so). In a transaction
 * (a migration) a savepoint keeps a refusal from aborting the rest of it.
 */
export async function installTrigram(db: Db): Promise<string | null> {
  const found = await trigramSchema(db);
  if (found) return found;
  const inTransaction = db.isTransaction;
  if (inTransaction) await sql`savepoint fms_pg_trgm`.execute(db);
  try {
    await sql`create extension if not exists pg_trgm schema public`.execute(db);
    if (inTransaction) await sql`release savepoint fms_pg_trgm`.execute(db);
  } catch {
    if (inTransaction) await sql`rollback to savepoint fms_pg_trgm`.execute(db);
    return null;
  }
  return trigramSchema(db);
}
