// Costs that do not grow with the department (issue 11, ADR 0015):
// - record_counts: the dashboard's figures and the unfiltered lists' totals, kept by triggers in the
//   same transaction as every insert, delete and archive, so no page counts a whole table and a
//   write by any path (services, imports, restores, an operator's SQL) keeps them true.
// - the people lists' substring search through an index: SQLite FTS5 tables with the trigram
//   tokenizer over search_text (external content: the text is stored once, in the record), and
//   PostgreSQL pg_trgm GIN indexes, which the planner uses for the same LIKE '%word%'.
// - indexes that give the narrowed lists their rows in list order, so a page stops after 50 rows
//   (test/query-plans.test.ts found each walking a whole table at `large`).
import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../migration-helpers.js';
import { installTrigram } from '../trigram.js';

/** What is counted: a table, split by its flag (archived, disabled) or whole. */
const counted = [
  { table: 'students', flag: 'archived', yes: 'archived', no: 'active' },
  { table: 'lecturers', flag: 'archived', yes: 'archived', no: 'active' },
  { table: 'groups', flag: 'archived', yes: 'archived', no: 'active' },
  { table: 'users', flag: 'disabled', yes: 'disabled', no: 'enabled' },
  { table: 'subjects', flag: null, yes: 'all', no: 'all' },
] as const;

/**
 * The searched text columns, by table (see db/people-search.ts and the accounts' search). An
 * account is found by its username, by its person's search text, or (an account with no person:
 * admins) by its display name, which users_unlinked_idx below narrows to those few accounts.
 */
const searched = [
  { table: 'students', columns: ['search_text', 'teaching_search_text'] },
  { table: 'lecturers', columns: ['search_text'] },
  { table: 'users', columns: ['username'] },
] as const;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('record_counts')
    .addColumn('counted', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('n', 'bigint', (c) => c.notNull())
    .execute();
  if (dialectOf(db) === 'postgres') await upPostgres(db);
  else await upSqlite(db);
  // One group's students by name (a group filter, a lecturer's groups), accounts of one role by
  // username, the audit trail of one record type newest first, and (PostgreSQL, where the id is not
  // in every index as SQLite's rowid is) the whole trail newest first.
  await db.schema.createIndex('students_group_name_idx').on('students').columns(['group_id', 'archived', 'sort_name', 'id']).execute();
  await db.schema.createIndex('users_role_username_idx').on('users').columns(['role', 'username']).execute();
  // The accounts with no student or lecturer (admins, a handful): the search reads their names here.
  // Keyed on the expression the search writes: PostgreSQL gathers statistics for it, so it knows how
  // few these are (for student_id and lecturer_id apart it multiplies their null shares: 3% of
  // every account) and both engines find them by key.
  const unlinked = sql`coalesce(student_id, lecturer_id)`;
  await db.schema.createIndex('users_unlinked_idx').on('users').expression(unlinked).where(unlinked, 'is', null).execute();
  await db.schema.createIndex('audit_log_entity_at_idx').on('audit_log').columns(['entity', 'at', 'id']).execute();
  if (dialectOf(db) === 'postgres') await db.schema.createIndex('audit_log_at_id_idx').on('audit_log').columns(['at', 'id']).execute();
  // From the rows already there (an upgrade, or an older archive being restored), after the
  // triggers exist: a migration runs alone, so nothing is written between the two.
  for (const c of counted) {
    const keys = c.flag ? [c.yes, c.no] : [c.yes];
    for (const key of keys) {
      let q = db.selectFrom(c.table).select((eb) => eb.fn.countAll().as('n'));
      if (c.flag) q = q.where(c.flag, '=', key === c.yes);
      const { n } = (await q.executeTakeFirstOrThrow()) as { n: number | string };
      await db.insertInto('record_counts').values({ counted: `${c.table}.${key}`, n: Number(n) }).execute();
    }
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const index of ['students_group_name_idx', 'users_role_username_idx', 'users_unlinked_idx', 'audit_log_entity_at_idx', 'audit_log_at_id_idx']) await sql`drop index if exists ${sql.id(index)}`.execute(db);
  if (dialectOf(db) === 'postgres') {
    for (const c of counted) {
      for (const op of ['insert', 'delete', 'update']) await sql`drop trigger if exists ${sql.id(`${c.table}_counted_${op}`)} on ${sql.table(c.table)}`.execute(db);
      await sql`drop function if exists ${sql.id(`record_counts_follow_${c.table}`)}()`.execute(db);
    }
    for (const s of searched) for (const column of s.columns) await sql`drop index if exists ${sql.id(`${s.table}_${column}_trgm`)}`.execute(db);
  } else {
    for (const c of counted) for (const op of ['insert', 'delete', 'update']) await sql.raw(`drop trigger if exists ${c.table}_counted_${op}`).execute(db);
    for (const s of searched) {
      for (const op of ['insert', 'delete', 'update']) await sql.raw(`drop trigger if exists ${s.table}_search_${op}`).execute(db);
      await sql.raw(`drop table if exists ${s.table}_search`).execute(db);
    }
  }
  await db.schema.dropTable('record_counts').execute();
}

