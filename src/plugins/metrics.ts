// Prometheus metrics: request rate and latency by route, server errors, the event loop, the heap,
// the database pool and the Waiting Room. /metrics answers only with METRICS_TOKEN (or on the
// internal METRICS_PORT, see server.ts); without a token it does not exist on the public port.
// Guessing the token is limited per client; scrapes with the right token are not counted.
import fp from 'fastify-plugin';
import client from 'prom-client';
import { poolStatsOf, type Db } from '../db/index.js';
import { attemptCounter } from './attempt-counter.js';
import { metricsText } from './metrics-text.js';
import { bearerIs } from './bearer-secret.js';
import { clientKey } from './rate-limit.js';
import './types.js';

/** Wrong METRICS_TOKEN attempts a client may make in a minute; then every request gets 429. */
export const METRICS_FAILURES_PER_MINUTE = 10;

export interface MetricsOptions {
  /** How many submissions wait in the Waiting Room (read when scraped). */
  waitingRoomSize?: () => Promise<number>;
  /** In a cluster, asks the primary for every worker's metrics added up; otherwise this process's. */
  collect?: () => Promise<{ contentType: string; body: string }>;
}

let registered: ReturnType<typeof createMetrics> | null = null;
/** What the gauges read when scraped (the process's one app; the last built in tests). */
let source: { db: Db; waitingRoomSize?: () => Promise<number> } | null = null;

/** Metrics live in prom-client's global registry (the cluster aggregator reads it): create once. */
function createMetrics() {
  client.collectDefaultMetrics();
  return {
    requests: new client.Counter({ name: 'http_requests_total', help: 'HTTP requests answered, by route and status', labelNames: ['method', 'route', 'status'] }),
    duration: new client.Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time to answer HTTP requests, by route',
      labelNames: ['method', 'route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    }),
    errors: new client.Counter({ name: 'http_server_errors_total', help: 'Requests that failed on the server (5xx), by route', labelNames: ['route', 'status'] }),
    pool: new client.Gauge({
      name: 'fms_db_pool_connections',
      help: 'PostgreSQL pool connections by state',
      labelNames: ['state'],
      collect() {
        const stats = source ? poolStatsOf(source.db) : null;
        if (stats) for (const [state, value] of Object.entries(stats)) this.set({ state }, value);
      },
    }),
    waitingRoom: new client.Gauge({
      name: 'fms_waiting_room_submissions',
      help: 'Submissions waiting for a score in the Waiting Room',
      // Every worker reads the same database: report one value, not the sum over workers.
      aggregator: 'first',
      async collect() {
        if (source?.waitingRoomSize) this.set(await source.waitingRoomSize());
      },
    }),
  };
}

export default fp(
  async (app, options: MetricsOptions) => {
    const { db, config } = app.deps;
    registered ??= createMetrics();
    const m = registered;
    const mine = { db, waitingRoomSize: options.waitingRoomSize };
    source = mine;
    app.addHook('onClose', async () => {
      if (source === mine) source = null;
    });

    app.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'unmatched';
      const labels = { method: request.method, route };
      m.requests.inc({ ...labels, status: String(reply.statusCode) });
      m.duration.observe(labels, reply.elapsedTime / 1000);
      if (reply.statusCode >= 500) m.errors.inc({ route, status: String(reply.statusCode) });
    });


    if (!config.metricsToken) return;
    const token = config.metricsToken;
    // /metrics sits on the global limiter's allow-list (Prometheus scrapes often, from one address),
    // so wrong tokens are counted here, in the same store: Redis when configured, shared by workers.
    const failures = attemptCounter({ redis: app.deps.redis, prefix: 'fms:ratelimit:metrics-failures:', windowMs: 60_000 });
    app.get('/metrics', { config: { rateLimit: false } }, async (request, reply) => {
      const key = clientKey(request);
      // The attempt is counted before the token is compared, and given back when it was right:
      // simultaneous guesses cannot all slip in under the limit, and a client over it learns
      // nothing, not even from the right token, until its minute is over.
      const { attempts, retryAfterMs } = await failures.reserve(key);
      if (attempts > METRICS_FAILURES_PER_MINUTE) {
        const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
        reply.code(429).header('retry-after', String(seconds));
        return { error: { code: 'rate_limited', message: `Too many wrong METRICS_TOKEN attempts from this address; try again in ${seconds} s.`, fields: {} } };
      }
      if (!bearerIs(request.headers.authorization, token)) {
        reply.code(401).header('www-authenticate', 'Bearer realm="metrics"');
        return { error: { code: 'unauthenticated', message: 'Send METRICS_TOKEN as a bearer token.', fields: {} } };
      }
      await failures.release(key);
      const { contentType, body } = options.collect ? await options.collect() : await metricsText();
      return reply.type(contentType).send(body);
    });
  },
  { name: 'fms-metrics' },
);
