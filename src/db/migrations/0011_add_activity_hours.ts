// The admin dashboard's charts (issue 13): sign-ins and hand-ins per day over the last 90 days, at a
// cost that does not grow with the department (ADR 0019). Triggers tally them per hour (UTC), in the
// same transaction as the write, like record_counts (0005): a sign-in is an audit row
// 'auth.sign_in'; a hand-in is a submission sent, or sent again in its place (submitted_at changes).
// Hours, not days, because the department's days (TIMEZONE, with its summer time) are not UTC's:
// the dashboard adds the hours of each of its days. Derived data, like record_counts: backups and
// copies leave it out and the triggers tally the rows again as they are loaded.
// Also the index that finds the accounts locked now (a range of locked_until past now).
import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../migration-helpers.js';

/** What is tallied: the table, its rows that count (SQLite: as `new`), and the instant that places them. */
const tallied = [
  { activity: 'sign_in', table: 'audit_log', when: `action = 'auth.sign_in'`, at: 'at', replaced: false },
  { activity: 'hand_in', table: 'submissions', when: 'true', at: 'submitted_at', replaced: true },
] as const;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('activity_hours')
    .addColumn('activity', 'varchar(20)', (c) => c.notNull())
    // Hours since 1970-01-01T00:00Z.
    .addColumn('hour', 'integer', (c) => c.notNull())
    .addColumn('n', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('activity_hours_pk', ['activity', 'hour'])
    .execute();
  await db.schema.createIndex('users_locked_until_idx').on('users').column('locked_until').execute();
  const postgres = dialectOf(db) === 'postgres';
  for (const t of tallied) {
    const hourOf = (row: string) => (postgres ? `floor(extract(epoch from ${row}${t.at}) / 3600)::integer` : `cast(strftime('%s', ${row}${t.at}) as integer) / 3600`);
    // From the rows already there (an upgrade, or an older archive being restored).
    await sql
      .raw(`insert into activity_hours (activity, hour, n) select '${t.activity}', ${hourOf('')}, count(*) from ${t.table} where ${t.when} group by 2`)
      .execute(db);
    if (postgres) await upPostgres(db, t, hourOf);
    else await upSqlite(db, t, hourOf);
  }
}

async function upSqlite(db: Kysely<any>, t: (typeof tallied)[number], hourOf: (row: string) => string) {
  const add = `insert into activity_hours (activity, hour, n) values ('${t.activity}', ${hourOf('new.')}, 1)
      on conflict (activity, hour) do update set n = n + 1;`;
  const rowCounts = t.when === 'true' ? '' : `when ${t.when.replace('action', 'new.action')}`;
  await sql.raw(`create trigger ${t.table}_tallied_insert after insert on ${t.table} ${rowCounts} begin ${add} end`).execute(db);
  if (t.replaced) await sql.raw(`create trigger ${t.table}_tallied_update after update of ${t.at} on ${t.table} when new.${t.at} is not old.${t.at} begin ${add} end`).execute(db);
}

async function upPostgres(db: Kysely<any>, t: (typeof tallied)[number], hourOf: (row: string) => string) {
  // Per statement, as record_counts (0005): one tally update per hour a statement touches, not per row.
  const add = (from: string) => `insert into activity_hours (activity, hour, n)
        select '${t.activity}', ${hourOf('r.')}, count(*) from ${from} where ${t.when.replace('action', 'r.action')} group by 2
        on conflict (activity, hour) do update set n = activity_hours.n + excluded.n;`;
  await sql
    .raw(
      `create function activity_hours_follow_${t.table}() returns trigger language plpgsql as $$
      begin
        if tg_op = 'INSERT' then ${add('new_rows r')}
        else ${add(`new_rows r join old_rows o on o.id = r.id and o.${t.at} is distinct from r.${t.at}`)}
        end if;
        return null;
      end $$`,
    )
    .execute(db);
  await sql.raw(`create trigger ${t.table}_tallied_insert after insert on ${t.table} referencing new table as new_rows for each statement execute function activity_hours_follow_${t.table}()`).execute(db);
  if (t.replaced)
    await sql
      .raw(`create trigger ${t.table}_tallied_update after update on ${t.table} referencing old table as old_rows new table as new_rows for each statement execute function activity_hours_follow_${t.table}()`)
      .execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  const postgres = dialectOf(db) === 'postgres';
  for (const t of tallied) {
    for (const op of ['insert', 'update']) {
      if (postgres) await sql`drop trigger if exists ${sql.id(`${t.table}_tallied_${op}`)} on ${sql.table(t.table)}`.execute(db);
      else await sql.raw(`drop trigger if exists ${t.table}_tallied_${op}`).execute(db);
    }
    if (postgres) await sql`drop function if exists ${sql.id(`activity_hours_follow_${t.table}`)}()`.execute(db);
  }
  await db.schema.dropIndex('users_locked_until_idx').execute();
  await db.schema.dropTable('activity_hours').execute();
}
