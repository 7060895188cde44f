// CSRF protection for every state-changing request made with a session cookie: forms send the token
// in `_csrf`, htmx in the `x-csrf-token` header (public/app.js), multipart forms in `?_csrf=`.
// Bearer-token API calls carry no cookie and so cannot be forged cross-site; they skip the check.
import fastifyCsrf from '@fastify/csrf-protection';
import fp from 'fastify-plugin';
import './types.js';

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

export default fp(
  async (app) => {
    const secure = app.deps.config.cookieSecure;
    await app.register(fastifyCsrf, {
      sessionPlugin: '@fastify/cookie',
      cookieKey: secure ? '__Host-fms_csrf' : 'fms_csrf',
      cookieOpts: { path: '/', httpOnly: true, sameSite: 'strict', secure, signed: true },
      // Forms send `_csrf` in the body, htmx the header. Multipart forms (photos, imports) put it in
      // the action's query string: their body is read by the handler, after this check.
      getToken: (request) =>
        (request.body as { _csrf?: unknown } | undefined)?._csrf?.toString() ||
        (request.query as { _csrf?: unknown } | undefined)?._csrf?.toString() ||
        (request.headers['x-csrf-token'] as string | undefined),
    });
    app.addHook('preHandler', (request, reply, done) => {
      if (safeMethods.has(request.method) || request.viaToken) return done();
      app.csrfProtection(request, reply, done);
    });
  },
  { name: 'fms-csrf', dependencies: ['fms-session'] },
);
