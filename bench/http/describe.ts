// The paragraphs above the results: when, on what, with which versions, by which command, and how
// to read the figures.
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, release, totalmem } from 'node:os';
import SQLite from 'better-sqlite3';
import { hidePassword } from '../../src/ops/data/database-url.js';
import { SCORE_POOL_CAP } from './score-pool.js';
import { givenOverrides, type Settings } from './settings.js';

const root = new URL('../../', import.meta.url).pathname;

function git(...args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

function sqliteVersion(): string {
  const db = new SQLite(':memory:');
  try {
    return (db.prepare('select sqlite_version() as v').get() as { v: string }).v;
  } finally {
    db.close();
  }
}

interface RunTimes {
  started: Date;
  finished: Date;
  loadBefore: number;
  postgresVersion: string | null;
}

export function describeRun(settings: Settings, times: RunTimes): string[] {
  const commit = git('rev-parse', '--short', 'HEAD');
  const dirty = git('status', '--porcelain', '--', 'src', 'bench') !== '';
  const cpu = cpus();
  const overrides = givenOverrides().map((o) => (o.startsWith('BENCH_POSTGRES_URL=') ? `BENCH_POSTGRES_URL=${hidePassword(o.slice('BENCH_POSTGRES_URL='.length))}` : o));
  const minutes = Math.round((times.finished.getTime() - times.started.getTime()) / 60_000);
  return [
    `Measured ${times.started.toISOString().slice(0, 16).replace('T', ' ')} UTC in ${minutes} min: FMS ${commit || '(no git)'}${dirty ? ' with uncommitted changes in src/ or bench/' : ''}, Node ${process.version}, SQLite ${sqliteVersion()} (better-sqlite3)${times.postgresVersion ? `, PostgreSQL ${times.postgresVersion}` : ''}; ${cpu.length} × ${cpu[0]?.model.trim() ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${release()}; load average ${times.loadBefore.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after. The load generator (autocannon; for the material download Node's own HTTP client, bench/http/download-load.ts, as autocannon's parser would be the bottleneck; its req/s are the bytes delivered in whole files, those of downloads cut off at the end included), the servers and PostgreSQL share these cores.`,
    '',
    `Command: \`${overrides.length ? `${overrides.join(' ')} ` : ''}npm run bench\` (builds, then \`tsx bench/http.ts\`). Each server is \`node dist/bundle/index.js serve --workers N\` in production mode (FMS_CONFIG=production, a SECRET_KEY of the run, plain HTTP on 127.0.0.1 as behind a proxy, request logs at info to a file, RATELIMIT_DEFAULT, API_RATELIMIT and ASSISTANT_RATELIMIT raised out of reach); pages are requested with the cookies of a signed-in browser, the API with a bearer token. Every scenario is a GET but scoring: a POST of the API with the admin's token that scores another waiting submission on each request (one that no other scenario shows; none twice, so every answer must be 200), until its share of the ${SCORE_POOL_CAP.toLocaleString('en')} entries read at setup runs out. The material download is a student's download link of a 10 MiB generated file uploaded through the API at setup. ${settings.huge ? 'The 1 GiB upload and download (BENCH_HUGE=0 leaves it out) runs once on a server of its own with MAX_CONTENT_LENGTH raised.' : 'The 1 GiB upload and download was left out (BENCH_HUGE=1 runs it; it is on by default at large).'} ${settings.connections} connections opened for the warm-up and kept through the measured seconds, ${settings.warmup} s then ${settings.seconds} s per row (the ceilings ${settings.ceilingWarmup} s and ${settings.ceilingSeconds} s); the measured seconds start once the warm-up is over and every connection has had an answer, and only answers after that count, p50 and p99 of the 2xx ones (Node accepts one connection per turn of its event loop, so the last of 64 connections opened at once waited seconds for their first answer, which had put seconds into the p99; the material download, loaded by Node's own client, is warmed up on connections of its own and counts every answer); each server is left to finish the requests a stopped load abandoned before the next; one run, so read differences under about 15% as noise.`,
    '',
    'The ceiling of a scenario is a bare Fastify server (bench/http/ceiling-server.ts; one process, or as many through node:cluster as FMS has workers) whose route runs the statements FMS ran for one such request, captured in-process with their parameters (the session lookup included), each prepared once, in FMS\'s order (those FMS ran at the same time, at the same time), on the same database, and sends the same body. "Queries" and "body" are that request\'s. Errors are non-2xx answers plus socket errors; peak RSS is the largest resident size of one server process (primary or worker) during the measured seconds.',
  ];
}
