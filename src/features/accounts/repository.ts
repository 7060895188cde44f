import { sql, type SelectQueryBuilder } from 'kysely';
import { dialectOf, type Db } from '../../db/index.js';
import type { Database, Role } from '../../db/schema.js';
import { amongIdsOn, CANDIDATE_LIMIT, indexable, matchesPeopleSearch, preparePeopleSearch, trigramCandidates, type PeopleSearch } from '../../db/people-search.js';
import { boundedCount, COUNT_AHEAD, readRecordCounts, type ListTotal } from '../../db/record-counts.js';
import { containsIgnoringCase, containsInLowerCase } from '../../db/search.js';
import { foldQuery } from '../../lib/people.js';

const accountColumns = ['id', 'username', 'displayName', 'role', 'isAdmin', 'disabled', 'lockedUntil', 'mustChangePassword', 'lastLoginAt', 'createdAt'] as const;

/** A search of the accounts: the typed text, the people searches it also runs, and its matches. */
export interface AccountSearch {
  q: string;
  /**
   * Every account the text matches, gathered part by part through the indexes (see
   * matchingAccounts) when there are at most CANDIDATE_LIMIT; the page and its count then read
   * only these. Null: more, or a part no index can answer (a text of one or two letters), and the
   * accounts are walked in username order instead.
   */
  matches: number[] | null;
  /** Null when the text has no word a person's search text could hold (only punctuation). */
  students: PeopleSearch | null;
  lecturers: PeopleSearch | null;
}

export async function prepareAccountSearch(db: Db, q: string | undefined): Promise<AccountSearch | null> {
  if (!q) return null;
  const folded = foldQuery(q) ?? q.toLowerCase();
  const [students, lecturers] = await Promise.all([preparePeopleSearch(db, 'students.searchText', folded), preparePeopleSearch(db, 'lecturers.searchText', folded)]);
  const search = { q, matches: null, students, lecturers };
  return { ...search, matches: await matchingAccounts(db, search) };
}

/**
 * A person's part of the search can be answered through the index: it named every candidate. More
 * than CANDIDATE_LIMIT people (a common text, "ana") almost always means as many accounts, so the
 * accounts are walked at once rather than after gathering past the limit.
 */
function answerable(search: PeopleSearch): boolean {
  return search.candidates !== null;
}

/**
 * The accounts the text matches, as one union of parts that each read only what an index names:
 * the usernames holding it (their trigram index; usernames are ASCII, so another text names none),
 * the accounts with no person whose display name holds it (users_unlinked_idx: a handful of admins),
 * and the accounts of the students and lecturers it finds (their search, then the account by its
 * unique key). A planner given the same conditions OR-ed together walks every account (PostgreSQL
 * cannot tell how few the people's parts find; SQLite had no index for a non-ASCII name).
 */
async function matchingAccounts(db: Db, search: AccountSearch): Promise<number[] | null> {
  const text = search.q.toLowerCase();
  const ascii = /^[\x20-\x7e]*$/.test(text);
  if (ascii && !indexable(text)) return null;
  const people = [search.students, search.lecturers].filter((p): p is PeopleSearch => p !== null);
  if (!people.every(answerable)) return null;
  const sqlite = dialectOf(db) === 'sqlite';
  const byUsername = ascii && sqlite ? await trigramCandidates(db, 'users_search', 'username', [text], CANDIDATE_LIMIT) : [];
  if (byUsername === null) return null;

  const parts: SelectQueryBuilder<Database, keyof Database, { id: number | null }>[] = [];
  if (ascii)
    parts.push(
      db
        .selectFrom('users')
        .select('users.id')
        .where((eb) => (sqlite ? eb.and([amongIdsOn(db, 'users.id', byUsername), usernameContains(db, text)]) : usernameContains(db, text))),
    );
  parts.push(
    db
      .selectFrom('users')
      .select('users.id')
      // Written as users_unlinked_idx's expression (migration 0005), which finds them by key.
      .where(sql`coalesce(student_id, lecturer_id)`, 'is', null)
      .where((eb) => containsIgnoringCase(eb.ref('displayName'), search.q)),
  );
  // Each person found looks up its account by the unique key, as a subquery per row: written as a
  // join, PostgreSQL at `large` hashed it against a scan of every account (it expects 1,000 people
  // for a word that 600 hold). A person without an account gives a null, left out below.
  if (search.students)
    parts.push(
      db
        .selectFrom('students')
        .select((eb) => eb.selectFrom('users').select('users.id').whereRef('users.studentId', '=', 'students.id').as('id'))
        .where(matchesPeopleSearch(search.students)),
    );
  if (search.lecturers)
    parts.push(
      db
        .selectFrom('lecturers')
        .select((eb) => eb.selectFrom('users').select('users.id').whereRef('users.lecturerId', '=', 'lecturers.id').as('id'))
        .where(matchesPeopleSearch(search.lecturers)),
    );
  // UNION ALL, not UNION: a LIMIT stops it after enough rows, where UNION would first read and
  // deduplicate every match of a common text ("ana"). An account two parts find counts twice here,
  // so a text just under the limit may be walked instead: slower, never wrong.
  const [first, ...rest] = parts;
  const union = rest.reduce((all, part) => all.unionAll(part), first!);
  const rows = await db.selectFrom(union.as('matched')).select('matched.id').where('matched.id', 'is not', null).limit(CANDIDATE_LIMIT + 1).execute();
  return rows.length > CANDIDATE_LIMIT ? null : [...new Set(rows.map((r) => Number(r.id)))];
}

