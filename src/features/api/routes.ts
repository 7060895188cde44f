// The JSON API under /api/v1: bearer tokens (or a browser session), 1000 requests an hour per token.
// Each route answers JSON and errors as { "error": { "code", "message", "fields" } }, and carries a
// `schema` that the OpenAPI document (docs/routes.ts) is built from.
import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import { requireActor } from '../../plugins/session.js';
import { API_LIMIT_PER_HOUR, apiKey } from '../../plugins/rate-limit.js';
import { errorResponses, Me, ref } from './schemas.js';

/** Every API route carries this config: 1000 requests an hour, counted per token. */
export const apiRouteConfig = { rateLimit: { max: API_LIMIT_PER_HOUR, timeWindow: '1 hour', keyGenerator: apiKey } };

export default async function apiRoutes(app: FastifyInstance) {
  // The route schemas describe the API; the services validate the input with the features' own
  // schemas (lib/validation.ts), so the API gives the same rules and messages as the pages and the
  // CLI. Fastify's own validation would answer differently worded errors first, so it is off here.
  app.setValidatorCompiler(() => () => true);

  app.get(
    '/me',
    {
      config: apiRouteConfig,
      schema: {
        tags: ['account'],
        summary: 'The account this token acts as',
        response: { 200: ref('Me'), ...errorResponses },
      },
    },
    async (request) => {
      const actor = requireActor(request);
      const me: Static<typeof Me> = {
        id: actor.userId,
        username: actor.username,
        displayName: actor.displayName,
        role: actor.role,
        isAdmin: actor.isAdmin,
        studentId: actor.studentId,
        lecturerId: actor.lecturerId,
      };
      return me;
    },
  );
}
