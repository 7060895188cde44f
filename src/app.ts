// buildApp: the whole HTTP application without listening. Platform plugins first, then every
// feature with its URL prefix, listed here explicitly so the route map reads in one place.
import { randomUUID } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Config } from './config/index.js';
import type { Db } from './db/index.js';
import { systemClock, type Clock } from './lib/clock.js';
import { lazySerializers } from './plugins/lazy-serializers.js';
import { trustProxyFunction } from './plugins/trust-proxy.js';
import { createStorage, type Storage } from './storage/index.js';
import { loggerOptions } from './logger.js';
import accountRoutes from './features/accounts/routes.js';
import auditRoutes from './features/audit/routes.js';
import importRoutes from './features/imports/routes.js';
import apiDocsRoutes, { openApi } from './features/api/docs/routes.js';
import apiRoutes from './features/api/routes.js';
import { publicNewsRoutes } from './features/api/news/routes.js';
import authRoutes from './features/auth/routes.js';
import { sweepLockout } from './features/auth/lockout.js';
import { resolveApiToken, resolveSession } from './features/auth/service.js';
import { databaseSessionStore } from './features/auth/session-store.js';
import type { SessionStore } from './session-store.js';
import { redisSessionStore } from './features/auth/redis-session-store.js';
import dashboardRoutes from './features/dashboard/routes.js';
import groupRoutes from './features/groups/routes.js';
import lecturerRoutes from './features/lecturers/routes.js';
import thesisRoutes from './features/theses/routes.js';
import assistantRoutes from './features/assistant/routes.js';
import helpRoutes from './features/help/routes.js';
import newsRoutes from './features/news/routes.js';
import subjectRoutes, { materialRoutes } from './features/subjects/routes.js';
import submissionRoutes from './features/submissions/routes.js';
import exerciseRoutes from './features/exercises/routes.js';
import calendarRoutes from './features/calendar/routes.js';
import gradebookRoutes from './features/gradebook/routes.js';
import studentRoutes, { myRecordRoutes } from './features/students/routes.js';
import { waitingRoomSize } from './features/dashboard/service.js';
import assetsPlugin from './plugins/assets.js';
import csrfPlugin from './plugins/csrf.js';
import errorHandlerPlugin from './plugins/error-handler.js';
import healthPlugin from './plugins/health.js';
import maintenancePlugin from './plugins/maintenance.js';
import metricsPlugin, { type MetricsOptions } from './plugins/metrics.js';
import pressurePlugin, { type PressureOptions } from './plugins/pressure.js';
import { readLastBackup, readMaintenance } from './ops/maintenance.js';
import htmlPlugin from './plugins/html.js';
import uploadsPlugin from './plugins/uploads.js';
import rateLimitPlugin, { assistantLimit } from './plugins/rate-limit.js';
import securityPlugin from './plugins/security.js';
import sessionPlugin from './plugins/session.js';
import type { AppDeps } from './plugins/types.js';
import { activeDemoLogins } from './seeds/demo-accounts.js';

export interface BuildAppOptions {
  config: Config;
  db: Db;
  clock?: Clock;
  /** A Redis client to use; by default one is opened when RATELIMIT_STORAGE_URI is a Redis URL. */
  redis?: Redis | null;
  /** Override the logger options (tests pass false). */
  logger?: boolean | object;
  /** A ready pino logger to use instead (tests capture log lines this way). */
  loggerInstance?: FastifyBaseLogger;
  /** Where the built static assets are (tests may point elsewhere). */
  staticRoot?: string;
  /** How /metrics gathers its numbers (a cluster worker asks the primary for all workers'). */
  metrics?: MetricsOptions;
  /** How long the maintenance switch is cached (tests use 0). */
  maintenanceCacheMs?: number;
  /** Where uploads go; by default the UPLOAD_FOLDER or the S3 bucket of the config. */
  storage?: Storage;
  /** Overload thresholds (tests lower them to see the 503). */
  pressure?: PressureOptions;
}

const SESSION_SWEEP_MS = 60 * 60_000;

