// The ceiling: a bare Fastify server with one route per scenario that runs the statements FMS ran
// for that request (captured by capture.ts: the session lookup included) against the same
// database, each prepared once, and sends a body of the same bytes. What FMS could reach if its own
// work cost nothing. One process, or WORKERS processes through node:cluster as `fms serve` forks.
// A write (scoring) is a POST to /s/<id>/<entry>: the captured statements in one transaction (FMS
// opens its transaction after the token's lookup; here the lookup is inside it), with the entry of
// the URL in place of the captured one, so each request scores another entry as FMS's do. A
// download streams the stored object from disk (fs.createReadStream), as FMS's storage does.
//
// Usage: node --import tsx bench/http/ceiling-server.ts SPEC.json (PORT and WORKERS in the environment).
import cluster from 'node:cluster';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import type SQLite from 'better-sqlite3';
// The benchmark's own server, outside the application's layers.
// eslint-disable-next-line no-restricted-imports
import Fastify from 'fastify';
import pg from 'pg';
import { encodeParameters } from '../../src/db/codecs.js';
import { openSqlite } from '../../src/db/index.js';
import { ID_MARK, type Parameter, type Statement } from './capture.js';

export interface CeilingSpec {
  engine: 'sqlite' | 'postgres';
  /** The SQLite file, or the PostgreSQL URL. */
  database: string;
  routes: { id: string; contentType: string; body: string; statements: Statement[]; file?: string; write?: boolean }[];
}

const spec = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as CeilingSpec;
const port = Number(process.env.PORT);
const workers = Number(process.env.WORKERS ?? 1);

/** `id`: the entry of this request (a write's); null for a read, which has no marked parameter. */
function restore(value: Parameter, id: number | null): unknown {
  if (value !== null && typeof value === 'object') {
    if ('$array' in value) return value.$array;
    if ('$id' in value) return id;
    if ('$template' in value) return value.$template.replaceAll(ID_MARK, String(id));
    return '$date' in value ? new Date(value.$date) : Buffer.from(value.$bytes, 'base64');
  }
  return value;
}

/** One statement, ready to run for a request's entry (on the connection of a transaction, on PostgreSQL). */
type Run = (id: number | null, client?: pg.PoolClient) => Promise<void> | void;

interface Replayer {
  prepare(statement: Statement): Run;
  /** Runs the steps in one transaction. */
  inTransaction(steps: Run[][], id: number): Promise<void> | void;
}

function sqliteReplayer(file: string): Replayer {
  // As FMS opens it: the same pragmas, and the same JS lower() the queries may call.
  const db = openSqlite(file);
  const prepared = new Map<string, SQLite.Statement>();
  return {
    prepare: ({ sql, parameters }) => {
      let statement = prepared.get(sql);
      if (!statement) prepared.set(sql, (statement = db.prepare(sql)));
      // Dates and booleans as FMS's driver binds them on SQLite (db/codecs.ts: the log sees them before).
      const valuesFor = (id: number | null) => encodeParameters(parameters.map((p) => restore(p, id))) as unknown[];
      const fixed = valuesFor(null);
      const varies = parameters.some((p) => p !== null && typeof p === 'object' && ('$id' in p || '$template' in p));
      const s = statement;
      const valuesOf = (id: number | null) => (varies ? valuesFor(id) : fixed);
      const run = s.reader ? (values: unknown[]) => void s.all(values) : (values: unknown[]) => void s.run(values);
      return (id) => {
        const values = valuesOf(id);
        try {
          run(values);
        } catch (error) {
          // Which statement and which kinds of values: what the run's log needs to show.
          throw new Error(`${(error as Error).message} (${sql.slice(0, 120)}; values ${JSON.stringify(values.map((v) => (v === null ? 'null' : v instanceof Date ? 'Date' : typeof v)))})`);
        }
      };
    },
    // One connection, synchronous: the whole transaction runs before another request's statement.
    // BEGIN IMMEDIATE: a second worker's deferred transaction that reads first fails to take the
    // write lock at once ("database is locked", the busy timeout notwithstanding).
    inTransaction: (steps, id) => db.transaction(() => steps.forEach((step) => step.forEach((run) => run(id)))).immediate(),
  };
}

function postgresReplayer(url: string): Replayer {
  // The pool FMS opens (src/db/index.ts: 10 connections); each text a named, once-prepared statement.
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  pool.on('error', () => {});
  const names = new Map<string, string>();
  return {
    prepare: ({ sql, parameters }) => {
      let name = names.get(sql);
      if (!name) names.set(sql, (name = `ceiling_${names.size}`));
      const statementName = name;
      return async (id, client) => void (await (client ?? pool).query({ name: statementName, text: sql, values: parameters.map((p) => restore(p, id)) }));
    },
    inTransaction: async (steps, id) => {
      const client = await pool.connect();
      try {
        await client.query('begin');
        for (const step of steps) await Promise.all(step.map((run) => run(id, client)));
        await client.query('commit');
      } catch (error) {
        await client.query('rollback').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
  };
}

async function serve() {
  const replayer = spec.engine === 'sqlite' ? sqliteReplayer(spec.database) : postgresReplayer(spec.database);
  const app = Fastify({ logger: false });
  app.get('/ready', async () => 'ready');
  // The first failure of each route goes to stderr (the run's log of this server), once.
  const reported = new Set<string>();
  app.setErrorHandler((error, request, reply) => {
    if (!reported.has(request.url)) {
      reported.add(request.url);
      process.stderr.write(`${request.url}: ${(error as Error).message}\n`);
    }
    return reply.code(500).send('replay failed');
  });
  for (const route of spec.routes) {
    // In the order FMS ran them; the ones FMS ran at the same time, at the same time.
    const steps: Run[][] = [];
    let previous: number | null = null;
    for (const statement of route.statements) {
      if (statement.together !== previous) steps.push([]);
      steps.at(-1)!.push(replayer.prepare(statement));
      previous = statement.together;
    }
    const body = Buffer.from(route.body, 'base64');
    if (route.write) {
      app.post<{ Params: { entry: string } }>(`/s/${route.id}/:entry`, async (request, reply) => {
        await replayer.inTransaction(steps, Number(request.params.entry));
        return reply.header('content-type', route.contentType).send(body);
      });
      continue;
    }
    const file = route.file;
    const size = file ? statSync(file).size : 0;
    app.get(`/s/${route.id}`, async (_request, reply) => {
      for (const step of steps) {
        if (step.length === 1) await step[0]!(null);
        else await Promise.all(step.map((run) => run(null)));
      }
      reply.header('content-type', route.contentType);
      if (file) return reply.header('content-length', String(size)).send(createReadStream(file));
      return reply.send(body);
    });
  }
  await app.listen({ host: '127.0.0.1', port });
}

if (workers > 1 && cluster.isPrimary) {
  for (let i = 0; i < workers; i++) cluster.fork();
  cluster.on('exit', (_worker, code) => {
    process.stderr.write(`ceiling worker exited (${code})\n`);
    process.exit(1);
  });
} else {
  await serve();
}
