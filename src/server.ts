// `fms serve`: open the database, make sure its schema is current, build the app, listen, and close
// cleanly on SIGTERM/SIGINT (stop accepting, finish in-flight requests, close the database).
import cluster from 'node:cluster';
import { chmod } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Config } from './config/index.js';
import { createDb, type Db } from './db/index.js';
import { databaseFailure } from './db/connection-failure.js';
import { migrateOrThrow, pendingMigrations } from './db/migrator.js';
import { systemClock } from './lib/clock.js';
import { activeDemoLogins, demoAccountsWithPublishedPasswords } from './seeds/demo-accounts.js';
import { trustProxyWarning } from './config/trust-proxy.js';
import { readManifest } from './lib/static-build.js';
import type { MetricsOptions } from './plugins/metrics.js';
import { metricsText } from './plugins/metrics-text.js';
import { openLogFile } from './log-destination.js';
import { loggerOptions } from './logger.js';
import { clearStaleSocket } from './socket-file.js';
import { assertUploadFolderWritable, createStorage, UploadFolderNotWritable } from './storage/index.js';

export interface Bind {
  host?: string;
  port?: number;
  /** A unix socket path instead of host:port. */
  socket?: string;
}

export class StartupError extends Error {}

/** Parses `HOST:PORT`, `:PORT`, `PORT` or `unix:/path/fms.sock`. */
export function parseBind(text: string): Bind {
  if (text.startsWith('unix:')) return { socket: text.slice(5) };
  const match = /^(?:\[?([^\]]*?)\]?:)?(\d{1,5})$/.exec(text);
  if (!match || Number(match[2]) > 65535) throw new StartupError(`--bind "${text}" is not HOST:PORT or unix:/path/to.sock`);
  return { host: match[1] || undefined, port: Number(match[2]) };
}

/** Production never changes the schema by itself; other modes migrate on start. */
export async function prepareDatabase(config: Config, db: Db, say: (line: string) => void): Promise<void> {
  if (config.isProduction) {
    const pending = await pendingMigrations(db);
    if (pending.length)
      throw new StartupError(`The database has ${pending.length} pending migration(s) (${pending.join(', ')}): run \`fms migrate\`, then start again.`);
    return;
  }
  const applied = await migrateOrThrow(db);
  if (applied.length) say(`Applied ${applied.length} migration(s): ${applied.join(', ')}`);
}

// The app (Fastify, its plugins, every feature's routes and views) is imported where it is built,
// not at the top: `fms serve`'s primary prepares the database and forks the workers without it.
const loadApp = () => import('./app.js');

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

export interface StartOptions {
  bind?: Bind;
  say?: (line: string) => void;
  /** Migrate, seed and check the database first (false in cluster workers: the primary did it). */
  prepare?: boolean;
  /** A ready logger (e.g. writing to LOG_FILE). */
  loggerInstance?: FastifyBaseLogger;
  metrics?: MetricsOptions;
  /** The unix socket's file mode (e.g. 0o660 so nginx's group may connect); nothing else gets it. */
  socketMode?: number;
  /** Awaited after the app is built, before it listens (a cluster worker waits for its primary's word on the secrets). */
  beforeListen?: () => Promise<void>;
}

