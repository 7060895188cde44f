// Who is asking: a session cookie (pages) or an API bearer token. Sets request.actor and friends,
// and keeps a user who must change their password on the password page until they do.
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Actor } from '../access.js';
import type { AuthContext } from '../context.js';
import { AppError, Unauthenticated } from '../lib/errors.js';
import { sha256 } from '../lib/secrets.js';
import { bearerToken } from './bearer-secret.js';
import './types.js';

export interface SessionPluginOptions {
  resolveSession: (ctx: AuthContext, sessionId: string) => Promise<{ actor: Actor; mustChangePassword: boolean } | null>;
  resolveApiToken: (ctx: AuthContext, token: string) => Promise<{ actor: Actor; mustChangePassword: boolean } | null>;
}

export function sessionCookieName(secure: boolean): string {
  // The __Host- prefix makes browsers refuse the cookie unless it is Secure, host-only and path=/.
  return secure ? '__Host-fms_session' : 'fms_session';
}

/** Paths a user with a one-time password may reach before choosing their own. */
const allowedBeforePasswordChange = [/^\/account\/password$/, /^\/logout$/, /^\/static\//, /^\/healthz$/, /^\/readyz$/, /^\/login$/];

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, sessionId: string): void {
  const { config } = request.server.deps;
  reply.setCookie(sessionCookieName(config.cookieSecure), sessionId, {
    path: '/',
    httpOnly: true,
    secure: config.cookieSecure,
    sameSite: config.cookieSameSite,
    maxAge: Math.floor(config.sessionLifetimeMs / 1000),
  });
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  const { config } = request.server.deps;
  reply.clearCookie(sessionCookieName(config.cookieSecure), { path: '/', secure: config.cookieSecure, httpOnly: true, sameSite: config.cookieSameSite });
}

export default fp(
  async (app, options: SessionPluginOptions) => {
    const { config, db, clock, sessions, sessionsFor, storage } = app.deps;
    const cookieName = sessionCookieName(config.cookieSecure);

    app.decorateRequest('actor', null);
    app.decorateRequest('sessionId', null);
    app.decorateRequest('sessionIdHash', null);
    app.decorateRequest('mustChangePassword', false);
    app.decorateRequest('viaToken', false);
    app.decorateRequest('invalidToken', false);
    app.decorateRequest('tokenHash', null);
    app.decorateRequest('ctx', function (this: FastifyRequest): AuthContext {
      return { db, clock, config, sessions, storage, actor: this.actor, log: this.log, ip: this.ip };
    });

    app.decorateRequest('inTransaction', function <T>(this: FastifyRequest, work: (ctx: AuthContext) => Promise<T>): Promise<T> {
      const base = this.ctx();
      return db.transaction().execute((trx) => work({ ...base, db: trx, sessions: sessionsFor(trx) }));
    });

    app.addHook('onRequest', async (request, reply) => {
      // /metrics has its own bearer token (METRICS_TOKEN), not a user's API token.
      if (request.url.startsWith('/static/') || request.url === '/metrics') return;
      const authorization = request.headers.authorization;
      // A personal token is for the JSON API only: anywhere else its header is ignored, so a leaked
      // script token cannot open the account pages, make more tokens or change the password
      // (security review F3). Pages go by the session cookie alone.
      if (authorization && isApiRequest(request)) {
        const token = bearerToken(authorization);
        const resolved = token ? await options.resolveApiToken(request.ctx(), token) : null;
        // A bad token is refused in preValidation, after the rate limiter has counted it against
        // the client's address: guessing tokens is limited like any other request.
        if (!resolved) {
          request.invalidToken = true;
          refuseLargeAnonymousBody(request, reply);
          return;
        }
        request.actor = resolved.actor;
        // No token is made for an account that holds a one-time password, and a reset revokes them
        // all; should one meet such an account anyway, it waits like the account's pages.
        request.mustChangePassword = resolved.mustChangePassword;
        request.viaToken = true;
        request.tokenHash = sha256(token!);
        return;
      }
      const sessionId = request.cookies[cookieName];
      if (sessionId && sessionId.length <= 200) {
        const resolved = await options.resolveSession(request.ctx(), sessionId);
        if (resolved) {
          request.actor = resolved.actor;
          request.sessionId = sessionId;
          request.sessionIdHash = sha256(sessionId);
          request.mustChangePassword = resolved.mustChangePassword;
          return;
        }
      }
      refuseLargeAnonymousBody(request, reply);
    });

    app.addHook('preValidation', async (request) => refuseInvalidToken(request));

    app.addHook('preHandler', async (request, reply) => {
      if (!request.mustChangePassword) return;
      const path = request.url.split('?')[0] ?? '/';
      if (allowedBeforePasswordChange.some((re) => re.test(path))) return;
      if (path.startsWith('/api/')) throw new AppError(403, 'password_change_required', 'Change your one-time password at /account/password first.');
      reply.flash('warning', 'Choose your own password before you continue.');
      return reply.redirect('/account/password', 303);
    });
  },
  { name: 'fms-session' },
);

/**
 * Whether the request is for the JSON API. The raw path decides (an unknown /api/v1 path must still
 * answer 401 without a token), and a route that matched must be an API route too; a path that only
 * looks like one elsewhere gets no token, which can only take rights away.
 */
function isApiRequest(request: FastifyRequest): boolean {
  if (!request.url.startsWith('/api/')) return false;
  const route = request.routeOptions.url;
  return route === undefined || route.startsWith('/api/') || route === '*';
}

/** What an anonymous request may send: a sign-in form, with room to spare. */
export const ANONYMOUS_BODY_LIMIT = 16 * 1024;
const bodyMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * An anonymous request can only sign in; anything bigger than a sign-in form is refused before its
 * body is read, so nobody can make the server parse megabytes only to answer "forbidden" (security
 * review F14). A body of unknown length (chunked) is refused too: browsers always give the length.
 */
function refuseLargeAnonymousBody(request: FastifyRequest, reply: FastifyReply): void {
  if (!bodyMethods.has(request.method)) return;
  // An API route answers a caller without a token 401 in its own onRequest hook, before any body.
  if (request.routeOptions.url?.startsWith('/api/')) return;
  const length = request.headers['content-length'];
  if (length === undefined) {
    if (request.headers['transfer-encoding'] === undefined) return;
    reply.header('connection', 'close');
    throw new AppError(411, 'length_required', 'Sign in first; a request without a Content-Length is accepted only from a signed-in user.');
  }
  if (Number(length) > ANONYMOUS_BODY_LIMIT) {
    reply.header('connection', 'close');
    throw new AppError(413, 'too_large', 'Sign in first: requests from visitors who are not signed in are limited to 16 KiB.');
  }
}

/** 401 for a bearer token that names nobody (the rate limiter has counted the request by then). */
export function refuseInvalidToken(request: FastifyRequest): void {
  if (request.invalidToken)
    throw new AppError(401, 'invalid_token', 'The API token is missing, malformed, revoked or expired. Create a new one under Account › API tokens.');
}

/** The signed-in actor, or 401 (pages redirect to the sign-in page). */
export function requireActor(request: FastifyRequest): Actor {
  if (!request.actor) throw new Unauthenticated();
  return request.actor;
}
