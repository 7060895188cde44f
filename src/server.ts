// `fms serve`: open the database, make sure its schema is current, build the app, listen, and close
// cleanly on SIGTERM/SIGINT (stop accepting, finish in-flight requests, close the database).
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import type { Config } from './config/index.js';
import { createDb, type Db } from './db/index.js';
import { migrateOrThrow, pendingMigrations } from './db/migrator.js';
import { systemClock } from './lib/clock.js';
import { activeDemoLogins, seedDemoDepartment } from './seeds/demo.js';
import { readManifest } from './plugins/assets.js';

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

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

export async function startServer(config: Config, options: { bind?: Bind; say?: (line: string) => void } = {}): Promise<RunningServer> {
  const say = options.say ?? ((line: string) => process.stdout.write(`${line}\n`));
  if (config.isProduction) readManifest(); // refuses to start without the static build, naming `npm run build`
  const db = createDb(config.database, { onPoolError: (error) => process.stderr.write(`database pool error: ${error.message}\n`) });
  try {
    await prepareDatabase(config, db, say);
    if (config.isProduction) {
      const demo = await activeDemoLogins({ db });
      if (demo.length)
        throw new StartupError(
          `The database holds demo accounts with published passwords (${demo.map((d) => d.username).join(', ')}): ` +
            `disable them (\`fms user disable ${demo[0]!.username}\`) or reset their passwords (\`fms user reset-password ${demo[0]!.username}\`), then start again.`,
        );
    }
    if (config.demoDepartment) {
      const seeded = await db.transaction().execute((trx) =>
        seedDemoDepartment({ db: trx, actor: null, clock: systemClock, config, log: console }),
      );
      if (seeded) say('Seeded the demo department (an admin, 3 lecturers, 3 groups of 10 students, 4 subjects).');
    }
  } catch (error) {
    await db.destroy();
    throw error;
  }

  const app = await buildApp({ config, db });
  const bind = options.bind ?? { host: config.host, port: config.port };
  let url: string;
  if (bind.socket) {
    await app.listen({ path: bind.socket });
    url = `unix:${bind.socket}`;
  } else {
    await app.listen({ host: bind.host ?? config.host, port: bind.port ?? config.port });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : bind.port;
    const host = bind.host ?? config.host;
    url = `http://${host === '0.0.0.0' || host === '::' ? 'localhost' : host}:${port}`;
  }
  // Slow clients may not hold sockets open forever.
  app.server.headersTimeout = 30_000;

  say(`FMS is running at ${url} (${config.mode} mode, ${config.database.kind === 'sqlite' ? `SQLite ${config.database.file}` : 'PostgreSQL'})`);
  if (config.demoDepartment) {
    const logins = await activeDemoLogins({ db });
    if (logins.length) {
      say('Demo logins:');
      for (const l of logins) say(`  ${l.role.padEnd(9)} ${l.username} / ${l.password}`);
    }
  }

  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      await app.close();
      await db.destroy();
    })());
  return { app, url, close };
}

/** Serves until SIGTERM or SIGINT, then drains and exits 0. */
export async function serveForever(config: Config, bind?: Bind): Promise<void> {
  const server = await startServer(config, { bind });
  const stop = (signal: string) => {
    server.app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => {
      server.app.log.error('graceful shutdown timed out; exiting');
      process.exit(1);
    }, 30_000);
    force.unref();
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
}
