// pg_trgm, which PostgreSQL's substring search index needs (migration 0005, ADR 0015). It is
// installed into public, so that dropping an application schema never drops the extension that
// other schemas' indexes use.
import { sql } from 'kysely';
import type { Db } from './index.js';

/**
 * Migration 0005's trigram indexes, present when pg_trgm could be had when it ran, each with what it
 * must index: the searches are written as these expressions, so an index over anything else (the
 * username column itself, as before migration 0013) is never used by them.
 */
const TRIGRAM_INDEXES = [
  { name: 'students_search_text_trgm', table: 'students', key: 'search_text' },
  { name: 'students_teaching_search_text_trgm', table: 'students', key: 'teaching_search_text' },
  { name: 'lecturers_search_text_trgm', table: 'lecturers', key: 'search_text' },
  { name: 'users_username_trgm', table: 'users', key: 'lower(username::text)' },
];

/** An index of that name that is not the one the search needs, and what it is instead. */
export interface MisbuiltIndex {
  name: string;
  expected: string;
  found: string;
}

/**
 * Which of them this database lacks or has built otherwise (another table, key, method or operator
 * class, as pg_get_indexdef prints its key), and where pg_trgm is (null: not installed).
 */
export async function missingTrigramIndexes(db: Db): Promise<{ missing: string[]; misbuilt: MisbuiltIndex[]; extensionSchema: string | null }> {
  const { rows } = await sql<{ name: string; table: string; key: string; method: string; opclass: string }>`
    select c.relname as name, t.relname as "table", pg_get_indexdef(i.indexrelid, 1, true) as key, am.amname as method, oc.opcname as opclass
    from pg_index i
    join pg_class c on c.oid = i.indexrelid
    join pg_class t on t.oid = i.indrelid
    join pg_am am on am.oid = c.relam
    join pg_opclass oc on oc.oid = i.indclass[0]
    where c.relnamespace = current_schema()::regnamespace and c.relname like '%\_trgm' escape '\'`.execute(db);
  const missing: string[] = [];
  const misbuilt: MisbuiltIndex[] = [];
  for (const wanted of TRIGRAM_INDEXES) {
    const found = rows.find((row) => row.name === wanted.name);
    if (!found) missing.push(wanted.name);
    else if (found.table !== wanted.table || found.key !== wanted.key || found.method !== 'gin' || found.opclass !== 'gin_trgm_ops')
      misbuilt.push({ name: wanted.name, expected: `${wanted.table} (${wanted.key}) with gin_trgm_ops`, found: `${found.table} (${found.key}) with ${found.method} ${found.opclass}` });
  }
  return { missing, misbuilt, extensionSchema: await trigramSchema(db) };
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
