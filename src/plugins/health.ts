// Liveness and readiness for load balancers and orchestrators.
import fp from 'fastify-plugin';
import { checkDatabase } from '../db/health.js';
import './types.js';

export interface HealthOptions {
  /** When the last complete backup was written (shown, never a reason to be unready). */
  lastBackup?: () => Promise<Date | null>;
  /** Extra checks that make the server unready when they fail (e.g. upload storage). */
  checks?: Record<string, () => Promise<{ ok: boolean; reason?: string }>>;
}

export default fp(
  async (app, options: HealthOptions) => {
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
      for (const [name, check] of Object.entries(options.checks ?? {})) {
        try {
          checks[name] = await check();
        } catch (error) {
          checks[name] = { ok: false, reason: `${name}: ${(error as Error).message}` };
        }
      }
      const ok = Object.values(checks).every((c) => c.ok);
      const reasons = Object.values(checks).flatMap((c) => (c.reason ? [c.reason] : []));
      const info: Record<string, unknown> = {};
      if (database.ok) {
        // Maintenance keeps the server ready: load balancers must keep sending users to the page.
        const maintenance = await app.maintenanceState().catch(() => null);
        info.maintenance = maintenance ? { on: true, since: maintenance.since } : { on: false };
        const last = options.lastBackup ? await options.lastBackup().catch(() => null) : null;
        info.lastBackup = last ? { at: last.toISOString(), ageHours: Math.round((Date.now() - last.getTime()) / 360_000) / 10 } : null;
      }
      reply.code(ok ? 200 : 503);
      return { status: ok ? 'ready' : 'unavailable', ...(reasons.length ? { reason: reasons.join('; ') } : {}), checks, ...info };
    });
  },
  { name: 'fms-health', dependencies: ['fms-maintenance'] },
);
