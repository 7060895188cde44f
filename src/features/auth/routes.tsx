// Sign in and out, own password, own sessions, own API tokens; /api/v1/me for token holders.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Invalid } from '../../lib/errors.js';
import { rotateCsrfSecret } from '../../plugins/csrf.js';
import { clearSessionCookie, requireActor, setSessionCookie } from '../../plugins/session.js';
import { SIGN_IN_LIMIT_PER_MINUTE } from '../../plugins/rate-limit.js';
import { asActor, ctxOf } from '../../routes/request-context.js';
import * as auth from './service.js';
import { LoginPage } from './views/login-page.js';
import { PasswordPage } from './views/password-page.js';
import { SessionsPage } from './views/sessions-page.js';
import { TokensPage } from './views/tokens-page.js';

export interface AuthRoutesOptions {
  /** Shown on the sign-in page while the demo department is in use (never in production). */
  demoLogins: () => Promise<{ username: string; password: string; role: string }[]>;
}

/**
 * Only a path on this site: an open redirect to another site would help phishing. Browsers drop
 * tabs and newlines and read backslashes as slashes, so such characters are refused outright, and
 * the result is rebuilt from what a URL parser makes of it.
 */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string' || !next.startsWith('/') || [...next].some((c) => c <= ' ' || c === '\\')) return '/dashboard';
  const base = 'http://fms.invalid';
  let url: URL;
  try {
    url = new URL(next, base);
  } catch {
    return '/dashboard';
  }
  if (url.origin !== base || url.pathname.startsWith('//')) return '/dashboard';
  if (url.pathname.startsWith('/login') || url.pathname.startsWith('/logout')) return '/dashboard';
  return `${url.pathname}${url.search}`;
}

