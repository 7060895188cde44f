// The JSON API under /api/v1: bearer tokens (or a browser session), 1000 requests an hour per token.
// Feature issues add their resources here; each route answers JSON and errors as
// { "error": { "code", "message", "fields" } }.
import type { FastifyInstance } from 'fastify';
import { requireActor } from '../../plugins/session.js';
import { API_LIMIT_PER_HOUR, apiKey } from '../../plugins/rate-limit.js';

/** Every API route carries this config: 1000 requests an hour, counted per token. */
export const apiRouteConfig = { rateLimit: { max: API_LIMIT_PER_HOUR, timeWindow: '1 hour', keyGenerator: apiKey } };

export default async function apiRoutes(app: FastifyInstance) {
  app.get('/me', { config: apiRouteConfig }, async (request) => {
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
