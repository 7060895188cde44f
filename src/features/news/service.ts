// News: articles that admins publish to anyone (public), everyone signed in, students, lecturers or
// chosen groups, and that lecturers publish to the groups they teach. Who reads what is access.ts'
// newsScope, applied in SQL; an article out of sight is not found (404).
import { authorize, mayEditNews, newsAudiencesFor, newsScope, type Actor } from '../../access.js';
import { signedInActor, type ServiceContext } from '../../context.js';
import { decodeCursor, encodeCursor } from '../../lib/cursor.js';
import { Forbidden, Invalid, NotFound, type FieldMessages } from '../../lib/errors.js';
import { plainTextOf } from '../../lib/markdown.js';
import { validateAndCheck } from '../../lib/validation.js';
import { recordAudit } from '../audit/service.js';
import * as files from '../files/service.js';
import * as lecturers from '../lecturers/service.js';
import type { NewsAudience, NewsCategory } from './fields.js';
import * as repo from './repository.js';
import { CreateNewsInput, UpdateNewsInput } from './schemas.js';

/** How long a list's summary of an article is. */
const SUMMARY_LENGTH = 240;

/** The summary a list shows of a body: its first words as plain text (written with the body). */
export function newsSummary(body: string): string {
  return plainTextOf(body, SUMMARY_LENGTH);
}

/** The Older link's cursor of a list whose last article is this one. */
export function newsCursorAfter(article: { publishedAt: Date; id: number }): string {
  return encodeCursor([article.publishedAt.toISOString(), article.id]);
}

export interface Named {
  id: number;
  name: string;
}

export interface NewsListItem {
  id: number;
  /** The groups that read it (audience "groups"); none for the other audiences. */
  groups: Named[];
  updatedAt: Date | null;
  category: NewsCategory;
  title: string;
  summary: string;
  audience: NewsAudience;
  publishedAt: Date;
  authorName: string | null;
  hasCover: boolean;
  hasAudio: boolean;
}

export interface NewsView extends NewsListItem {
  /** Markdown. */
  body: string;
  authorId: number | null;
  coverFileId: number | null;
  coverThumbnailFileId: number | null;
  audioFileId: number | null;
  /** Whether the actor may change or delete it. */
  mayEdit: boolean;
}

export interface NewsPage {
  items: NewsListItem[];
  nextCursor: string | null;
}

type ListRow = Awaited<ReturnType<typeof repo.listNews>>[number];

function listItem(row: ListRow, groups: Named[]): NewsListItem {
  return {
    id: row.id,
    groups,
    updatedAt: row.updatedAt,
    category: row.category as NewsCategory,
    title: row.title,
    summary: row.summary,
    audience: row.audience as NewsAudience,
    publishedAt: row.publishedAt!,
    authorName: row.authorName ?? null,
    hasCover: row.coverFileId !== null,
    hasAudio: row.audioFileId !== null,
  };
}

function auditable(article: NewsView) {
  return { category: article.category, title: article.title, audience: article.audience, groups: article.groups.map((g) => g.name) };
}

/** The articles the actor (or a visitor, with no actor) may read, newest first, one page at a time. */
export async function listNews(ctx: ServiceContext, query: { category?: NewsCategory | ''; cursor?: string; limit?: number; audience?: 'public' }): Promise<NewsPage> {
  const limit = query.limit ?? 20;
  let before: { publishedAt: Date; id: number } | undefined;
  if (query.cursor) {
    const [at, id] = decodeCursor(query.cursor, ['string', 'id']) as [string, number];
    const publishedAt = new Date(at);
    if (Number.isNaN(publishedAt.getTime())) throw new Invalid('The cursor is not valid for this list.', { cursor: 'Use the nextCursor value from the previous page, unchanged.' });
    before = { publishedAt, id };
  }
  const rows = await repo.listNews(ctx.db, newsScope(ctx.actor), {
    ...(query.category ? { category: query.category } : {}),
    ...(query.audience ? { audience: query.audience } : {}),
    ...(before ? { before } : {}),
    limit: limit + 1,
    now: ctx.clock.now(),
  });
  const page = rows.slice(0, limit);
  // The groups of the page's group articles in one statement, not one per article.
  const groupsOf = await repo.groupsOfNewsList(
    ctx.db,
    page.filter((r) => r.audience === 'groups').map((r) => r.id),
  );
  const items = page.map((row) => listItem(row, groupsOf.get(row.id) ?? []));
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? newsCursorAfter(last) : null };
}