async function upSqlite(db: Kysely<any>) {
  for (const c of counted) {
    const key = (row: 'new' | 'old') => (c.flag ? `case when ${row}.${c.flag} then '${c.table}.${c.yes}' else '${c.table}.${c.no}' end` : `'${c.table}.all'`);
    await sql.raw(`create trigger ${c.table}_counted_insert after insert on ${c.table} begin
      update record_counts set n = n + 1 where counted = ${key('new')}; end`).execute(db);
    await sql.raw(`create trigger ${c.table}_counted_delete after delete on ${c.table} begin
      update record_counts set n = n - 1 where counted = ${key('old')}; end`).execute(db);
    if (c.flag)
      await sql.raw(`create trigger ${c.table}_counted_update after update of ${c.flag} on ${c.table} when old.${c.flag} is not new.${c.flag} begin
        update record_counts set n = n - 1 where counted = ${key('old')};
        update record_counts set n = n + 1 where counted = ${key('new')}; end`).execute(db);
  }
  for (const s of searched) {
    const columns = s.columns.join(', ');
    const values = (row: 'new' | 'old') => s.columns.map((col) => `${row}.${col}`).join(', ');
    await sql.raw(`create virtual table ${s.table}_search using fts5(${columns}, content='${s.table}', content_rowid='id', tokenize='trigram')`).execute(db);
    await sql.raw(`insert into ${s.table}_search(${s.table}_search) values ('rebuild')`).execute(db);
    await sql.raw(`create trigger ${s.table}_search_insert after insert on ${s.table} begin
      insert into ${s.table}_search(rowid, ${columns}) values (new.id, ${values('new')}); end`).execute(db);
    await sql.raw(`create trigger ${s.table}_search_delete after delete on ${s.table} begin
      insert into ${s.table}_search(${s.table}_search, rowid, ${columns}) values ('delete', old.id, ${values('old')}); end`).execute(db);
    await sql.raw(`create trigger ${s.table}_search_update after update of ${columns} on ${s.table} begin
      insert into ${s.table}_search(${s.table}_search, rowid, ${columns}) values ('delete', old.id, ${values('old')});
      insert into ${s.table}_search(rowid, ${columns}) values (new.id, ${values('new')}); end`).execute(db);
  }
}

async function upPostgres(db: Kysely<any>) {
  // Per statement, not per row: PostgreSQL writes a new version of a row at every update, and one
  // transaction updating the same count once per row (an import of 10,000 students) leaves a chain
  // of versions each later update must walk. A statement trigger sees the statement's rows as a
  // table (its transition table) and updates each figure once. Transition tables allow one event
  // per trigger, hence three triggers per table.
  for (const c of counted) {
    const key = c.flag ? `case when ${c.flag} then '${c.table}.${c.yes}' else '${c.table}.${c.no}' end` : `'${c.table}.all'`;
    const delta = (rows: string, sign: '' | '-') => `select ${key} as counted, ${sign}count(*) as n from ${rows} group by 1`;
    const apply = (parts: string[]) => `update record_counts c set n = c.n + d.n
        from (select counted, sum(n) as n from (${parts.join(' union all ')}) x group by counted having sum(n) <> 0) d
        where c.counted = d.counted;`;
    await sql
      .raw(
        `create function record_counts_follow_${c.table}() returns trigger language plpgsql as $$
      begin
        if tg_op = 'INSERT' then ${apply([delta('new_rows', '')])}
        elsif tg_op = 'DELETE' then ${apply([delta('old_rows', '-')])}
        else ${apply([delta('new_rows', ''), delta('old_rows', '-')])}
        end if;
        return null;
      end $$`,
      )
      .execute(db);
    const trigger = (event: string, referencing: string) =>
      sql.raw(`create trigger ${c.table}_counted_${event} after ${event} on ${c.table} referencing ${referencing} for each statement execute function record_counts_follow_${c.table}()`).execute(db);
    await trigger('insert', 'new table as new_rows');
    await trigger('delete', 'old table as old_rows');
    if (c.flag) await trigger('update', 'old table as old_rows new table as new_rows');
  }
  const trgm = await installTrigram(db);
  if (!trgm) return;
  for (const s of searched)
    for (const column of s.columns)
      await sql`create index ${sql.id(`${s.table}_${column}_trgm`)} on ${sql.table(s.table)} using gin (${sql.ref(column)} ${sql.id(trgm, 'gin_trgm_ops')})`.execute(db);
}
