// News pages under /news: the list (by category, newest first) and each article, for visitors too
// where the article is public; publishing, changing and deleting for admins and the lecturers who
// wrote them; an article's cover image and audio; and the Atom feed of the public news.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { can, newsAudiencesFor } from '../../access.js';
import type { ServiceContext } from '../../context.js';
import { AppError, Conflict, Invalid, NotFound, Unauthenticated, type FieldMessages } from '../../lib/errors.js';
import { renderMarkdown } from '../../lib/markdown.js';
import { formValuesFromBody, formValuesOfRecord } from '../../lib/record-fields.js';
import { validate } from '../../lib/validation.js';
import { acceptsFiles, receiveFiles } from '../../plugins/streamed-uploads.js';
import { readUpload, type Upload } from '../../plugins/uploads.js';
import { idsFromForm, linesWithAdded, tickedValues } from '../../routes/form-lists.js';
import { formMessage, refusalText } from '../../routes/form-messages.js';
import { idOf } from '../../routes/record-id.js';
import { asActor, ctxOf, type RequestContext } from '../../routes/request-context.js';
import { sendStoredFile } from '../../routes/send-file.js';
import { siteOf } from '../../routes/site-origin.js';
import * as groups from '../groups/service.js';
import { discardPhotoObjects } from '../photos/service.js';
import { publicNewsFeed } from './feed.js';
import * as media from './media.js';
import { newsFields } from './fields.js';
import { CreateNewsInput, ListNewsQuery } from './schemas.js';
import * as news from './service.js';
import { ArticlePage } from './views/article-page.js';
import type { GroupChoice } from '../../views/group-checkboxes.js';
import type { NewsFormValues } from './views/news-form.js';
import { NewsFormPage } from './views/news-form-page.js';
import { NewsListPage } from './views/news-list-page.js';

type Body = Record<string, unknown> | undefined;

/** How many articles the feed carries. */
const FEED_LENGTH = 30;

function text(body: Body, name: string): string | undefined {
  const value = body?.[name];
  return typeof value === 'string' ? value : undefined;
}

/** The form as typed, to show again when it is refused: the declared fields, and the groups ticked or named. */
function formValues(body: Body): NewsFormValues {
  return {
    ...formValuesFromBody(newsFields, body, true),
    groupIds: tickedValues(body, 'groupIds'),
    groups: linesWithAdded(text(body, 'groups'), text(body, 'groupName')),
  };
}

/**
 * The form's input for the service: a lecturer's ticked groups as ids; an admin's groups, named one
 * a line, looked up (a line that names nothing is reported under the field, with close matches).
 */
async function serviceInput(ctx: RequestContext, values: NewsFormValues, keep: readonly number[] = []): Promise<Record<string, unknown>> {
  const input: Record<string, unknown> = { category: values.category, title: values.title, body: values.body ?? '', audience: values.audience };
  if (values.audience !== 'groups') return input;
  if (newsAudiencesFor(ctx.actor) !== 'any') return { ...input, groupIds: idsFromForm(values.groupIds ?? []) };
  // Archived groups the article already has may stay (keep), as on a subject's form.
  const found = await groups.groupsNamed(ctx, (values.groups ?? '').split(/\r?\n/), { keep });
  if (found.errors.length) throw new Invalid('Check the highlighted fields.', { groups: found.errors.join(' ') });
  return { ...input, groupIds: found.ids };
}