/** One article the actor (or a visitor) may read; 404 otherwise. */
export async function getNews(ctx: ServiceContext, id: number): Promise<NewsView> {
  const row = await repo.findNews(ctx.db, newsScope(ctx.actor), id, ctx.clock.now());
  if (!row) throw new NotFound('No such article.');
  const groups = row.audience === 'groups' ? await repo.groupsOfNews(ctx.db, row.id) : [];
  return {
    ...listItem(row, groups),
    body: row.body,
    authorId: row.authorId,
    coverFileId: row.coverFileId,
    coverThumbnailFileId: row.coverThumbnailFileId,
    audioFileId: row.audioFileId,
    mayEdit: ctx.actor ? mayEditNews(ctx.actor, row) : false,
  };
}

/**
 * The groups the actor may write news for: a lecturer's taught groups; an admin any group (found by
 * id, so null: "any", the form offers a type-ahead instead of a list of thousands).
 */
export async function groupsToWriteFor(ctx: ServiceContext): Promise<Named[] | null> {
  const actor = signedInActor(ctx);
  authorize(actor, 'news.publish');
  if (newsAudiencesFor(actor) === 'any') return null;
  return actor.lecturerId === null ? [] : lecturers.groupsTaughtByLecturer(ctx, actor.lecturerId);
}

/**
 * Checks the audience and its groups for this actor (access.ts newsAudiencesFor); the group ids it
 * returns are the ones to keep. `given`: whether the caller named groups at all. `kept`: groups the
 * article already has that the actor may not choose (a lecturer's article that an admin gave
 * another group): they stay whatever the actor sends. Throws Invalid with every problem it finds.
 */
async function checkAudience(
  ctx: ServiceContext,
  actor: Actor,
  audience: NewsAudience | undefined,
  groupIds: readonly number[],
  options: { given: boolean; kept?: readonly number[] },
): Promise<number[]> {
  const fields: FieldMessages = {};
  const kept = options.kept ?? [];
  const taught = newsAudiencesFor(actor) === 'any' ? null : await groupsToWriteFor(ctx);
  if (taught && audience !== undefined && audience !== 'groups')
    fields.audience = 'Lecturers publish news to the groups they teach: choose the audience "groups" (Chosen groups on the form) and some of those groups.';
  else if (audience !== undefined && audience !== 'groups' && options.given && groupIds.length > 0)
    fields.groupIds = `Groups are read only for the audience "groups"; send no groupIds for the audience "${audience}".`;
  if (audience !== 'groups') {
    if (Object.keys(fields).length) throw new Invalid('Check the highlighted fields.', fields);
    return [];
  }
  const chosen = groupIds.filter((id) => !kept.includes(id));
  if (chosen.length === 0 && kept.length === 0) fields.groupIds = 'Choose one or more groups to read it.';
  const allowed = taught ? taught.filter((g) => chosen.includes(g.id)) : await repo.existingGroups(ctx.db, chosen);
  const known = new Set(allowed.map((g) => g.id));
  const unknown = chosen.filter((id) => !known.has(id));
  if (unknown.length)
    fields.groupIds = taught
      ? `You do not teach the group with the id ${unknown.join(', ')}; choose among the groups you teach.`
      : `No group has the id ${unknown.join(', ')}; GET /api/v1/groups lists the groups and their ids.`;
  if (Object.keys(fields).length) throw new Invalid('Check the highlighted fields.', fields);
  return [...known, ...kept];
}