/** Migrations (outside production), the demo department (development) and production's refusals. */
export async function prepareForServing(config: Config, say: (line: string) => void): Promise<void> {
  if (config.isProduction) readManifest(); // refuses to start without the static build, naming `npm run build`
  if (config.isProduction) {
    // A warning, not a refusal: a CDN's published ranges are public and legitimate.
    const proxyWarning = trustProxyWarning(config.trustProxy);
    if (proxyWarning) say(`Warning: ${proxyWarning}.`);
  }
  await checkUploads(config);
  const db = createDb(config.database, { onPoolError: (error) => process.stderr.write(`database pool error: ${error.message}\n`) });
  try {
    await prepareDatabase(config, db, say).catch((error: unknown) => {
      throw databaseFailure(config.database, error);
    });
    if (config.isProduction) {
      // The stored hashes decide, not "unchanged since the seed": a password set back to its
      // published value is as open as one never changed.
      const demo = await demoAccountsWithPublishedPasswords({ db });
      if (demo.length)
        throw new StartupError(
          `The database holds ${demo.length} demo account(s) with published passwords (${listSome(demo)}): ` +
            `disable them all with \`fms user disable --demo\` (or reset each one's password: \`fms user reset-password ${demo[0]!}\`) — ` +
            'or start production on an empty database — then start again.',
        );
    }
    if (config.demoDepartment) {
      // The demo's materials go where uploads go; the app opens its own storage later.
      const storage = createStorage(config);
      let seeded;
      try {
        // The seed and the services it writes through load only where a demo department is wanted.
        const { seedDemoDepartment } = await import('./seeds/demo.js');
        seeded = await db.transaction().execute((trx) => seedDemoDepartment({ db: trx, actor: null, clock: systemClock, config, log: console, storage }));
      } finally {
        await storage.close();
      }
      if (seeded) say('Seeded the demo department (an admin, 3 lecturers, 3 groups of 10 students, 4 subjects with their materials, 4 theses).');
    }
  } finally {
    await db.destroy();
  }
}

/** Uploads must have somewhere to go before the first one arrives: say where and why not. */
async function checkUploads(config: Config): Promise<void> {
  if (config.storage.kind === 'local') {
    try {
      await assertUploadFolderWritable(config.storage.folder);
    } catch (error) {
      if (error instanceof UploadFolderNotWritable) throw new StartupError(error.message);
      throw error;
    }
    return;
  }
  if (!config.isProduction) return;
  const storage = createStorage(config);
  try {
    const health = await storage.check();
    if (!health.ok) throw new StartupError(`Uploads go to ${storage.describe()}, which is not usable: ${health.reason}`);
  } finally {
    await storage.close();
  }
}

function listSome(names: string[], most = 5): string {
  return names.length > most ? `${names.slice(0, most).join(', ')} and ${names.length - most} more` : names.join(', ');
}

export function describeUrl(config: Config, bind: Bind, port?: number): string {
  if (bind.socket) return `unix:${bind.socket}`;
  const host = bind.host ?? config.host;
  return `http://${host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host}:${port ?? bind.port ?? config.port}`;
}

export async function printBanner(config: Config, url: string, say: (line: string) => void, workers = 1): Promise<void> {
  const engine = config.database.kind === 'sqlite' ? `SQLite ${config.database.file}` : 'PostgreSQL';
  say(`FMS is running at ${url} (${config.mode} mode, ${engine}${workers > 1 ? `, ${workers} workers` : ''})`);
  if (!config.demoDepartment) return;
  const db = createDb(config.database);
  try {
    const logins = await activeDemoLogins({ db });
    if (logins.length) {
      say('Demo logins:');
      for (const l of logins) say(`  ${l.role.padEnd(9)} ${l.username} / ${l.password}`);
    }
  } finally {
    await db.destroy();
  }
}

export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const say = options.say ?? ((line: string) => process.stdout.write(`${line}\n`));
  if (options.prepare !== false) await prepareForServing(config, say);

  const db = createDb(config.database, { onPoolError: (error) => process.stderr.write(`database pool error: ${error.message}\n`) });
  let app: FastifyInstance;
  try {
    // A worker started by a reload runs the code now on disk: it must not serve before that code's
    // build and schema are in place (the primary checked them only for the code it started with).
    if (options.prepare === false && config.isProduction)
      await assertReadyToServe(db).catch((error: unknown) => {
        throw databaseFailure(config.database, error);
      });
    const { buildApp } = await loadApp();
    app = await buildApp({ config, db, loggerInstance: options.loggerInstance, metrics: options.metrics });
    await options.beforeListen?.();
  } catch (error) {
    await db.destroy();
    throw error;
  }
  const bind = options.bind ?? { host: config.host, port: config.port };
  if (bind.socket) {
    if (!isWorker()) await clearStaleSocket(bind.socket);
    await app.listen({ path: bind.socket });
    // Only the socket is opened up to the web server's group: the process's own umask stays
    // strict, so uploads, logs and databases are never readable by nginx.
    if (options.socketMode !== undefined) await chmod(bind.socket, options.socketMode);
  } else {
    await app.listen({ host: bind.host ?? config.host, port: bind.port ?? config.port });
  }
  // Slow clients may not hold sockets open forever.
  app.server.headersTimeout = 30_000;
  const address = app.server.address();
  const url = describeUrl(config, bind, typeof address === 'object' && address ? address.port : undefined);
  if (options.prepare !== false) await printBanner(config, url, say);

  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      await app.close();
      await db.destroy();
    })());
  return { app, url, close };
}

