// The ceiling: a bare Fastify server with one route per scenario that runs the statements FMS ran
// for that request (captured by capture.ts: the session lookup included) against the same
// database, each prepared once, and sends a body of the same bytes. What FMS could reach if its own
// work cost nothing. One process, or WORKERS processes through node:cluster as `fms serve` forks.
//
// Usage: node --import tsx bench/http/ceiling-server.ts SPEC.json (PORT and WORKERS in the environment).
import cluster from 'node:cluster';
import { readFileSync } from 'node:fs';
import type SQLite from 'better-sqlite3';
// The benchmark's own server, outside the application's layers.
// eslint-disable-next-line no-restricted-imports
import Fastify from 'fastify';
import pg from 'pg';
import { openSqlite } from '../../src/db/index.js';
import type { Parameter, Statement } from './capture.js';

export interface CeilingSpec {
  engine: 'sqlite' | 'postgres';
  /** The SQLite file, or the PostgreSQL URL. */
  database: string;
  routes: { id: string; contentType: string; body: string; statements: Statement[] }[];
}

const spec = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as CeilingSpec;
const port = Number(process.env.PORT);
const workers = Number(process.env.WORKERS ?? 1);

function restore(value: Parameter): unknown {
  if (value !== null && typeof value === 'object') {
    if ('$array' in value) return value.$array;
    return '$date' in value ? new Date(value.$date) : Buffer.from(value.$bytes, 'base64');
  }
  return value;
}

type Run = () => Promise<void> | void;

function sqliteRunner(file: string): (statement: Statement) => Run {
  // As FMS opens it: the same pragmas, and the same JS lower() the queries may call.
  const db = openSqlite(file);
  const prepared = new Map<string, SQLite.Statement>();
  return ({ sql, parameters }) => {
    let statement = prepared.get(sql);
    if (!statement) prepared.set(sql, (statement = db.prepare(sql)));
    const values = parameters.map(restore);
    const s = statement;
    return s.reader ? () => void s.all(values) : () => void s.run(values);
  };
}

function postgresRunner(url: string): (statement: Statement) => Run {
  // The pool FMS opens (src/db/index.ts: 10 connections); each text a named, once-prepared statement.
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  pool.on('error', () => {});
  const names = new Map<string, string>();
  return ({ sql, parameters }) => {
    let name = names.get(sql);
    if (!name) names.set(sql, (name = `ceiling_${names.size}`));
    const query = { name, text: sql, values: parameters.map(restore) };
    return async () => void (await pool.query(query));
  };
}

async function serve() {
  const runnerOf = spec.engine === 'sqlite' ? sqliteRunner(spec.database) : postgresRunner(spec.database);
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
      steps.at(-1)!.push(runnerOf(statement));
      previous = statement.together;
    }
    const body = Buffer.from(route.body, 'base64');
    app.get(`/s/${route.id}`, async (_request, reply) => {
      for (const step of steps) {
        if (step.length === 1) await step[0]!();
        else await Promise.all(step.map((run) => run()));
      }
      return reply.header('content-type', route.contentType).send(body);
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