/** Publishes an article now. Admins to any audience; lecturers to groups they teach. */
export async function createNews(ctx: ServiceContext, input: unknown): Promise<NewsView> {
  const actor = signedInActor(ctx);
  authorize(actor, 'news.publish');
  // The audience and groups are checked even when other fields are refused: one answer names all.
  const { data, checked: groupIds } = await validateAndCheck(CreateNewsInput, input, (valid) =>
    checkAudience(ctx, actor, valid.audience, valid.groupIds ?? [], { given: valid.groupIds !== undefined }),
  );
  const now = ctx.clock.now();
  const body = data.body ?? '';
  const id = await repo.insertNews(ctx.db, {
    category: data.category,
    title: data.title,
    body,
    summary: newsSummary(body),
    audience: data.audience,
    authorId: actor.userId > 0 ? actor.userId : null,
    publishedAt: now,
    createdAt: now,
  });
  await repo.setNewsGroups(ctx.db, id, groupIds);
  const article = await getNews(ctx, id);
  await recordAudit(ctx, { action: 'news.published', entity: 'news', entityId: id, after: auditable(article) });
  return article;
}

/** The article, if the actor may change it: 404 unless they may read it, 403 unless they may edit it. */
export async function newsToEdit(ctx: ServiceContext, id: number): Promise<NewsView> {
  const article = await getNews(ctx, id);
  if (!article.mayEdit) throw new Forbidden('Only an admin or the lecturer who published this article may change it.');
  return article;
}

export async function updateNews(ctx: ServiceContext, id: number, input: unknown): Promise<NewsView> {
  const actor = signedInActor(ctx);
  const before = await newsToEdit(ctx, id);
  const beforeGroups = before.groups.map((g) => g.id);
  const { data, checked: groupIds } = await validateAndCheck(UpdateNewsInput, input, async (valid) => {
    if (valid.audience === undefined && valid.groupIds === undefined) return null;
    const audience = valid.audience ?? before.audience;
    // A lecturer keeps the groups an admin added that they do not teach: their form cannot show them.
    const taught = newsAudiencesFor(actor) === 'any' ? null : new Set(((await groupsToWriteFor(ctx)) ?? []).map((g) => g.id));
    const kept = taught && audience === 'groups' ? beforeGroups.filter((g) => !taught.has(g)) : [];
    return checkAudience(ctx, actor, audience, valid.groupIds ?? beforeGroups, { given: valid.groupIds !== undefined, kept });
  });
  // Only what differs is written: a save that changes nothing leaves the article (and its
  // "changed" time, which feed readers follow) as it was, with nothing in the audit trail.
  const changes = {
    ...(data.category !== undefined && data.category !== before.category ? { category: data.category } : {}),
    ...(data.title !== undefined && data.title !== before.title ? { title: data.title } : {}),
    ...(data.body !== undefined && data.body !== before.body ? { body: data.body, summary: newsSummary(data.body) } : {}),
    ...(data.audience !== undefined && data.audience !== before.audience ? { audience: data.audience } : {}),
  };
  const groupsChange = groupIds !== null && (groupIds.length !== beforeGroups.length || groupIds.some((g) => !beforeGroups.includes(g)));
  if (Object.keys(changes).length === 0 && !groupsChange) return before;
  await repo.updateNews(ctx.db, id, { ...changes, updatedAt: ctx.clock.now() });
  if (groupIds && groupsChange) await repo.setNewsGroups(ctx.db, id, groupIds);
  const after = await getNews(ctx, id);
  await recordAudit(ctx, { action: 'news.updated', entity: 'news', entityId: id, before: auditable(before), after: auditable(after) });
  return after;
}

/** Deletes the article; its cover and audio objects go after commit. */
export async function deleteNews(ctx: ServiceContext, id: number): Promise<NewsView & files.AfterCommit> {
  const before = await newsToEdit(ctx, id);
  const fileIds = [before.coverFileId, before.coverThumbnailFileId, before.audioFileId].filter((f): f is number => f !== null);
  await repo.deleteNews(ctx.db, id);
  const keys = await files.deleteFileRecordsById(ctx, fileIds);
  await recordAudit(ctx, { action: 'news.deleted', entity: 'news', entityId: id, before: auditable(before) });
  return { ...before, afterCommit: () => files.discardStoredObjects(ctx, keys) };
}
