import type { Db } from '../../db/index.js';
import type { Role } from '../../db/schema.js';
import { matchesEveryWord } from '../../db/people-search.js';
import { boundedCount, COUNT_AHEAD, readRecordCounts, type ListTotal } from '../../db/record-counts.js';
import { containsIgnoringCase, containsInLowerCase } from '../../db/search.js';
import { foldQuery } from '../../lib/people.js';

const accountColumns = ['id', 'username', 'displayName', 'role', 'isAdmin', 'disabled', 'lockedUntil', 'mustChangePassword', 'lastLoginAt', 'createdAt'] as const;

function filtered(db: Db, filter: { q?: string; role?: Role }) {
  let query = db.selectFrom('users');
  if (filter.q) {
    const q = filter.q;
    // An account linked to a student or lecturer is also found by that record's folded search text,
    // as the people lists find it: "zeljko" finds Željko, a student number finds its account.
    // A linked account's name is its person's, so only unlinked accounts (a few admins) need the
    // per-row lower() of the name, which on SQLite is a JavaScript call for every row it reaches.
    const folded = foldQuery(q) ?? q.toLowerCase();
    query = query.where((eb) =>
      eb.or([
        containsInLowerCase(eb.ref('username'), q),
        eb.and([eb('users.studentId', 'is', null), eb('users.lecturerId', 'is', null), containsIgnoringCase(eb.ref('displayName'), q)]),
        eb('users.studentId', 'in', eb.selectFrom('students').select('students.id').where(matchesEveryWord(db, 'students.searchText', folded))),
        eb('users.lecturerId', 'in', eb.selectFrom('lecturers').select('lecturers.id').where(matchesEveryWord(db, 'lecturers.searchText', folded))),
      ]),
    );
  }
  if (filter.role) query = query.where('role', '=', filter.role);
  return query;
}

export async function listAccounts(db: Db, filter: { q?: string; role?: Role; limit: number; offset: number }) {
  const query = filtered(db, filter);
  const [rows, total] = await Promise.all([
    query.select(accountColumns).orderBy('username').limit(filter.limit).offset(filter.offset).execute(),
    countAccounts(db, filter, filter.offset + COUNT_AHEAD),
  ]);
  return { rows, ...total };
}

/** All accounts: the kept figures (db/record-counts.ts); a search or a role: counted as far as `bound`. */
async function countAccounts(db: Db, filter: { q?: string; role?: Role }, bound: number): Promise<ListTotal> {
  if (!filter.q && !filter.role) {
    const counts = await readRecordCounts(db);
    return { total: counts['users.enabled'] + counts['users.disabled'], atLeast: false };
  }
  return boundedCount(db, filtered(db, filter), bound);
}

/** The accounts after a username, in username order (unique): keyset batches for an export. */
export function accountsAfter(db: Db, filter: { q?: string; role?: Role; after?: string; limit: number }) {
  let query = filtered(db, filter);
  if (filter.after !== undefined) query = query.where('username', '>', filter.after);
  return query.select(accountColumns).orderBy('username').limit(filter.limit).execute();
}

