// News in the API, with the pages' rules (news/service.ts):
//   POST /news { category, title, body, audience, groupIds }   GET /news (what the caller may read)
//   GET/PATCH/DELETE /news/{id}
// and, for anyone without a token (the landing page, other sites), GET /api/public/news: the public
// articles only (publicNewsRoutes, registered outside /api/v1 by app.ts).
import type { FastifyInstance } from 'fastify';
import { validate } from '../../../lib/validation.js';
import { sendStoredFile } from '../../../routes/send-file.js';
import { siteOf } from '../../../routes/site-origin.js';
import { categoryLabels } from '../../news/fields.js';
import * as media from '../../news/media.js';
import * as news from '../../news/service.js';
import { ListNewsQuery } from '../../news/schemas.js';
import { apiRouteConfig, knownFieldsOnly, readAs, recordId, writeAs } from '../request.js';
import { errorResponses, IdParams, pageOf, ref, sharedSchema } from '../schemas.js';

const tags = ['news'];
const invalid = { ...ref('Error'), description: 'The input breaks a rule; `error.fields` says what to fix in each field.' };
const forbidden = { ...ref('Error'), description: 'This token may read the article but not change it (only admins and its author may).' };
const notFound = { ...ref('Error'), description: 'No such article, or not one this token may read.' };

/**
 * An article's links, by its id: its page, and its files when it has them: under /api/v1 for a
 * caller with a token (the pages' addresses take no token), the pages' (whole, with the site's
 * origin) for the public news.
 */
interface LinkBases {
  /** Where the articles' pages are, e.g. /news. */
  pages: string;
  /** Where their files are, e.g. /api/v1/news. */
  files: string;
}

const API_LINKS: LinkBases = { pages: '/news', files: '/api/v1/news' };

function links(item: news.NewsListItem, { pages, files }: LinkBases) {
  return {
    url: `${pages}/${item.id}`,
    coverUrl: item.hasCover ? `${files}/${item.id}/cover` : null,
    coverThumbnailUrl: item.hasCover ? `${files}/${item.id}/cover/thumbnail` : null,
    audioUrl: item.hasAudio ? `${files}/${item.id}/audio` : null,
  };
}

/** A list item as the API answers it (NewsItem). */
function newsItemJson(item: news.NewsListItem, bases: LinkBases = API_LINKS) {
  return {
    id: item.id,
    category: item.category,
    categoryLabel: categoryLabels[item.category],
    title: item.title,
    audience: item.audience,
    summary: item.summary,
    groups: item.groups,
    author: item.authorName,
    publishedAt: item.publishedAt.toISOString(),
    updatedAt: item.updatedAt?.toISOString() ?? null,
    ...links(item, bases),
  };
}

function newsJson(article: news.NewsView) {
  return { ...newsItemJson(article), body: article.body };
}

