// Liveness and readiness for load balancers and orchestrators.
//
// Anyone may ask whether FMS is ready, and learns only that: {"status":"ready"} (200) or
// {"status":"unavailable"} (503). Why not (paths, users, hosts and ports in the reasons), maintenance
// mode and the last backup's age are for the operators: the log gets a line when a check starts or
// stops failing (readiness-log.ts), and the whole answer goes to a caller on this machine
// (local-caller.ts) or one sending METRICS_TOKEN as a bearer token.
import fp from 'fastify-plugin';
import { checkDatabase } from '../db/health.js';
import { watchRedisFailures } from '../lib/redis-failure.js';
import { bearerIs } from './bearer-secret.js';
import { isLocalCaller } from './local-caller.js';
import { clientKey } from './rate-limit.js';
import { readinessLog, type CheckResult } from './readiness-log.js';
import './types.js';

export interface HealthOptions {
  /** When the last complete backup was written (shown, never a reason to be unready). */
  lastBackup?: () => Promise<Date | null>;
  /** Extra checks that make the server unready when they fail (e.g. upload storage). */
  checks?: Record<string, () => Promise<CheckResult>>;
}

/**
 * /readyz probes per client address and minute. A load balancer or an orchestrator probes every few
 * seconds (120 a minute is one every half second); every probe runs the database, Redis and storage
 * checks, so an unlimited /readyz would be a cheap way to load them. Callers on this machine are not
 * counted: several local healthchecks may probe often.
 */
export const READYZ_LIMIT_PER_MINUTE = 120;

export default fp(
  async (app, options: HealthOptions) => {
    const { db, clock, config } = app.deps;
    const logChecks = readinessLog(app.log, clock);
    // A failed ping says only "Reached the max retries per request limit": keep the connection's own
    // error (ECONNREFUSED, ENOTFOUND, WRONGPASS) to give the address and the real cause.
    const redisFailures = app.deps.redis ? watchRedisFailures(app.deps.redis) : null;
    if (redisFailures) app.addHook('onClose', async () => redisFailures.stop());

    // Alive: the process answers. Nothing else is checked, so a slow database never gets it killed.
    app.get('/healthz', { config: { rateLimit: false } }, async () => ({ status: 'ok' }));

    async function runChecks(): Promise<Record<string, CheckResult>> {
      const checks: Record<string, CheckResult> = {};
      const database = await checkDatabase(db);
      checks.database = database.ok ? { ok: true } : { ok: false, reason: database.reason };
      if (app.deps.redis && redisFailures) {
        try {
          await app.deps.redis.ping();
          checks.redis = { ok: true };
        } catch (error) {
          checks.redis = { ok: false, reason: redisFailures.describe(error) };
        }
      }
      for (const [name, check] of Object.entries(options.checks ?? {})) {
        try {
          checks[name] = await check();
        } catch (error) {
          checks[name] = { ok: false, reason: `${name}: ${(error as Error).message}` };
        }
      }
      return checks;
    }

    /** What only operators see: the reasons, every check, maintenance mode and the last backup. */
    async function details(checks: Record<string, CheckResult>): Promise<Record<string, unknown>> {
      const reasons = Object.values(checks).flatMap((c) => (c.reason ? [c.reason] : []));
      const out: Record<string, unknown> = { ...(reasons.length ? { reason: reasons.join('; ') } : {}), checks };
      if (checks.database?.ok) {
        // Maintenance keeps the server ready: load balancers must keep sending users to the page.
        const maintenance = await app.maintenanceState().catch(() => null);
        out.maintenance = maintenance ? { on: true, since: maintenance.since } : { on: false };
        const last = options.lastBackup ? await options.lastBackup().catch(() => null) : null;
        out.lastBackup = last ? { at: last.toISOString(), ageHours: Math.round((clock.now().getTime() - last.getTime()) / 360_000) / 10 } : null;
      }
      return out;
    }

    // Ready: the database is reachable with every migration applied, Redis answers when configured,
    // and the upload storage can be written.
    // One limiter for GET and the HEAD route Fastify adds beside it (a limit in the route's config
    // would give each its own budget). When the counters' Redis is down the probe goes uncounted
    // (skipOnError): it must still answer, and say "unavailable", rather than fail on the limiter.
    const readyzLimit = app.rateLimit({
      max: READYZ_LIMIT_PER_MINUTE,
      timeWindow: 60_000,
      keyGenerator: (request) => `readyz:${clientKey(request)}`,
      allowList: (request) => isLocalCaller(request),
      skipOnError: true,
    });
    app.get(
      '/readyz',
      {
        // The bearer token here is METRICS_TOKEN: the session plugin reads users' tokens under /api/ only.
        config: { rateLimit: false },
        onRequest: readyzLimit,
      },
      async (request, reply) => {
        const checks = await runChecks();
        logChecks(checks);
        const ok = Object.values(checks).every((c) => c.ok);
        reply.code(ok ? 200 : 503);
        const status = ok ? 'ready' : 'unavailable';
        const operator = isLocalCaller(request) || (config.metricsToken !== null && bearerIs(request.headers.authorization, config.metricsToken));
        return operator ? { status, ...(await details(checks)) } : { status };
      },
    );
  },
  { name: 'fms-health', dependencies: ['fms-maintenance'] },
);
