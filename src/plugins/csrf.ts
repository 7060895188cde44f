// CSRF protection for every state-changing request made with a session cookie: forms send the token
// in `_csrf` (a multipart form as its first field), htmx in the `x-csrf-token` header (public/app.js).
// A token in the address is never read: logs and browser history keep addresses.
// Bearer-token API calls carry no cookie and so cannot be forged cross-site; they skip the check.
// The secret behind the tokens lives in a signed cookie and is replaced at sign-in and sign-out.
import fastifyCsrf from '@fastify/csrf-protection';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { csrfFieldOf, isMultipart, readCsrfField, type MultipartRequest } from './multipart-form.js';
import './types.js';

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

export function csrfCookieName(secure: boolean): string {
  return secure ? '__Host-fms_csrf' : 'fms_csrf';
}

function csrfCookieOptions(secure: boolean) {
  return { path: '/', httpOnly: true, sameSite: 'strict', secure, signed: true } as const;
}

/**
 * Drops the CSRF secret: the next page makes a new one, so a token seen before (on the sign-in
 * page of a shared computer, in a log) does not work after a sign-in or sign-out.
 */
export function rotateCsrfSecret(reply: FastifyReply): void {
  const secure = reply.server.deps.config.cookieSecure;
  const name = csrfCookieName(secure);
  delete reply.request.cookies[name];
  const { signed: _signed, ...options } = csrfCookieOptions(secure);
  reply.clearCookie(name, options);
}

function headerToken(request: FastifyRequest): string | undefined {
  const fromHeader = request.headers['x-csrf-token'];
  return typeof fromHeader === 'string' && fromHeader ? fromHeader : undefined;
}

/**
 * A form's token comes in its body and htmx's in a header. A multipart body is not parsed before
 * the handler, so its token is the one the hook below read from its first part.
 */
function tokenOf(request: FastifyRequest): string | undefined {
  const fromBody = (request.body as { _csrf?: unknown } | undefined)?._csrf;
  if (typeof fromBody === 'string' && fromBody) return fromBody;
  return headerToken(request) ?? csrfFieldOf(request);
}

export default fp(
  async (app) => {
    const secure = app.deps.config.cookieSecure;
    await app.register(fastifyCsrf, {
      sessionPlugin: '@fastify/cookie',
      cookieKey: csrfCookieName(secure),
      cookieOpts: csrfCookieOptions(secure),
      getToken: tokenOf as (request: FastifyRequest) => string,
    });
    // Every route, so none can forget it: a multipart route's handler only ever sees a body whose
    // token was checked, and reads its remaining parts through formParts() (multipart-form.ts).
    app.addHook('preHandler', (request, reply, done) => {
      if (safeMethods.has(request.method) || request.viaToken) return done();
      if (!isMultipart(request)) return app.csrfProtection(request, reply, done);
      // A refused multipart body is left unread: the connection closes after the 403 instead of
      // taking in a file nobody will keep. The header goes again when the token is good.
      const closingAlready = reply.hasHeader('connection');
      reply.header('connection', 'close');
      const check = () =>
        app.csrfProtection(request, reply, (error?: Error) => {
          if (!error && !closingAlready) reply.removeHeader('connection');
          done(error);
        });
      if (headerToken(request)) return check();
      readCsrfField(request as unknown as MultipartRequest).then(check, done);
    });
  },
  { name: 'fms-csrf', dependencies: ['fms-session'] },
);