function isWorker(): boolean {
  return cluster.isWorker;
}

/** Production's start-up refusals that concern the code itself: its static build and its migrations. */
async function assertReadyToServe(db: Db): Promise<void> {
  readManifest();
  const pending = await pendingMigrations(db);
  if (pending.length)
    throw new StartupError(`The database has ${pending.length} pending migration(s) (${pending.join(', ')}) for the code on disk: run \`fms migrate\`, then reload or start again.`);
}

/** The socket's mode from a --umask such as 007: read and write for whom the mask leaves (0660). */
export function socketModeFor(umask: number | undefined): number | undefined {
  return umask === undefined ? undefined : 0o666 & ~umask;
}

export interface ServeOptions {
  bind?: Bind;
  /** Worker processes (default WEB_CONCURRENCY). More than one runs a node:cluster primary. */
  workers?: number;
  /** File mode mask for the unix socket only, e.g. 0o007 so nginx in the group may connect. */
  umask?: number;
}

/**
 * Whether `fms serve` runs a node:cluster primary: with more than one worker, and always in
 * production, where the primary is what makes `systemctl reload` (SIGHUP) replace the workers
 * without refusing a request. A single process stays the default in development: one process to
 * debug, and a faster start.
 */
export function runsCluster(config: Config, workers: number): boolean {
  return cluster.isWorker || workers > 1 || config.isProduction;
}

/** One process, serving until SIGTERM or SIGINT, then draining within SHUTDOWN_GRACE and exiting 0. */
export async function serveForever(config: Config, options: ServeOptions = {}): Promise<void> {
  // Taken first, before anything is announced: a port held by another server fails the start
  // cleanly instead of leaving a server without metrics and without its shutdown handlers.
  const metricsServer = config.metricsPort ? await serveMetricsPort(config.metricsPort, metricsText) : null;
  let server: RunningServer;
  try {
    const logFile = config.logFile ? await openLogFile(config.logFile) : null;
    // pino loads here, not with this file: a cluster primary (cluster.ts) writes its few lines itself.
    const loggerInstance = logFile ? (await import('pino')).pino(loggerOptions({ logLevel: config.logLevel }), logFile) : undefined;
    server = await startServer(config, { bind: options.bind, loggerInstance, socketMode: socketModeFor(options.umask) });
  } catch (error) {
    metricsServer?.close();
    throw error;
  }
  const stop = (signal: string) => {
    server.app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => {
      server.app.log.error('graceful shutdown timed out; exiting');
      process.exit(1);
    }, config.shutdownGraceMs);
    force.unref();
    metricsServer?.close();
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        server.app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  // SIGHUP would end the process (Node's default); a reload needs a primary to start new workers.
  process.on('SIGHUP', () => server.app.log.warn('SIGHUP ignored: reloading needs a primary process (production mode or --workers 2 or more); restart instead'));
}

export class MetricsPortInUse extends StartupError {}

/** /metrics without a token on 127.0.0.1:METRICS_PORT, for a Prometheus on the same host. */
export function serveMetricsPort(port: number, collect: () => Promise<{ contentType: string; body: string }>): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.url !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    collect().then(
      ({ contentType, body }) => response.writeHead(200, { 'content-type': contentType }).end(body),
      () => response.writeHead(500).end(),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new MetricsPortInUse(`METRICS_PORT ${port} is already in use on 127.0.0.1 (another FMS server?): choose another METRICS_PORT for this server, or stop the other one.`)
          : error,
      ),
    );
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}