export default async function authRoutes(app: FastifyInstance, options: AuthRoutesOptions) {
  // Visitors see the public landing page; signed-in users go straight to their dashboard.
  app.get('/', async (request, reply) => {
    if (request.actor) return reply.redirect('/dashboard', 303);
    if (!app.landingPage) return reply.redirect('/login', 303);
    reply.header('cache-control', 'no-cache');
    return reply.html(app.landingPage);
  });

  const renderLogin = async (reply: FastifyReply, props: { username?: string; next?: string; message?: string | null; errors?: Record<string, string> }) =>
    reply.html(<LoginPage page={reply.pageContext()} demoLogins={await options.demoLogins()} {...props} />);

  app.get<{ Querystring: { next?: string } }>('/login', async (request, reply) => {
    if (request.actor) return reply.redirect(safeNext(request.query.next), 303);
    return renderLogin(reply, { next: typeof request.query.next === 'string' ? safeNext(request.query.next) : undefined });
  });

  app.post<{ Body: Record<string, unknown> }>(
    '/login',
    { config: { rateLimit: { max: SIGN_IN_LIMIT_PER_MINUTE, timeWindow: '1 minute' } } },
    async (request, reply) => {
      const body = request.body ?? {};
      const username = typeof body.username === 'string' ? body.username.slice(0, 64) : '';
      try {
        const result = await auth.signIn(request.ctx(), body, request.headers['user-agent'] ?? null);
        // A new session id at every sign-in: a session planted before sign-in is worth nothing.
        if (request.sessionId) await auth.signOut(request.ctx(), request.sessionId);
        setSessionCookie(request, reply, result.sessionId);
        // A CSRF token seen before sign-in (on a shared computer, in a proxy log) is worth nothing after it.
        rotateCsrfSecret(reply);
        if (result.recentFailures > 0)
          reply.flash(
            'warning',
            `${result.recentFailures === 1 ? 'One wrong password was' : `${result.recentFailures} wrong passwords were`} given for your account recently. If that was not you, change your password.`,
          );
        if (result.mustChangePassword) return reply.redirect('/account/password', 303);
        return reply.redirect(safeNext(body.next), 303);
      } catch (error) {
        if (!(error instanceof Invalid)) throw error;
        reply.code(Object.keys(error.fields).length ? 422 : 401);
        return renderLogin(reply, { username, next: typeof body.next === 'string' ? safeNext(body.next) : undefined, message: error.message, errors: error.fields });
      }
    },
  );

  app.post('/logout', async (request, reply) => {
    const sessionId = request.sessionId;
    if (sessionId) await request.inTransaction((ctx) => auth.signOut(ctx, sessionId));
    clearSessionCookie(request, reply);
    rotateCsrfSecret(reply);
    // Photos and other private answers the browser kept (revalidated, but stored) go with the session.
    reply.header('clear-site-data', '"cache"');
    reply.flash('success', 'You have signed out.');
    return reply.redirect('/login', 303);
  });

  const renderPasswordPage = async (request: FastifyRequest, reply: FastifyReply, props: { message?: string; errors?: Record<string, string>; revokeTokens?: boolean } = {}) => {
    const activeTokens = await auth.countActiveTokens(request.ctx(), requireActor(request).userId);
    return reply.html(
      <PasswordPage page={reply.pageContext()} mustChange={request.mustChangePassword} activeTokens={activeTokens} message={props.message} errors={props.errors} values={{ revokeTokens: props.revokeTokens }} />,
    );
  };

  app.get('/account/password', async (request, reply) => renderPasswordPage(request, reply));

  app.post<{ Body: Record<string, unknown> }>('/account/password', async (request, reply) => {
    try {
      // The current password is checked first and on its own, outside the change's transaction:
      // a wrong one must stay counted toward the lockout.
      const change = await auth.prepareOwnPasswordChange(ctxOf(request), request.body);
      const { id, tokensRevoked } = await asActor(request, (ctx) => auth.changeOwnPassword(ctx, change, request.headers['user-agent'] ?? null));
      setSessionCookie(request, reply, id);
      const tokens = tokensRevoked === 0 ? '' : tokensRevoked === 1 ? ' Your API token has been revoked.' : ` Your ${tokensRevoked} API tokens have been revoked.`;
      reply.flash('success', `Your password has been changed. Other sessions have been signed out.${tokens}`);
      return reply.redirect('/dashboard', 303);
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      reply.code(422);
      return renderPasswordPage(request, reply, { message: error.message, errors: error.fields, revokeTokens: request.body?.revokeTokens === 'true' });
    }
  });

  app.get('/account/sessions', async (request, reply) => {
    const sessions = await auth.listOwnSessions(ctxOf(request), request.sessionIdHash);
    return reply.html(<SessionsPage page={reply.pageContext()} sessions={sessions} />);
  });

  app.post<{ Params: { idHash: string } }>('/account/sessions/:idHash/end', async (request, reply) => {
    await asActor(request, (ctx) => auth.endOwnSession(ctx, request.params.idHash));
    reply.flash('success', 'The session has been ended.');
    return reply.redirect('/account/sessions', 303);
  });

  app.post('/account/sessions/end-others', async (request, reply) => {
    const current = request.sessionIdHash;
    if (!current) throw new Invalid('Only a browser session can sign out the others.');
    const ended = await asActor(request, (ctx) => auth.endOtherSessions(ctx, current));
    reply.flash('success', ended === 1 ? 'One other session has been ended.' : `${ended} other sessions have been ended.`);
    return reply.redirect('/account/sessions', 303);
  });

  app.get('/account/tokens', async (request, reply) => {
    const tokens = await auth.listApiTokens(ctxOf(request));
    return reply.html(<TokensPage page={reply.pageContext()} tokens={tokens} maxActive={auth.MAX_ACTIVE_TOKENS} />);
  });

  app.post<{ Body: Record<string, unknown> }>('/account/tokens', async (request, reply) => {
    const ctx = ctxOf(request);
    const body = { ...(request.body ?? {}) };
    if (body.expiresInDays === '') delete body.expiresInDays;
    try {
      // The password is checked outside the transaction that makes the token (see lockout.ts).
      const asked = await auth.prepareOwnToken(ctx, body);
      const created = await asActor(request, (tx) => auth.createApiToken(tx, asked));
      const tokens = await auth.listApiTokens(ctx);
      reply.code(201);
      return reply.html(<TokensPage page={reply.pageContext()} tokens={tokens} created={created} maxActive={auth.MAX_ACTIVE_TOKENS} />);
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      const tokens = await auth.listApiTokens(ctx);
      reply.code(422);
      const values = { name: String(body.name ?? ''), expiresInDays: String(body.expiresInDays ?? '') };
      return reply.html(<TokensPage page={reply.pageContext()} tokens={tokens} errors={error.fields} values={values} maxActive={auth.MAX_ACTIVE_TOKENS} />);
    }
  });

  app.post<{ Params: { id: string } }>('/account/tokens/:id/revoke', async (request, reply) => {
    await asActor(request, (ctx) => auth.revokeApiToken(ctx, Number.parseInt(request.params.id, 10) || 0));
    reply.flash('success', 'The token has been revoked.');
    return reply.redirect('/account/tokens', 303);
  });
}
