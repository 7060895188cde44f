// Liveness and readiness for load balancers and orchestrators.
import fp from 'fastify-plugin';
import { checkDatabase } from '../db/health.js';
import './types.js';

export default fp(
  async (app) => {
    // Alive: the process answers. Nothing else is checked, so a slow database never gets it killed.
    app.get('/healthz', { config: { rateLimit: false } }, async () => ({ status: 'ok' }));

    // Ready: the database is reachable with every migration applied, and Redis answers when configured.
    app.get('/readyz', { config: { rateLimit: false } }, async (_request, reply) => {
      const checks: Record<string, { ok: boolean; reason?: string }> = {};
      const database = await checkDatabase(app.deps.db);
      checks.database = database.ok ? { ok: true } : { ok: false, reason: database.reason };
      if (app.deps.redis) {
        try {
          await app.deps.redis.ping();
          checks.redis = { ok: true };
        } catch (error) {
          checks.redis = { ok: false, reason: `redis unreachable: ${(error as Error).message}` };
        }
      }
      const ok = Object.values(checks).every((c) => c.ok);
      const reasons = Object.values(checks).flatMap((c) => (c.reason ? [c.reason] : []));
      reply.code(ok ? 200 : 503);
      return { status: ok ? 'ready' : 'unavailable', ...(reasons.length ? { reason: reasons.join('; ') } : {}), checks };
    });
  },
  { name: 'fms-health' },
);
