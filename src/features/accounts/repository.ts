import type { Db } from '../../db/index.js';
import type { Role } from '../../db/schema.js';
import { containsIgnoringCase } from '../../db/search.js';

export async function listAccounts(db: Db, filter: { q?: string; role?: Role; limit: number; offset: number }) {
  let query = db.selectFrom('users');
  if (filter.q) {
    const q = filter.q;
    query = query.where((eb) =>
      eb.or([containsIgnoringCase(eb.ref('username'), q), containsIgnoringCase(eb.ref('displayName'), q)]),
    );
  }
  if (filter.role) query = query.where('role', '=', filter.role);
  const [rows, total] = await Promise.all([
    query
      .select(['id', 'username', 'displayName', 'role', 'isAdmin', 'disabled', 'lockedUntil', 'mustChangePassword', 'lastLoginAt', 'createdAt'])
      .orderBy('username')
      .limit(filter.limit)
      .offset(filter.offset)
      .execute(),
    query.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.count) };
}

