import type { Db } from '../../db/index.js';
import type { Role } from '../../db/schema.js';
import { forCounting, matchesPeopleSearch, preparePeopleSearch, type PeopleSearch } from '../../db/people-search.js';
import { boundedCount, COUNT_AHEAD, readRecordCounts, type ListTotal } from '../../db/record-counts.js';
import { containsIgnoringCase, containsInLowerCase } from '../../db/search.js';
import { foldQuery } from '../../lib/people.js';

const accountColumns = ['id', 'username', 'displayName', 'role', 'isAdmin', 'disabled', 'lockedUntil', 'mustChangePassword', 'lastLoginAt', 'createdAt'] as const;

/** A search of the accounts: the typed text, and the people searches it also runs. */
export interface AccountSearch {
  q: string;
  /** Null when the text has no word a person's search text could hold (only punctuation). */
  students: PeopleSearch | null;
  lecturers: PeopleSearch | null;
}

export async function prepareAccountSearch(db: Db, q: string | undefined): Promise<AccountSearch | null> {
  if (!q) return null;
  const folded = foldQuery(q) ?? q.toLowerCase();
  const [students, lecturers] = await Promise.all([preparePeopleSearch(db, 'students.searchText', folded), preparePeopleSearch(db, 'lecturers.searchText', folded)]);
  // The people found are a set the accounts are checked against, not a list walked in order: every
  // candidate the index could name serves (forCounting), for the page as for the count.
  return { q, students: students && forCounting(students), lecturers: lecturers && forCounting(lecturers) };
}

interface AccountFilter {
  search: AccountSearch | null;
  role?: Role;
}

function filtered(db: Db, filter: AccountFilter) {
  let query = db.selectFrom('users');
  if (filter.search) {
    const { q, students, lecturers } = filter.search;
    // An account linked to a student or lecturer is also found by that record's folded search text,
    // as the people lists find it: "zeljko" finds Željko, a student number finds its account.
    // A linked account's name is its person's, so only unlinked accounts (a few admins) need the
    // per-row lower() of the name, which on SQLite is a JavaScript call for every row it reaches.
    query = query.where((eb) =>
      eb.or([
        containsInLowerCase(eb.ref('username'), q),
        eb.and([eb('users.studentId', 'is', null), eb('users.lecturerId', 'is', null), containsIgnoringCase(eb.ref('displayName'), q)]),
        ...(students ? [eb('users.studentId', 'in', eb.selectFrom('students').select('students.id').where(matchesPeopleSearch(students)))] : []),
        ...(lecturers ? [eb('users.lecturerId', 'in', eb.selectFrom('lecturers').select('lecturers.id').where(matchesPeopleSearch(lecturers)))] : []),
      ]),
    );
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

