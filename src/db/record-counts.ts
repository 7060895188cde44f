// Figures the triggers of migration 0005 keep (ADR 0015): reading one is a primary-key lookup, so the
// dashboard and the unfiltered lists' totals cost the same at 100,000 students as at 100.
// Filtered lists count only as far as they show (boundedCount).
import { sql, type SelectQueryBuilder } from 'kysely';
import type { Db } from './index.js';
import type { Database } from './schema.js';

const countedKeys = [
  'students.active',
  'students.archived',
  'lecturers.active',
  'lecturers.archived',
  'groups.active',
  'groups.archived',
  'users.enabled',
  'users.disabled',
  'subjects.all',
] as const;

export type Counted = (typeof countedKeys)[number];

/** Every kept figure; one that is missing (a database mid-restore) reads as 0. */
export async function readRecordCounts(db: Db): Promise<Record<Counted, number>> {
  const rows = await db.selectFrom('recordCounts').select(['counted', 'n']).execute();
  const out = Object.fromEntries(countedKeys.map((key) => [key, 0])) as Record<Counted, number>;
  for (const row of rows) if (row.counted in out) out[row.counted as Counted] = Number(row.n);
  return out;
}

export async function recordCount(db: Db, counted: Counted): Promise<number> {
  const row = await db.selectFrom('recordCounts').select('n').where('counted', '=', counted).executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** A total that may stop short: `atLeast` says more rows match than were counted. */
export interface ListTotal {
  total: number;
  atLeast: boolean;
}

/** How far past a page a filtered list counts: 20 pages of 50 ahead of where the reader is. */
export const COUNT_AHEAD = 1000;

/**
 * Counts the rows of a filtered query up to `bound`: the count stops reading at the bound, so a
 * broad search over 100,000 records reads ~1,000 index entries, not all of them.
 */
export async function boundedCount<T extends keyof Database & string>(
  db: Db,
  query: SelectQueryBuilder<Database, T, object>,
  bound: number,
): Promise<ListTotal> {
  const matching = query.select(sql<number>`1`.as('one')).limit(bound + 1).as('matching');
  const row = await db.selectFrom(matching).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const n = Number(row.n);
  return n > bound ? { total: bound, atLeast: true } : { total: n, atLeast: false };
}
