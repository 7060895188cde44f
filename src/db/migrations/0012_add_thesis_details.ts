// Theses (issue 13): one per student, with a year and a status (proposed by the student, or
// recorded by an admin or a lecturer), and when it last changed. `theses.version` in record_counts
// goes up with every change (triggers, like the counts of 0005), so a process knows in one look-up
// by key whether the titles it indexed for "Find similar theses" are still the department's.
import { sql, type Kysely } from 'kysely';
import { dialectOf, timestampType } from '../migration-helpers.js';

export async function up(db: Kysely<any>): Promise<void> {
  const ts = timestampType(db);
  await db.schema.alterTable('theses').addColumn('year', 'integer').execute();
  await db.schema.alterTable('theses').addColumn('status', 'varchar(10)', (c) => c.notNull().defaultTo('recorded')).execute();
  await db.schema.alterTable('theses').addColumn('updated_at', ts).execute();
  await db.schema.dropIndex('theses_student_idx').execute();
  await db.schema.createIndex('theses_student_unique').on('theses').column('student_id').unique().execute();
  await db.schema.createIndex('theses_supervisor_idx').on('theses').columns(['supervisor_id', 'id']).execute();
  await db.insertInto('record_counts').values({ counted: 'theses.version', n: 0 }).execute();
  if (dialectOf(db) === 'postgres') {
    // Per statement, with its rows: PostgreSQL fires a statement trigger for a statement that
    // changed nothing too (a cascade from a deleted student with no thesis), which must not move the
    // version and make every process rebuild its index. Transition tables allow one event a trigger.
    await sql
      .raw(`create function theses_version_follow() returns trigger language plpgsql as $$
        begin
          -- Apart: each statement is planned when it runs, and an insert's trigger has no old_rows.
          if tg_op = 'DELETE' then
            if exists (select 1 from old_rows) then update record_counts set n = n + 1 where counted = 'theses.version'; end if;
          elsif exists (select 1 from new_rows) then
            update record_counts set n = n + 1 where counted = 'theses.version';
          end if;
          return null;
        end $$`)
      .execute(db);
    await sql.raw(`create trigger theses_versioned_insert after insert on theses referencing new table as new_rows for each statement execute function theses_version_follow()`).execute(db);
    await sql.raw(`create trigger theses_versioned_update after update on theses referencing new table as new_rows for each statement execute function theses_version_follow()`).execute(db);
    await sql.raw(`create trigger theses_versioned_delete after delete on theses referencing old table as old_rows for each statement execute function theses_version_follow()`).execute(db);
  } else {
    for (const op of ['insert', 'update', 'delete'])
      await sql.raw(`create trigger theses_versioned_${op} after ${op} on theses begin update record_counts set n = n + 1 where counted = 'theses.version'; end`).execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  if (dialectOf(db) === 'postgres') {
    for (const op of ['insert', 'update', 'delete']) await sql.raw(`drop trigger if exists theses_versioned_${op} on theses`).execute(db);
    await sql.raw('drop function if exists theses_version_follow()').execute(db);
  } else {
    for (const op of ['insert', 'update', 'delete']) await sql.raw(`drop trigger if exists theses_versioned_${op}`).execute(db);
  }
  await db.deleteFrom('record_counts').where('counted', '=', 'theses.version').execute();
  await db.schema.dropIndex('theses_supervisor_idx').execute();
  await db.schema.dropIndex('theses_student_unique').execute();
  await db.schema.createIndex('theses_student_idx').on('theses').column('student_id').execute();
  await db.schema.alterTable('theses').dropColumn('updated_at').execute();
  await db.schema.alterTable('theses').dropColumn('status').execute();
  await db.schema.alterTable('theses').dropColumn('year').execute();
}
