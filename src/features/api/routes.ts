// The JSON API under /api/v1: bearer tokens (or a browser session), 1000 requests an hour per token.
// Feature issues add their resources here; each route answers JSON and errors as
// { "error": { "code", "message", "fields" } }.
import type { FastifyInstance } from 'fastify';
import { requireActor } from '../../plugins/session.js';
import { API_LIMIT_PER_HOUR, rateLimitKey } from '../../plugins/rate-limit.js';

export default async function apiRoutes(app: FastifyInstance) {
  app.addHook('onRoute', (route) => {
    route.config = { ...(route.config ?? {}), rateLimit: { max: API_LIMIT_PER_HOUR, timeWindow: '1 hour', keyGenerator: rateLimitKey } } as typeof route.config;
  });

  app.get('/me', async (request) => {
    const actor = requireActor(request);
    return {
      id: actor.userId,
      username: actor.username,
      displayName: actor.displayName,
      role: actor.role,
      isAdmin: actor.isAdmin,
      studentId: actor.studentId,
      lecturerId: actor.lecturerId,
    };
  });
}
