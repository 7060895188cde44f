// Security headers: a CSP that allows no inline script or style, no framing, no sniffing.
import helmet from '@fastify/helmet';
import fp from 'fastify-plugin';
import './types.js';

export default fp(
  async (app) => {
    const production = app.deps.config.isProduction;
    await app.register(helmet, {
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          'default-src': ["'self'"],
          'script-src': ["'self'"],
          'style-src': ["'self'"],
          'img-src': ["'self'", 'data:'],
          'font-src': ["'self'"],
          'connect-src': ["'self'"],
          'object-src': ["'none'"],
          'base-uri': ["'self'"],
          'form-action': ["'self'"],
          'frame-ancestors': ["'none'"],
          ...(production ? { 'upgrade-insecure-requests': [] } : {}),
        },
      },
      // HSTS only where the app is served over HTTPS (production behind TLS).
      strictTransportSecurity: production ? { maxAge: 31536000, includeSubDomains: true } : false,
      frameguard: { action: 'deny' },
      referrerPolicy: { policy: 'same-origin' },
      crossOriginEmbedderPolicy: false,
    });
    app.addHook('onSend', async (request, reply, payload) => {
      // Pages show personal data: never store them in shared caches.
      if (!request.url.startsWith('/static/') && !reply.hasHeader('cache-control')) {
        reply.header('cache-control', 'no-store');
      }
      reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=()');
      return payload;
    });
  },
  { name: 'fms-security' },
);
