import { dialectOf, type Db } from '../../db/index.js';
import type { Role } from '../../db/schema.js';
import { amongIds, COUNT_CANDIDATE_LIMIT, forCounting, indexable, matchesPeopleSearch, preparePeopleSearch, trigramCandidates, type PeopleSearch } from '../../db/people-search.js';
import { boundedCount, COUNT_AHEAD, readRecordCounts, type ListTotal } from '../../db/record-counts.js';
import { containsIgnoringCase, containsInLowerCase } from '../../db/search.js';
import { foldQuery } from '../../lib/people.js';

const accountColumns = ['id', 'username', 'displayName', 'role', 'isAdmin', 'disabled', 'lockedUntil', 'mustChangePassword', 'lastLoginAt', 'createdAt'] as const;

/** A search of the accounts: the typed text, and the people searches it also runs. */
export interface AccountSearch {
  q: string;
  /**
   * SQLite: the accounts whose username or name can hold the text (the trigram index users_search,
   * migration 0005), or null: too many, a text the index cannot answer, or PostgreSQL.
   */
  candidates: number[] | null;
  /** Null when the text has no word a person's search text could hold (only punctuation). */
  students: PeopleSearch | null;
  lecturers: PeopleSearch | null;
}

export async function prepareAccountSearch(db: Db, q: string | undefined): Promise<AccountSearch | null> {
  if (!q) return null;
  const folded = foldQuery(q) ?? q.toLowerCase();
  const text = q.toLowerCase();
  const ownCandidates = async () => {
    // SQLite's trigram tokenizer folds the case of ASCII letters only, so "šarić" would miss
    // "Šarić" in a name the search compares lower-cased: such a text is not looked up in the index.
    if (dialectOf(db) === 'postgres' || !indexable(text) || !/^[\x20-\x7e]*$/.test(text)) return null;
    const [byUsername, byName] = await Promise.all(['username', 'display_name'].map((column) => trigramCandidates(db, 'users_search', column, [text], COUNT_CANDIDATE_LIMIT)));
    return byUsername && byName ? [...new Set([...byUsername, ...byName])] : null;
  };
  const [candidates, students, lecturers] = await Promise.all([ownCandidates(), preparePeopleSearch(db, 'students.searchText', folded), preparePeopleSearch(db, 'lecturers.searchText', folded)]);
  // The people found are a set the accounts are checked against, not a list walked in order: every
  // candidate the index could name serves (forCounting), for the page as for the count.
  return { q, candidates, students: students && forCounting(students), lecturers: lecturers && forCounting(lecturers) };
}

interface AccountFilter {
  search: AccountSearch | null;
  role?: Role;
}

function filtered(db: Db, filter: AccountFilter) {
  let query = db.selectFrom('users');
  if (filter.search) {
    const { q, candidates, students, lecturers } = filter.search;
    // An account linked to a student or lecturer is also found by that record's folded search text,
    // as the people lists find it: "zeljko" finds Željko, a student number finds its account.
    // A linked account's name is its person's, so only unlinked accounts (a few admins) need the
    // per-row lower() of the name, which on SQLite is a JavaScript call for every row it reaches.
    // With candidates for every part (a rare text), SQLite answers the OR from its indexes, one
    // part at a time; without (a common text), it walks the accounts by username and stops after
    // the page, each person looked up by key (EXISTS) rather than every match read first.
    // PostgreSQL finds the people through their trigram index and hashes them (IN).
    const byKey = dialectOf(db) === 'sqlite';
    query = query.where((eb) => {
      const own = eb.or([
        containsInLowerCase(eb.ref('username'), q),
        eb.and([eb('users.studentId', 'is', null), eb('users.lecturerId', 'is', null), containsIgnoringCase(eb.ref('displayName'), q)]),
      ]);
      const person = (search: PeopleSearch, table: 'students' | 'lecturers', key: 'users.studentId' | 'users.lecturerId') =>
        search.candidates || !byKey
          ? eb(key, 'in', eb.selectFrom(table).select(`${table}.id`).where(matchesPeopleSearch(search)))
          : eb.exists(eb.selectFrom(table).select(`${table}.id`).whereRef(`${table}.id`, '=', key).where(matchesPeopleSearch(search)));
      return eb.or([
        candidates ? eb.and([amongIds('users.id', candidates), own]) : own,
        ...(students ? [person(students, 'students', 'users.studentId')] : []),
        ...(lecturers ? [person(lecturers, 'lecturers', 'users.lecturerId')] : []),
      ]);
    });
  }
  if (filter.role) query = query.where('role', '=', filter.role);
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

