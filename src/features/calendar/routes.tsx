// The student's calendar feed: /my-calendar to make, replace or turn off its address (signed in,
// forms with CSRF), and /calendar/<secret>.ics for calendar apps, which cannot sign in: a GET with no
// cookie, where the secret in the address is the key. Every address that names no working feed gets
// the site's ordinary 404, so nothing tells a guess from a revoked address; the global rate limit
// counts these requests like any other.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { NotFound } from '../../lib/errors.js';
import { asActor, ctxOf } from '../../routes/request-context.js';
import { noStore } from '../../routes/no-store.js';
import { siteOf } from '../../routes/site-origin.js';
import * as calendar from './service.js';
import { MyCalendarPage } from './views/my-calendar-page.js';

/** How the feed's address reads in logs: the request line is logged, and its secret must not be. */
export const LOGGED_FEED_PATH = '/calendar/[secret].ics';


async function showPage(request: FastifyRequest, reply: FastifyReply, made: { secret: string; replaced: boolean } | null = null) {
  const feed = await calendar.myCalendarFeed(ctxOf(request));
  const address = made ? `${siteOf(request).origin}/calendar/${made.secret}.ics` : null;
  // The page with the address is the only place it is ever written: no cache may keep it.
  if (address) noStore(reply);
  return reply.html(<MyCalendarPage page={reply.pageContext()} feed={feed} address={address} replaced={made?.replaced ?? false} timeZone={request.server.deps.config.timeZone} />);
}

export default async function calendarRoutes(app: FastifyInstance) {
  app.get('/my-calendar', async (request, reply) => showPage(request, reply));

  app.post('/my-calendar/new-address', async (request, reply) => {
    const made = await asActor(request, (ctx) => calendar.makeCalendarFeed(ctx));
    reply.code(201);
    return showPage(request, reply, made);
  });

  app.post('/my-calendar/turn-off', async (request, reply) => {
    const wasOn = await asActor(request, (ctx) => calendar.turnOffCalendarFeed(ctx));
    reply.flash('success', wasOn ? 'Your calendar feed is off; its address no longer works.' : 'Your calendar feed was already off.');
    return reply.redirect('/my-calendar', 303);
  });

  app.get<{ Params: { file: string } }>(
    '/calendar/:file',
    {
      // Runs before the handler and anything that logs: the request log line shows this instead.
      onRequest: async (request) => {
        request.raw.url = LOGGED_FEED_PATH;
      },
    },
    async (request, reply) => {
      const { file } = request.params;
      const ics = file.endsWith('.ics') ? await calendar.calendarOfSecret(request.ctx(), file.slice(0, -'.ics'.length), siteOf(request)) : null;
      if (ics === null) throw new NotFound();
      reply.header('cache-control', 'private, no-store');
      reply.header('x-content-type-options', 'nosniff');
      reply.header('content-disposition', 'inline; filename="deadlines.ics"');
      return reply.type('text/calendar; charset=utf-8').send(ics);
    },
  );
}