/** The groups a form offers: a lecturer's taught ones, and those an admin gave the article that they do not teach (fixed). */
async function groupChoices(ctx: RequestContext, article?: news.NewsView): Promise<GroupChoice[] | null> {
  const taught = await news.groupsToWriteFor(ctx);
  if (taught === null) return null;
  const fixed = (article?.groups ?? []).filter((g) => !taught.some((t) => t.id === g.id)).map((g) => ({ ...g, fixed: true }));
  return [...taught, ...fixed].sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The service names the API's field (groupIds) in the API's words; an admin's form names groups one
 * a line, a lecturer's ticks them.
 */
function onForm(error: Invalid | Conflict, admin: boolean): FieldMessages {
  const { groupIds, ...rest } = error.fields;
  if (!groupIds) return rest;
  if (admin) return { ...rest, groups: groupIds };
  const schemaSays = (CreateNewsInput.properties.groupIds as { errorMessage?: string }).errorMessage;
  return { ...rest, groupIds: groupIds === schemaSays ? 'Tick one or more of the groups you teach.' : groupIds };
}

/** Reads news as whoever asks: a visitor sees the public news, and is asked to sign in for the rest. */
async function asReader<T>(request: FastifyRequest, read: (ctx: ServiceContext) => Promise<T>): Promise<T> {
  const ctx = request.ctx();
  try {
    return await read(ctx);
  } catch (error) {
    // Signed in, an article out of sight is simply not found; a visitor may see it once signed in,
    // and is asked to (the same answer for an article that does not exist: nothing is revealed).
    if (error instanceof NotFound && !ctx.actor) throw new Unauthenticated();
    throw error;
  }
}

export default async function newsRoutes(app: FastifyInstance) {
  const timeZone = app.deps.config.timeZone;
  const maxUpload = app.deps.config.maxContentLength;

  app.get<{ Querystring: Record<string, unknown> }>('/', async (request, reply) => {
    const query = validate(ListNewsQuery, request.query);
    const ctx = request.ctx();
    const load = (cursor?: string) => news.listNews(ctx, { category: query.category ?? '', ...(cursor ? { cursor } : {}), limit: query.limit ?? 20 });
    let page: news.NewsPage;
    let cursor = query.cursor ?? '';
    try {
      page = await load(cursor);
    } catch (error) {
      // A damaged "Older" link starts again from the newest, as the other lists do (routes/named-list.ts).
      if (!(error instanceof Invalid) || !cursor) throw error;
      cursor = '';
      page = await load();
    }
    return reply.html(
      <NewsListPage
        page={reply.pageContext()}
        items={page.items}
        category={query.category ?? ''}
        cursor={cursor}
        nextCursor={page.nextCursor}
        mayPublish={can(ctx.actor, 'news.publish')}
        timeZone={timeZone}
      />,
    );
  });

  // The public news for feed readers: no sign-in, no cookie needed.
  app.get('/feed.atom', async (request, reply) => {
    const page = await news.listNews({ ...request.ctx(), actor: null }, { audience: 'public', limit: FEED_LENGTH });
    reply.header('cache-control', 'public, max-age=300');
    reply.type('application/atom+xml; charset=utf-8');
    return publicNewsFeed(page.items, siteOf(request));
  });

  app.get('/new', async (request, reply) => {
    const ctx = ctxOf(request);
    const choices = await news.groupsToWriteFor(ctx);
    return reply.html(<NewsFormPage page={reply.pageContext()} groups={choices} />);
  });

  app.post<{ Body: Body }>('/', async (request, reply) => {
    const values = formValues(request.body);
    try {
      const article = await asActor(request, async (ctx) => news.createNews(ctx, await serviceInput(ctx, values)));
      reply.flash('success', `Published "${article.title}".`);
      return reply.redirect(`/news/${article.id}`, 303);
    } catch (error) {
      if (!(error instanceof Invalid || error instanceof Conflict)) throw error;
      const ctx = ctxOf(request);
      reply.code(error.statusCode);
      return reply.html(<NewsFormPage page={reply.pageContext()} groups={await news.groupsToWriteFor(ctx)} values={values} errors={onForm(error, ctx.actor.isAdmin)} message={formMessage(error)} />);
    }
  });

  async function showArticle(request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, refused: { cover?: string; audio?: string } = {}) {
    const article = await asReader(request, (ctx) => news.getNews(ctx, idOf(request)));
    return reply.html(
      <ArticlePage
        page={reply.pageContext()}
        article={article}
        safeBody={renderMarkdown(article.body)}
        timeZone={timeZone}
        limits={{ cover: Math.min(media.COVER_MAX_BYTES, maxUpload), audio: maxUpload }}
        coverError={refused.cover}
        audioError={refused.audio}
      />,
    );
  }

  app.get<{ Params: { id: string } }>('/:id', async (request, reply) => showArticle(request, reply));

  app.get<{ Params: { id: string } }>('/:id/edit', async (request, reply) => {
    const ctx = ctxOf(request);
    const article = await news.newsToEdit(ctx, idOf(request));
    const values: NewsFormValues = {
      ...formValuesOfRecord(newsFields, article),
      groupIds: article.groups.map((g) => String(g.id)),
      groups: article.groups.map((g) => g.name).join('\n'),
    };
    return reply.html(<NewsFormPage page={reply.pageContext()} article={article} groups={await groupChoices(ctx, article)} values={values} />);
  });

  app.post<{ Params: { id: string }; Body: Body }>('/:id', async (request, reply) => {
    const values = formValues(request.body);
    try {
      const article = await asActor(request, async (ctx) => {
        const before = await news.newsToEdit(ctx, idOf(request));
        return news.updateNews(
          ctx,
          before.id,
          await serviceInput(
            ctx,
            values,
            before.groups.map((g) => g.id),
          ),
        );
      });
      reply.flash('success', `Saved "${article.title}".`);
      return reply.redirect(`/news/${article.id}`, 303);
    } catch (error) {
      if (!(error instanceof Invalid || error instanceof Conflict)) throw error;
      const ctx = ctxOf(request);
      const article = await news.newsToEdit(ctx, idOf(request));
      reply.code(error.statusCode);
      return reply.html(
        <NewsFormPage page={reply.pageContext()} article={article} groups={await groupChoices(ctx, article)} values={values} errors={onForm(error, ctx.actor.isAdmin)} message={formMessage(error)} />,
      );
    }
  });

  app.post<{ Params: { id: string } }>('/:id/delete', async (request, reply) => {
    const deleted = await asActor(request, (ctx) => news.deleteNews(ctx, idOf(request)));
    await deleted.afterCommit();
    reply.flash('success', `Deleted "${deleted.title}".`);
    return reply.redirect('/news', 303);
  });

  // The cover: read whole (at most 10 MB) to be checked and re-encoded, then stored with its thumbnail.
  app.post<{ Params: { id: string } }>('/:id/cover', async (request, reply) => {
    const id = idOf(request);
    // Who may change it is decided before the upload is read.
    await news.newsToEdit(ctxOf(request), id);
    let upload: Upload;
    try {
      upload = await readUpload(request, { field: 'cover', maxBytes: media.COVER_MAX_BYTES });
    } catch (error) {
      if (error instanceof AppError && error.statusCode < 500) return refusedUpload(request, reply, 'cover', error);
      throw error;
    }
    let storedKeys: string[] = [];
    try {
      const saved = await asActor(request, async (ctx) => {
        const result = await media.setCover(ctx, id, upload);
        storedKeys = result.storedKeys;
        return result;
      });
      await saved.afterCommit();
      reply.flash('success', 'Cover image saved.');
      return reply.redirect(`/news/${id}`, 303);
    } catch (error) {
      // The transaction rolled back: the objects written for it have no row any more.
      if (storedKeys.length) await discardPhotoObjects(ctxOf(request), storedKeys);
      if (error instanceof Invalid) return refusedUpload(request, reply, 'cover', error);
      throw error;
    }
  });

  app.post<{ Params: { id: string } }>('/:id/cover/remove', async (request, reply) => {
    const removed = await asActor(request, (ctx) => media.removeCover(ctx, idOf(request)));
    await removed.afterCommit();
    reply.flash('success', 'Cover image removed.');
    return reply.redirect(`/news/${removed.id}`, 303);
  });

  // The audio streams into storage as it arrives, then is recorded in place of the old one.
  app.post<{ Params: { id: string } }>('/:id/audio', { config: acceptsFiles(1) }, async (request, reply) => {
    const id = idOf(request);
    await news.newsToEdit(ctxOf(request), id);
    let received;
    try {
      received = await receiveFiles(request);
    } catch (error) {
      if (!(error instanceof AppError) || error.statusCode >= 500) throw error;
      return refusedUpload(request, reply, 'audio', error);
    }
    try {
      const saved = await asActor(request, (ctx) => media.setAudio(ctx, id, received.files[0]!));
      await saved.afterCommit();
      reply.flash('success', 'Audio saved.');
      return reply.redirect(`/news/${id}`, 303);
    } catch (error) {
      await received.discard();
      if (!(error instanceof Invalid || error instanceof Conflict)) throw error;
      return refusedUpload(request, reply, 'audio', error);
    }
  });

  app.post<{ Params: { id: string } }>('/:id/audio/remove', async (request, reply) => {
    const removed = await asActor(request, (ctx) => media.removeAudio(ctx, idOf(request)));
    await removed.afterCommit();
    reply.flash('success', 'Audio removed.');
    return reply.redirect(`/news/${removed.id}`, 303);
  });

  async function refusedUpload(request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, which: 'cover' | 'audio', error: AppError) {
    reply.code(error.statusCode);
    return showArticle(request, reply, { [which]: refusalText(error) });
  }

  // The files, to whoever may read the article (visitors: public articles' only). Audio answers
  // Range requests, so players can seek without fetching it all.
  for (const [path, which] of [
    ['/:id/cover', 'cover'],
    // The same, by a name whose extension says its type: the feed's library takes an enclosure's
    // type from the address (covers are always stored as JPEG).
    ['/:id/cover.jpeg', 'cover'],
    ['/:id/cover/thumbnail', 'thumbnail'],
    ['/:id/audio', 'audio'],
  ] as const) {
    app.get<{ Params: { id: string } }>(path, async (request, reply) => {
      const { file, isPublic } = await asReader(request, (ctx) => media.newsFile(ctx, idOf(request), which));
      // A public article's files may be shown on other sites too (the feed, the public news API).
      if (isPublic) reply.header('cross-origin-resource-policy', 'cross-origin');
      return sendStoredFile(request, reply, file, { inline: true });
    });
  }
}
