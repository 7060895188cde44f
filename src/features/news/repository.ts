import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { NewsScope } from '../../access.js';
import type { Db } from '../../db/index.js';
import type { Database } from '../../db/schema.js';

type NewsBuilder = ExpressionBuilder<Database, 'news'>;

/** Articles for one of the groups, by the audience "groups" and its rows of news_groups. */
function forGroups(eb: NewsBuilder, groups: unknown): Expression<SqlBool> {
  return eb.and([eb('news.audience', '=', 'groups'), eb('news.id', 'in', eb.selectFrom('newsGroups').select('newsGroups.newsId').where('newsGroups.groupId', 'in', groups as never))]);
}

/** What the scope may read (access.ts newsScope), published by `now`. */
function visible(eb: NewsBuilder, scope: NewsScope, now: Date): Expression<SqlBool> {
  const published = eb('news.publishedAt', '<=', now);
  switch (scope.kind) {
    case 'all':
      return published;
    case 'public':
      return eb.and([published, eb('news.audience', '=', 'public')]);
    case 'signedIn':
      return eb.and([published, eb('news.audience', 'in', ['public', 'everyone'])]);
    case 'student':
      // A CASE, not an OR: SQLite answered the OR by searching the audience index once per arm and
      // sorting every article a student reads (15,000 of 20,000 at `large`, 13.5 ms) to keep the
      // newest 21. No index answers a CASE, so both engines walk news_published_idx newest first and
      // stop after the page (0.12 ms), three articles in four being a student's.
      return eb.and([
        published,
        eb
          .case()
          .when('news.audience', '=', 'groups')
          .then(forGroups(eb, eb.selectFrom('students').select('students.groupId').where('students.id', '=', scope.studentId)))
          .else(eb('news.audience', 'in', ['public', 'everyone', 'students']))
          .end(),
      ]);
    case 'lecturer':
      return eb.and([
        published,
        eb.or([
          eb('news.audience', 'in', ['public', 'everyone', 'lecturers']),
          eb('news.authorId', '=', scope.userId),
          forGroups(eb, eb.selectFrom('teaching').select('teaching.groupId').where('teaching.lecturerId', '=', scope.lecturerId)),
        ]),
      ]);
  }
}

const listColumns = ['news.id', 'news.category', 'news.title', 'news.summary', 'news.audience', 'news.publishedAt', 'news.updatedAt', 'news.coverFileId', 'news.audioFileId', 'news.authorId'] as const;

export interface NewsListFilter {
  category?: string;
  /** Only articles for this audience (the public API and feed ask for "public"). */
  audience?: string;
  /** Keyset position: articles published before this one (newest first). */
  before?: { publishedAt: Date; id: number };
  limit: number;
  now: Date;
}

/** The newest articles the scope may read; the list's index (category or audience first) decides the walk. */
export function listNews(db: Db, scope: NewsScope, filter: NewsListFilter) {
  let query = db
    .selectFrom('news')
    .select(listColumns)
    .select((eb) => eb.selectFrom('users').select('users.displayName').whereRef('users.id', '=', 'news.authorId').as('authorName'))
    .where((eb) => visible(eb, scope, filter.now));
  if (filter.category) query = query.where('news.category', '=', filter.category);
  if (filter.audience) query = query.where('news.audience', '=', filter.audience);
  if (filter.before) {
    const { publishedAt, id } = filter.before;
    query = query.where((eb) => eb(eb.refTuple('news.publishedAt', 'news.id'), '<', eb.tuple(publishedAt, id)));
  }
  return query.orderBy('news.publishedAt', 'desc').orderBy('news.id', 'desc').limit(filter.limit).execute();
}

/** One article, if the scope may read it. */
export function findNews(db: Db, scope: NewsScope, id: number, now: Date) {
  return db
    .selectFrom('news')
    .selectAll('news')
    .select((eb) => eb.selectFrom('users').select('users.displayName').whereRef('users.id', '=', 'news.authorId').as('authorName'))
    .where('news.id', '=', id)
    .where((eb) => visible(eb, scope, now))
    .executeTakeFirst();
}

export function groupsOfNews(db: Db, newsId: number) {
  return db
    .selectFrom('newsGroups')
    .innerJoin('groups', 'groups.id', 'newsGroups.groupId')
    .select(['groups.id', 'groups.name'])
    .where('newsGroups.newsId', '=', newsId)
    .orderBy('groups.name')
    .orderBy('groups.id')
    .execute();
}

/** The groups of each of the articles, by article. */
export async function groupsOfNewsList(db: Db, newsIds: readonly number[]): Promise<Map<number, { id: number; name: string }[]>> {
  const byNews = new Map<number, { id: number; name: string }[]>();
  if (newsIds.length === 0) return byNews;
  const rows = await db
    .selectFrom('newsGroups')
    .innerJoin('groups', 'groups.id', 'newsGroups.groupId')
    .select(['newsGroups.newsId', 'groups.id', 'groups.name'])
    .where('newsGroups.newsId', 'in', newsIds)
    .orderBy('groups.name')
    .orderBy('groups.id')
    .execute();
  for (const row of rows) byNews.set(row.newsId, [...(byNews.get(row.newsId) ?? []), { id: row.id, name: row.name }]);
  return byNews;
}

export async function insertNews(
  db: Db,
  values: { category: string; title: string; body: string; summary: string; audience: string; authorId: number | null; publishedAt: Date; createdAt: Date },
): Promise<number> {
  const row = await db.insertInto('news').values(values).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function updateNews(db: Db, id: number, values: Partial<{ category: string; title: string; body: string; summary: string; audience: string; coverFileId: number | null; coverThumbnailFileId: number | null; audioFileId: number | null; updatedAt: Date }>) {
  await db.updateTable('news').set(values).where('id', '=', id).execute();
}

export async function deleteNews(db: Db, id: number) {
  await db.deleteFrom('news').where('id', '=', id).execute();
}

export async function setNewsGroups(db: Db, newsId: number, groupIds: readonly number[]) {
  await db.deleteFrom('newsGroups').where('newsId', '=', newsId).execute();
  if (groupIds.length) await db.insertInto('newsGroups').values(groupIds.map((groupId) => ({ newsId, groupId }))).execute();
}

/** Which of the ids are groups (archived ones too: an article may still be for them). */
export function existingGroups(db: Db, ids: readonly number[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('groups').select(['groups.id', 'groups.name']).where('groups.id', 'in', ids).execute();
}
