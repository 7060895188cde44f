// What every CLI command shares: the config, an open database, a service context acting as the
// operator (the system actor), and consistent error reporting and exit codes.
import { existsSync } from 'node:fs';
import { sql } from 'kysely';
import { systemActor } from '../access.js';
import { ConfigError, loadConfig, type Config, type LoadOptions } from '../config/index.js';
import type { AuthContext, ServiceContext } from '../context.js';
import { describeDatabaseFailure } from '../db/connection-failure.js';
import { createDb, type Db } from '../db/index.js';
import { pendingMigrations } from '../db/migrator.js';
import { AppError, messageNamingFields } from '../lib/errors.js';
import { systemClock } from '../lib/clock.js';
import { databaseSessionStore } from '../features/auth/session-store.js';
import { redisSessionStore } from '../features/auth/redis-session-store.js';
import { StartupError } from '../server.js';
import { createStorage } from '../storage/index.js';

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export function readConfig(options: LoadOptions = {}): Config {
  return loadConfig(process.env, options);
}

export interface CliSession {
  config: Config;
  db: Db;
  ctx: AuthContext;
  /** Runs the command's unit of work in one transaction: all of it happens, or none. */
  inTransaction<T>(work: (ctx: AuthContext) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Opens the database; refuses to work on a schema that is not current, naming `fms migrate`. */
export async function openSession(options: { requireCurrentSchema?: boolean } = {}): Promise<CliSession> {
  const config = readConfig();
  if (config.database.kind === 'sqlite' && config.database.file !== ':memory:' && !existsSync(config.database.file))
    throw new CliError(`There is no database at ${config.database.file}: check DATABASE_URL, or run \`fms migrate\` to create it.`);
  const db = createDb(config.database);
  const unreachable = async (error: unknown): Promise<never> => {
    await db.destroy();
    throw new CliError(describeDatabaseFailure(config.database, error));
  };
  if (options.requireCurrentSchema !== false) {
    const pending = await pendingMigrations(db).catch(unreachable);
    if (pending.length) {
      await db.destroy();
      throw new CliError(`The database has ${pending.length} pending migration(s): run \`fms migrate\` first.`);
    }
  } else {
    // Commands that work on any schema (maintenance) still learn first whether the database answers,
    // so its failure is told as one, not as the driver's bare words from the middle of the command.
    await sql`select 1`.execute(db).catch(unreachable);
  }
  // ioredis loads only where RATELIMIT_STORAGE_URI names a Redis (every fms process loads this file).
  const redis = config.redisUrl ? new (await import('ioredis')).Redis(config.redisUrl, { maxRetriesPerRequest: 2, lazyConnect: true }) : null;
  const sessions = redis ? redisSessionStore(redis, { idleTimeoutMs: config.sessionIdleTimeoutMs }) : databaseSessionStore(db);
  // pino loads with the commands that open a session, not with `fms serve`'s primary (it loads this file).
  const { pino } = await import('pino');
  const log = pino({ level: 'warn' }, pino.destination(2));
  const storage = createStorage(config);
  const base: ServiceContext = { db, actor: systemActor, clock: systemClock, log, config, ip: null, storage };
  const ctx: AuthContext = { ...base, sessions };
  return {
    config,
    db,
    ctx,
    inTransaction: (work) => db.transaction().execute((trx) => work({ ...ctx, db: trx, sessions: redis ? sessions : databaseSessionStore(trx) })),
    async close() {
      if (redis) await redis.quit().catch(() => redis.disconnect());
      await storage.close();
      await db.destroy();
    },
  };
}

/** Opens a session for one command body and always closes it, whatever happens. */
export async function withSession<T>(work: (session: CliSession) => Promise<T>, options: { requireCurrentSchema?: boolean } = {}): Promise<T> {
  const session = await openSession(options);
  try {
    return await work(session);
  } finally {
    await session.close();
  }
}

/**
 * Runs a command body and turns every failure into one clear line and a non-zero exit code. Lines
 * starting `fms:` on stderr are failures and warnings only; progress lines start `fms · `.
 */
export async function run(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    process.exitCode = report(error);
  }
}

export function report(error: unknown): number {
  if (error instanceof ConfigError) {
    for (const problem of error.problems) process.stderr.write(`fms: configuration: ${problem}\n`);
    return 2;
  }
  if (error instanceof AppError) {
    process.stderr.write(`fms: ${messageNamingFields(error.message, error.fields)}\n`);
    for (const [field, message] of Object.entries(error.fields)) process.stderr.write(`  ${field}: ${message}\n`);
    return 1;
  }
  if (error instanceof CliError) {
    process.stderr.write(`fms: ${error.message}\n`);
    return error.exitCode;
  }
  if (error instanceof StartupError) {
    process.stderr.write(`fms: ${error.message}\n`);
    return 1;
  }
  process.stderr.write(`fms: ${(error as Error)?.message ?? String(error)}\n`);
  if (process.env.FMS_DEBUG) process.stderr.write(`${(error as Error)?.stack ?? ''}\n`);
  return 1;
}

/** Reads all of standard input (for --password-stdin), without the trailing newline. */
export async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new CliError('--password-stdin expects the password on standard input, e.g. `printf %s "$PW" | fms user create …`');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  if (!text) throw new CliError('--password-stdin read an empty password from standard input; pipe the password in, or leave the option out to get a one-time password.');
  return text;
}