export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const { config, db } = options;
  const clock = options.clock ?? systemClock;

  const trusted = trustProxyFunction(config.trustProxy);
  const app = Fastify({
    ...(options.loggerInstance ? { loggerInstance: options.loggerInstance } : { logger: options.logger ?? loggerOptions(config) }),
    // One line per request is written by our onResponse hook, with the user and the route.
    logController: new LogController({ disableRequestLogging: true }),
    // nginx's X-Request-Id links its log lines to ours; only a trusted proxy may choose the id.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{8,64}$/.test(given) && trusted && trusted(req.socket.remoteAddress, 0) ? given : randomUUID();
    },
    // Only the configured proxies may tell us the client's address and scheme.
    trustProxy: trusted as never,
    // MAX_CONTENT_LENGTH caps every request body, as it did in the Flask app.
    bodyLimit: config.maxContentLength,
    connectionTimeout: 0,
    requestTimeout: 120_000,
    keepAliveTimeout: 5_000,
    // While stopping, requests already on open connections are still served (with Connection:
    // close) rather than refused with 503: nginx may not retry a 503, so refusing would lose them.
    return503OnClosing: false,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    // Response serializers are compiled on a route's first answer, not all before listening.
    schemaController: { compilersFactory: { buildSerializer: lazySerializers } },
  });

  let redis: Redis | null = options.redis ?? null;
  const ownsRedis = options.redis === undefined && config.redisUrl !== null;
  // ioredis (5 MB, 40 ms) loads only where RATELIMIT_STORAGE_URI names a Redis.
  if (ownsRedis) redis = new (await import('ioredis')).Redis(config.redisUrl!, { maxRetriesPerRequest: 2, enableAutoPipelining: true });
  if (redis) redis.on('error', (error) => app.log.warn({ err: error }, 'redis connection problem'));

  const sessions: SessionStore = redis
    ? redisSessionStore(redis, { idleTimeoutMs: config.sessionIdleTimeoutMs })
    : databaseSessionStore(db);
  const sessionsFor = (database: Db): SessionStore => (redis ? sessions : databaseSessionStore(database));
  const storage = options.storage ?? createStorage(config);
  const deps: AppDeps = { config, db, clock, sessions, sessionsFor, redis, storage };
  app.decorate('deps', deps);

  await app.register(fastifyCookie, { secret: config.secretKey, hook: 'onRequest' });
  await app.register(fastifyFormbody, { bodyLimit: config.maxContentLength });
  await app.register(errorHandlerPlugin);
  await app.register(metricsPlugin, { ...options.metrics, waitingRoomSize: () => waitingRoomSize({ db }) });
  await app.register(assetsPlugin, { root: options.staticRoot });
  await app.register(securityPlugin);
  await app.register(pressurePlugin, options.pressure ?? {});
  await app.register(maintenancePlugin, { read: () => readMaintenance({ db }), cacheMs: options.maintenanceCacheMs });
  await app.register(rateLimitPlugin);
  await app.register(sessionPlugin, { resolveSession, resolveApiToken });
  await app.register(csrfPlugin);
  await app.register(uploadsPlugin);
  await app.register(htmlPlugin);
  await app.register(healthPlugin, { lastBackup: () => readLastBackup({ db }), checks: { storage: () => storage.check() } });

  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        url: request.url.split('?')[0],
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
        userId: request.actor?.userId ?? null,
        ip: request.ip,
      },
      'request',
    );
  });

  // One count of the assistant's questions per person for its page and its API call (one limiter: each keeps its own counters).
  const askingLimit = assistantLimit(app);

  // The route map.
  await app.register(authRoutes, { demoLogins: () => (config.demoDepartment ? activeDemoLogins({ db }) : Promise.resolve([])) });
  await app.register(dashboardRoutes);
  await app.register(accountRoutes, { prefix: '/admin/accounts' });
  await app.register(auditRoutes, { prefix: '/admin/audit' });
  await app.register(groupRoutes, { prefix: '/groups' });
  await app.register(studentRoutes, { prefix: '/students' });
  await app.register(myRecordRoutes);
  await app.register(lecturerRoutes, { prefix: '/lecturers' });
  await app.register(subjectRoutes, { prefix: '/subjects' });
  await app.register(materialRoutes, { prefix: '/materials' });
  await app.register(gradebookRoutes, { prefix: '/subjects' }); // /subjects/:id/gradebook and its exports
  // /my-exercises (students send), /waiting-room (lecturers score), /submissions/:id/…
  await app.register(submissionRoutes);
  await app.register(exerciseRoutes, { prefix: '/exercises' });
  await app.register(calendarRoutes); // /my-calendar (students), /calendar/<secret>.ics (calendar apps, no cookie)
  await app.register(newsRoutes, { prefix: '/news' }); // public articles and the feed for visitors too
  await app.register(thesisRoutes, { prefix: '/theses' });
  // /help (the users' guide, visitors too) and /assistant (answers from it and from the asker's data).
  await app.register(helpRoutes, { staticRoot: options.staticRoot });
  await app.register(assistantRoutes, { staticRoot: options.staticRoot, limit: askingLimit });
  await app.register(importRoutes, { prefix: '/admin/imports' });
  await app.register(openApi); // collects the OpenAPI document from the API routes registered after it
  await app.register(apiRoutes, { prefix: '/api/v1', staticRoot: options.staticRoot, assistantLimit: askingLimit });
  await app.register(publicNewsRoutes, { prefix: '/api/public' }); // no token: the landing page's news
  await app.register(apiDocsRoutes); // /api/docs (Swagger UI) and /api/docs/openapi.json

  const sweep = setInterval(() => {
    sessions.sweep(clock.now()).catch((error: unknown) => app.log.warn({ err: error }, 'session sweep failed'));
    sweepLockout({ db }, clock.now()).catch((error: unknown) => app.log.warn({ err: error }, 'sign-in failure sweep failed'));
  }, SESSION_SWEEP_MS);
  sweep.unref();
  app.addHook('onClose', async () => {
    clearInterval(sweep);
    if (ownsRedis && redis) await redis.quit().catch(() => redis!.disconnect());
    if (!options.storage) await storage.close();
  });

  return app;
}
