// Rendering: reply.html() for kitajs output, reply.pageContext() for what every layout needs, and
// flash messages carried to the next page in a short-lived signed cookie.
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FlashMessage, PageContext } from '../views/page.js';
import './types.js';

/**
 * Over HTTPS the __Host- prefix makes browsers refuse the cookie from a sibling subdomain, which
 * could otherwise plant a message on our pages (it would still need SECRET_KEY to sign it).
 */
export function flashCookieName(secure: boolean): string {
  return secure ? '__Host-fms_flash' : 'fms_flash';
}

/**
 * A page leaves kitajs as a tree of joined strings (a V8 rope). Fastify measures it with
 * Buffer.byteLength and Node then encodes it to write it: both walk the rope, and on a deep one
 * (a student's record with 130 exercise rows) V8's walk restarts from the top, so those two cost
 * 1 ms or more a page. Encoding it once here walks it once, and both then read bytes.
 */
function utf8(page: string): Buffer {
  return Buffer.from(page, 'utf8');
}

export default fp(
  async (app) => {
    const secure = app.deps.config.cookieSecure;
    const FLASH_COOKIE = flashCookieName(secure);
    app.decorateRequest('flashMessages', null as unknown as FlashMessage[]);
    app.addHook('onRequest', async (request, reply) => {
      request.flashMessages = [];
      const raw = request.cookies[FLASH_COOKIE];
      if (!raw) return;
      const unsigned = request.unsignCookie(raw);
      reply.clearCookie(FLASH_COOKIE, { path: '/', secure });
      if (!unsigned.valid || !unsigned.value) return;
      try {
        const parsed = JSON.parse(unsigned.value) as FlashMessage[];
        if (Array.isArray(parsed)) request.flashMessages = parsed.slice(0, 5);
      } catch {
        // A damaged flash cookie is simply dropped.
      }
    });

    app.decorateReply('html', function (this: FastifyReply, content: string | Promise<string>) {
      this.type('text/html; charset=utf-8');
      if (typeof content === 'string') return this.send(utf8(content));
      // A page with an async component comes as a promise, which Fastify takes as no payload:
      // send it once whole. A handler returns this reply, which tells Fastify a send is coming.
      void content.then(
        (page) => this.send(utf8(page)),
        (error: unknown) => this.send(error),
      );
      return this;
    });

    app.decorateReply('flash', function (this: FastifyReply, kind: FlashMessage['kind'], text: string) {
      const pending = [...((this.request as FastifyRequest & { pendingFlash?: FlashMessage[] }).pendingFlash ?? []), { kind, text }];
      (this.request as FastifyRequest & { pendingFlash?: FlashMessage[] }).pendingFlash = pending;
      this.setCookie(FLASH_COOKIE, JSON.stringify(pending), {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure,
        signed: true,
        maxAge: 60,
      });
    });

    app.decorateReply('pageContext', function (this: FastifyReply): PageContext {
      const request = this.request;
      return {
        actor: request.actor,
        csrfToken: this.generateCsrf(),
        flash: request.flashMessages ?? [],
        path: request.url.split('?')[0] ?? '/',
        asset: (name) => app.asset(name),
        island: (name) => app.islandScript(name),
        mode: app.deps.config.mode,
      };
    });
  },
  { name: 'fms-html', dependencies: ['fms-csrf'] },
);
