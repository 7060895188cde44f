// The calendar feeds' queries: one row per account, found by the hash of its secret.
import type { Db } from '../../db/index.js';

export function findFeedOfUser(db: Db, userId: number) {
  return db.selectFrom('calendarFeeds').select(['id', 'createdAt', 'lastUsedAt']).where('userId', '=', userId).executeTakeFirst();
}

export function findFeedBySecretHash(db: Db, secretHash: string) {
  return db.selectFrom('calendarFeeds').select(['id', 'userId', 'lastUsedAt']).where('secretHash', '=', secretHash).executeTakeFirst();
}

/**
 * The account's feed with this secret: a new row, or the old row's secret replaced (the old address
 * stops working). An upsert, so two clicks at once leave one feed rather than a unique-key error.
 */
export async function putFeed(db: Db, feed: { userId: number; secretHash: string; createdAt: Date }): Promise<{ id: number; replaced: boolean }> {
  const old = await db.selectFrom('calendarFeeds').select('id').where('userId', '=', feed.userId).executeTakeFirst();
  const row = await db
    .insertInto('calendarFeeds')
    .values({ ...feed, lastUsedAt: null })
    .onConflict((oc) => oc.column('userId').doUpdateSet({ secretHash: feed.secretHash, createdAt: feed.createdAt, lastUsedAt: null }))
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, replaced: old !== undefined };
}

/** Deletes the account's feed; answers whether there was one. */
export async function deleteFeedOfUser(db: Db, userId: number): Promise<boolean> {
  const result = await db.deleteFrom('calendarFeeds').where('userId', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function markFeedUsed(db: Db, id: number, at: Date) {
  await db.updateTable('calendarFeeds').set({ lastUsedAt: at }).where('id', '=', id).execute();
}
