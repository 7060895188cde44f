// buildTestApp(t): a whole FMS app on a fresh database (a temporary SQLite file, or a private
// PostgreSQL schema), optionally with Redis under a private key prefix, torn down after the test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import pg from 'pg';
import pino from 'pino';
import { loggerOptions } from '../src/logger.js';
import { buildApp } from '../src/app.js';
import { loadConfig, type Config } from '../src/config/index.js';
import type { ServiceContext } from '../src/context.js';
import { createDb, type Db } from '../src/db/index.js';
import { migrateOrThrow } from '../src/db/migrator.js';
import { ManualClock } from '../src/lib/clock.js';
import { randomToken } from '../src/lib/secrets.js';
import type { QueryLog } from './query-log.js';
import { postgresUrl, redisUrl, type TestDatabase } from './services.js';

export interface TestAppOptions {
  database?: TestDatabase;
  redis?: boolean;
  env?: Record<string, string>;
  /** Skip migrations (to test what happens on an unmigrated database). */
  migrate?: boolean;
  /** Capture log lines (JSON strings) into this array, with the app's real redaction rules. */
  logLines?: string[];
  /** Share a database with another test app (as two servers would). */
  sharedDb?: Db;
  /** Share a Redis client (and so its key prefix) with another test app. */
  sharedRedis?: Redis;
  /** Record the statements the app runs (test/query-log.ts); factories on `ctx` are not watched. */
  queryLog?: QueryLog;
}

export interface TestApp {
  app: FastifyInstance;
  db: Db;
  config: Config;
  clock: ManualClock;
  redis: Redis | null;
  /** A service context acting as nobody, for factories and direct service calls. */
  ctx: ServiceContext;
}

const quietLog = { info() {}, warn() {}, error() {}, debug() {} };

export async function openTestDatabase(t: TestContext, database: TestDatabase): Promise<{ db: Db; url: string }> {
  if (database === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'fms-test-'));
    const file = join(dir, 'fms.sqlite');
    const db = createDb({ kind: 'sqlite', file, url: `sqlite:${file}` });
    t.after(async () => {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    });
    return { db, url: `sqlite:${file}` };
  }
  const schema = `t_${randomToken(9).toLowerCase().replace(/[^a-z0-9]/g, 'x')}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const db = createDb({ kind: 'postgres', url: postgresUrl }, { searchPath: schema, poolSize: 4 });
  t.after(async () => {
    await db.destroy();
    const cleanup = new pg.Client({ connectionString: postgresUrl });
    await cleanup.connect();
    await cleanup.query(`drop schema if exists ${schema} cascade`);
    await cleanup.end();
  });
  const url = new URL(postgresUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return { db, url: url.toString() };
}

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ FMS_CONFIG: 'testing', LOG_LEVEL: 'silent', ...env }, { dotenvDir: false });
}

export async function openTestRedis(t: TestContext): Promise<Redis> {
  const redis = new Redis(redisUrl, { keyPrefix: `test:${randomToken(6)}:`, maxRetriesPerRequest: 1 });
  t.after(async () => {
    await redis.quit().catch(() => redis.disconnect());
  });
  return redis;
}

export async function buildTestApp(t: TestContext, options: TestAppOptions = {}): Promise<TestApp> {
  const db = options.sharedDb ?? (await openTestDatabase(t, options.database ?? 'sqlite')).db;
  if (options.migrate !== false && !options.sharedDb) await migrateOrThrow(db);
  const redis = options.sharedRedis ?? (options.redis ? await openTestRedis(t) : null);
  // Each app keeps its uploads in a folder of its own, removed after the test.
  const uploads = mkdtempSync(join(tmpdir(), 'fms-uploads-'));
  t.after(() => rmSync(uploads, { recursive: true, force: true }));
  const config = testConfig({ UPLOAD_FOLDER: uploads, ...(redis ? { RATELIMIT_STORAGE_URI: redisUrl } : {}), ...options.env });
  const clock = new ManualClock(new Date());
  const lines = options.logLines;
  const loggerInstance = lines
    ? pino({ ...loggerOptions({ logLevel: 'info' }) }, { write: (line: string) => void lines.push(line) })
    : undefined;
  // Two suites, PostgreSQL and Chromium share two CPUs in CI, where the event loop can lag past the
  // production limit of one second; overload itself is tested in src/overload.test.ts.
  const appDb = options.queryLog ? options.queryLog.observe(db) : db;
  const app = await buildApp({ config, db: appDb, clock, redis, logger: false, loggerInstance, maintenanceCacheMs: 0, pressure: { maxEventLoopDelay: 10_000 } });
  t.after(() => app.close());
  await app.ready();
  return { app, db, config, clock, redis, ctx: { db, actor: null, clock, config, log: quietLog, ip: null } };
}

/** Two apps on one database and one Redis, as two servers behind a load balancer. */
export async function buildServersSharingRedis(t: TestContext) {
  const { db } = await openTestDatabase(t, 'sqlite');
  await migrateOrThrow(db);
  const redis = await openTestRedis(t);
  const one = await buildTestApp(t, { sharedDb: db, sharedRedis: redis });
  const two = await buildTestApp(t, { sharedDb: db, sharedRedis: redis });
  return { db, redis, one, two };
}