/**
 * The usernames holding the text. On PostgreSQL written as users_username_trgm's expression,
 * lower(username) (migration 0013), so that index serves it and never a lookup by name; usernames
 * are stored in lower case, so lower() changes nothing found. SQLite has no per-row lower() (a
 * JavaScript call for each row) and finds the candidates through its FTS5 table.
 */
function usernameContains(db: Db, text: string) {
  return dialectOf(db) === 'postgres' ? containsIgnoringCase(sql.ref('users.username'), text) : containsInLowerCase(sql.ref('users.username'), text);
}

interface AccountFilter {
  search: AccountSearch | null;
  role?: Role;
}

/**
 * The gathered accounts, read by their keys before anything else (PostgreSQL). Given the ids as a
 * filter of `users` with the page's ORDER BY username LIMIT 50, PostgreSQL either walked the
 * usernames' index testing each account against them (16.7 ms for 622 at `large`) or hashed them
 * against a scan of every account (at `medium`); a materialized CTE reads just those rows by the
 * primary key and sorts them. Named `users`, so the rest of the query reads as before.
 */
function gatheredAccounts(db: Db, ids: readonly number[]) {
  return db
    .with(
      (cte) => cte('gathered').materialized(),
      (d) => d.selectFrom('users').selectAll().where(sql<boolean>`users.id = any(${[...ids]}::int[])`),
    )
    .selectFrom('gathered as users') as unknown as ReturnType<typeof allAccounts>;
}

const allAccounts = (db: Db) => db.selectFrom('users');

function filtered(db: Db, filter: AccountFilter) {
  let query = filter.search?.matches && dialectOf(db) === 'postgres' ? gatheredAccounts(db, filter.search.matches) : allAccounts(db);
  if (filter.search?.matches) {
    if (dialectOf(db) === 'sqlite') query = query.where(amongIdsOn(db, 'users.id', filter.search.matches));
  } else if (filter.search) {
    const { q, students, lecturers } = filter.search;
    // Too many matches to gather, or a text no index answers: the accounts in username order, until
    // a page of them matches. An account linked to a student or lecturer is also found by that
    // record's folded search text, as the people lists find it: "zeljko" finds Željko, a student
    // number finds its account. A linked account's name is its person's, so only unlinked accounts
    // (a few admins) need the per-row lower() of the name, which on SQLite is a JavaScript call for
    // every row it reaches. SQLite looks each person up by key (EXISTS) rather than reading every
    // match first; PostgreSQL finds the people through their trigram index and hashes them (IN).
    const byKey = dialectOf(db) === 'sqlite';
    query = query.where((eb) => {
      const own = eb.or([
        usernameContains(db, q),
        eb.and([eb('users.studentId', 'is', null), eb('users.lecturerId', 'is', null), containsIgnoringCase(eb.ref('displayName'), q)]),
      ]);
      const person = (search: PeopleSearch, table: 'students' | 'lecturers', key: 'users.studentId' | 'users.lecturerId') =>
        search.candidates || !byKey
          ? eb(key, 'in', eb.selectFrom(table).select(`${table}.id`).where(matchesPeopleSearch(search)))
          : eb.exists(eb.selectFrom(table).select(`${table}.id`).whereRef(`${table}.id`, '=', key).where(matchesPeopleSearch(search)));
      return eb.or([own, ...(students ? [person(students, 'students', 'users.studentId')] : []), ...(lecturers ? [person(lecturers, 'lecturers', 'users.lecturerId')] : [])]);
    });
  }
  if (filter.role)
    // With the matches in hand they are the way in: SQLite would otherwise walk the whole role's
    // index testing each entry against them (`+` keeps it off the index, as archivedColumn does).
    query = query.where(filter.search?.matches && dialectOf(db) === 'sqlite' ? sql<Role>`+users.role` : sql.ref('role'), '=', filter.role);
  return query;
}

export async function listAccounts(db: Db, filter: AccountFilter & { limit: number; offset: number }) {
  const query = filtered(db, filter);
  const [rows, total] = await Promise.all([
    query.select(accountColumns).orderBy('username').limit(filter.limit).offset(filter.offset).execute(),
    countAccounts(db, filter, filter.offset + COUNT_AHEAD),
  ]);
  return { rows, ...total };
}

/** All accounts: the kept figures (db/record-counts.ts); a search or a role: counted as far as `bound`. */
async function countAccounts(db: Db, filter: AccountFilter, bound: number): Promise<ListTotal> {
  if (!filter.search && !filter.role) {
    const counts = await readRecordCounts(db);
    return { total: counts['users.enabled'] + counts['users.disabled'], atLeast: false };
  }
  return boundedCount(db, filtered(db, filter), bound);
}

/** The accounts after a username, in username order (unique): keyset batches for an export. */
export function accountsAfter(db: Db, filter: AccountFilter & { after?: string; limit: number }) {
  let query = filtered(db, filter);
  if (filter.after !== undefined) query = query.where('username', '>', filter.after);
  return query.select(accountColumns).orderBy('username').limit(filter.limit).execute();
}


/**
 * The accounts locked now (too many failed sign-ins), the latest lock to end first, at most `limit`,
 * and how many there are, counted as far as `bound`: a range of users_locked_until_idx past now,
 * as long as the locks are, not the accounts.
 */
export async function lockedAccounts(db: Db, now: Date, limit: number, bound: number) {
  const locked = db.selectFrom('users').where('lockedUntil', '>', now);
  const [rows, total] = await Promise.all([
    locked.select(['id', 'username', 'displayName', 'role', 'lockedUntil']).orderBy('lockedUntil', 'desc').orderBy('id').limit(limit).execute(),
    boundedCount(db, locked, bound),
  ]);
  return { rows, ...total };
}