export default async function newsApiRoutes(app: FastifyInstance) {
  app.post(
    '/news',
    {
      config: apiRouteConfig,
      schema: {
        tags,
        summary: 'Publish an article',
        description: 'Admins to any audience; lecturers to some of the groups they teach (`audience: "groups"`). Published at once.',
        body: ref('NewsInput'),
        response: { 201: { ...ref('News'), description: 'The new article.' }, 403: forbidden, 422: invalid, ...errorResponses },
      },
    },
    async (request, reply) => {
      const body = knownFieldsOnly(request.body ?? {}, sharedSchema('NewsInput'));
      const article = await writeAs(request, (ctx) => news.createNews(ctx, body));
      return reply.code(201).header('location', `/api/v1/news/${article.id}`).send(newsJson(article));
    },
  );

  app.get(
    '/news',
    {
      config: apiRouteConfig,
      schema: {
        tags,
        summary: 'The news the caller may read, newest first',
        description:
          'Everyone reads the public and "everyone" articles; students also those for students and for their group; lecturers those for lecturers, for the groups they teach, and their own; admins all. `category` narrows it; pages follow `nextCursor`.',
        querystring: ListNewsQuery,
        response: { 200: { ...pageOf('NewsItem'), description: 'A page of articles.' }, 422: invalid, ...errorResponses },
      },
    },
    async (request) => {
      const query = validate(ListNewsQuery, request.query);
      const page = await news.listNews(readAs(request), { category: query.category ?? '', ...(query.cursor ? { cursor: query.cursor } : {}), limit: query.limit ?? 20 });
      return { items: page.items.map((item) => newsItemJson(item)), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/news/:id',
    { config: apiRouteConfig, schema: { tags, summary: 'Read one article', params: IdParams, response: { 200: ref('News'), 404: notFound, ...errorResponses } } },
    async (request) => newsJson(await news.getNews(readAs(request), recordId(request.params, 'article'))),
  );

  // The files, to whoever may read the article; audio answers Range requests.
  for (const [path, which, summary] of [
    ['/news/:id/cover', 'cover', "Download an article's cover image"],
    ['/news/:id/cover/thumbnail', 'thumbnail', "Download an article's cover thumbnail (320 × 320)"],
    ['/news/:id/audio', 'audio', "Download an article's audio (HTTP Range supported)"],
  ] as const) {
    app.get(
      path,
      {
        config: apiRouteConfig,
        schema: {
          tags,
          summary,
          description: 'Whoever may read the article. The file with its Content-Type, `X-Content-Type-Options: nosniff`, an ETag (its SHA-256) and `Accept-Ranges: bytes`. 404 when the article has none.',
          params: IdParams,
          response: { 404: notFound, ...errorResponses },
        },
      },
      async (request, reply) => sendStoredFile(request, reply, (await media.newsFile(readAs(request), recordId(request.params, 'article'), which)).file),
    );
  }

  app.patch(
    '/news/:id',
    {
      config: apiRouteConfig,
      schema: { tags, summary: 'Change an article', description: 'Admins and its author. Send only the fields to change.', params: IdParams, body: ref('NewsChanges'), response: { 200: ref('News'), 403: forbidden, 404: notFound, 422: invalid, ...errorResponses } },
    },
    async (request) => {
      const body = knownFieldsOnly(request.body ?? {}, sharedSchema('NewsChanges'));
      return newsJson(await writeAs(request, (ctx) => news.updateNews(ctx, recordId(request.params, 'article'), body)));
    },
  );

  app.delete(
    '/news/:id',
    { config: apiRouteConfig, schema: { tags, summary: 'Delete an article', description: 'Admins and its author; its cover and audio go with it.', params: IdParams, response: { 204: { type: 'null', description: 'Deleted.' }, 403: forbidden, 404: notFound, ...errorResponses } } },
    async (request, reply) => {
      const deleted = await writeAs(request, (ctx) => news.deleteNews(ctx, recordId(request.params, 'article')));
      await deleted.afterCommit();
      return reply.code(204).send();
    },
  );
}

/**
 * GET /api/public/news: the public articles, newest first, for anyone (no token, no cookie); the
 * landing page reads it, and other sites may (CORS open: the data is public). Pages follow nextCursor.
 */
export async function publicNewsRoutes(app: FastifyInstance) {
  // As in /api/v1: the service validates, with the pages' messages; the schema is for the document.
  app.setValidatorCompiler(() => () => true);
  // Every answer, a refusal too, may be read by other sites' pages: the data is public.
  app.addHook('onRequest', async (_request, reply) => {
    reply.header('access-control-allow-origin', '*');
  });
  app.get(
    '/news',
    {
      schema: {
        tags,
        summary: 'The public news, for anyone',
        description: 'No token needed. The articles whose audience is `public`, newest first; `category` narrows it; pages follow `nextCursor`. Cached for a minute; CORS is open.',
        security: [],
        querystring: ListNewsQuery,
        response: { 200: { ...pageOf('NewsItem'), description: 'A page of public articles.' }, 422: invalid },
      },
    },
    async (request, reply) => {
    const query = validate(ListNewsQuery, request.query);
    const page = await news.listNews({ ...request.ctx(), actor: null }, { audience: 'public', category: query.category ?? '', ...(query.cursor ? { cursor: query.cursor } : {}), limit: query.limit ?? 10 });
    reply.header('cache-control', 'public, max-age=60');
    // Whole addresses: another site showing the public news links and shows the images from here.
      const origin = siteOf(request).origin;
      return { items: page.items.map((item) => newsItemJson(item, { pages: `${origin}/news`, files: `${origin}/news` })), nextCursor: page.nextCursor };
    },
  );
}
