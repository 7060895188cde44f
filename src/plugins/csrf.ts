// CSRF protection for every state-changing request made with a session cookie: forms send the token
// in `_csrf`, htmx in the `x-csrf-token` header (public/app.js), multipart forms in `?_csrf=`.
// Bearer-token API calls carry no cookie and so cannot be forged cross-site; they skip the check.
// The secret behind the tokens lives in a signed cookie and is replaced at sign-in and sign-out.
import fastifyCsrf from '@fastify/csrf-protection';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
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

/**
 * A form's token comes in its body and htmx's in a header. Only a multipart form (a photo, an
 * import) may put it in the query string, because its body is read by the handler, after this
 * check: elsewhere a token in a URL could leak through logs and browser history, so it is ignored.
 */
function tokenOf(request: FastifyRequest): string | undefined {
  const fromBody = (request.body as { _csrf?: unknown } | undefined)?._csrf;
  if (typeof fromBody === 'string' && fromBody) return fromBody;
  const fromHeader = request.headers['x-csrf-token'];
  if (typeof fromHeader === 'string' && fromHeader) return fromHeader;
  if (!/^multipart\/form-data\b/i.test(request.headers['content-type'] ?? '')) return undefined;
  const fromQuery = (request.query as { _csrf?: unknown } | undefined)?._csrf;
  return typeof fromQuery === 'string' ? fromQuery : undefined;
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
    app.addHook('preHandler', (request, reply, done) => {
      if (safeMethods.has(request.method) || request.viaToken) return done();
      app.csrfProtection(request, reply, done);
    });
  },
  { name: 'fms-csrf', dependencies: ['fms-session'] },
);
