// `npm run bench`: issue 11's HTTP suite. FMS in production mode (`fms serve` from dist/, 1 process
// and 2 workers) on SQLite and PostgreSQL, with a department seeded at `large`; each scenario
// loaded with 64 connections after a warm-up, beside its ceiling (a bare Fastify route running the
// same SQL and sending the same bytes, see http/ceiling-server.ts); the lists, searches and
// dashboards again at `small`; the exports timed once; the cold start. Prints a line per
// scenario and writes bench/RESULTS.md's top section. Knobs: see http/settings.ts and RESULTS.md.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { loadConfig, type Config } from '../src/config/index.js';
import { captureScenarios } from './http/capture.js';
import type { CeilingSpec } from './http/ceiling-server.js';
import { undoAll, undoOnInterrupt } from './http/cleanup.js';
import { prepareDepartment, type Engine } from './http/department.js';
import { postgresBusy, waitUntilIdle } from './http/idle.js';
import { timedDownload, underLoad, type Load } from './http/load.js';
import { postgresProblem, postgresVersion, withoutPassword } from './http/postgres.js';
import { startServer, stopAll, type Server } from './http/processes.js';
import { renderTop, writeResults, type ExportRow, type Row, type RunRecord, type Setup } from './http/report.js';
import { comparedAtSmall, scenariosOf, type Scenario } from './http/scenarios.js';
import { givenOverrides, readSettings, SettingsError, type Scale, type Settings } from './http/settings.js';

const root = new URL('../', import.meta.url).pathname;
const distCli = join(root, 'dist/cli/index.js');
const say = (line: string) => process.stdout.write(`${line}\n`);

const allSetups: Setup[] = [
  { id: 'sqlite-1', name: 'SQLite, 1 process', engine: 'sqlite', workers: 1 },
  { id: 'sqlite-2', name: 'SQLite, 2 workers', engine: 'sqlite', workers: 2 },
  { id: 'postgres-1', name: 'PostgreSQL, 1 process', engine: 'postgres', workers: 1 },
  { id: 'postgres-2', name: 'PostgreSQL, 2 workers', engine: 'postgres', workers: 2 },
];

/** The variables FMS reads: none of the caller's may leak into the servers under test. */
const fmsVariables = /^(FMS_CONFIG|NODE_ENV|SECRET_KEY|DATABASE_URL|UPLOAD_FOLDER|MAX_CONTENT_LENGTH|RATELIMIT_|API_RATELIMIT|PORT|HOST|TRUST_PROXY|LOG_|SESSION_|DEMO_DEPARTMENT|METRICS_|S3_|WEB_CONCURRENCY|SHUTDOWN_GRACE|RUNTIME_DIRECTORY)/;

function serverEnvironment(databaseUrl: string, uploads: string, secretKey: string): Record<string, string> {
  return {
    FMS_CONFIG: 'production',
    SECRET_KEY: secretKey,
    DATABASE_URL: databaseUrl,
    UPLOAD_FOLDER: uploads,
    // The limiters stay in the path, with budgets the benchmark never reaches.
    RATELIMIT_STORAGE_URI: 'memory://',
    RATELIMIT_DEFAULT: '1000000000 per minute',
    API_RATELIMIT: '1000000000 per hour',
  };
}

function inheritedEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !fmsVariables.test(name)));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function git(...args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

const fmt = (n: number) => Math.round(n).toLocaleString('en').padStart(7);
const msText = (n: number) => (n < 10 ? n.toFixed(1) : String(Math.round(n))).padStart(5);

function lineOf(setup: Setup, scale: Scale, scenario: Scenario, fms: Load, ceiling: Load | null): string {
  const backlog = fms.backlogMs > 1000 ? `  backlog ${(fms.backlogMs / 1000).toFixed(0)} s` : fms.backlogMs < 0 ? '  backlog did not clear' : '';
  const base = `${setup.name.padEnd(22)} ${scale.padEnd(6)} ${scenario.label.padEnd(34)} ${fmt(fms.rps)} req/s  p50 ${msText(fms.p50)} ms  p99 ${msText(fms.p99)} ms  errors ${fms.errors}  RSS ${Math.round(fms.peakRss / 2 ** 20)} MB${backlog}`;
  return ceiling ? `${base}  | ceiling ${fmt(ceiling.rps)} req/s  p99 ${msText(ceiling.p99)} ms  ${Math.round((fms.rps / ceiling.rps) * 100)}%${ceiling.errors ? `  ceiling errors ${ceiling.errors}` : ''}` : base;
}

async function main(settings: Settings) {
  if (!existsSync(distCli)) throw new SettingsError('dist/ is missing: run `npm run build` first (`npm run bench` does).');
  const notes: string[] = [];
  const sourcesNewer = newestMtime(join(root, 'src')) > statSync(distCli).mtimeMs;
  if (sourcesNewer) {
    const note = 'src/ changed after dist/ was built: the servers ran the build, the captured SQL came from the sources. Run `npm run build` (npm run bench does) for a clean run.';
    say(`Warning: ${note}`);
    notes.push(note);
  }

  let engines: Engine[] = ['sqlite', 'postgres'];
  const wanted = allSetups.filter((s) => !settings.setups || settings.setups.test(s.id) || settings.setups.test(s.name));
  if (!wanted.length) throw new SettingsError(`BENCH_SETUPS=${process.env.BENCH_SETUPS} matches none of ${allSetups.map((s) => s.id).join(', ')}`);
  let pgVersion: string | null = null;
  if (wanted.some((s) => s.engine === 'postgres')) {
    const problem = await postgresProblem(settings.postgresUrl);
    if (problem) {
      say(`PostgreSQL skipped: ${problem}`);
      notes.push(`SQLite only: ${problem}.`);
      engines = ['sqlite'];
    } else pgVersion = await postgresVersion(settings.postgresUrl);
  }
  const setups = wanted.filter((s) => engines.includes(s.engine));
  if (!setups.length) throw new SettingsError('Nothing to measure: the setups chosen need PostgreSQL, which is unreachable.');

  const started = new Date();
  const loadBefore = loadavg();
  const workDir = mkdtempSync(join(tmpdir(), 'fms-bench-'));
  const uploads = join(workDir, 'uploads');
  mkdirSync(uploads);
  const secretKey = randomBytes(32).toString('hex');
  const configFor = (databaseUrl: string): Config => loadConfig({ ...serverEnvironment(databaseUrl, uploads, secretKey), LOG_LEVEL: 'silent' }, { dotenvDir: false });
  const rows: Row[] = [];
  const exports: ExportRow[] = [];
  const coldStarts: RunRecord['coldStarts'] = [];
  const departments: RunRecord['departments'] = [];
  undoOnInterrupt(() => rmSync(workDir, { recursive: true, force: true }));

  const interrupted = async (signal: NodeJS.Signals) => {
    say(`\n${signal}: stopping the servers and removing the run's databases and files…`);
    await stopAll();
    await undoAll();
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);

  const scales: Scale[] = settings.compareSmall ? ['small', settings.scale] : [settings.scale];
  try {
    for (const engine of engines) {
      for (const scale of scales) {
        const isMain = scale === settings.scale;
        const here = setups.filter((s) => s.engine === engine && (isMain || s.workers === 1));
        if (!here.length) continue;
        const department = await prepareDepartment(engine, scale, settings, configFor, workDir, say);
        const database = engine === 'postgres' ? postgresBusy(settings.postgresUrl, new URL(department.url).pathname.slice(1)) : null;
        try {
          const c = department.counts;
          departments.push({
            engine,
            scale,
            line: `${engine === 'sqlite' ? 'SQLite' : 'PostgreSQL'}, ${scale}: ${c.students.toLocaleString('en')} students, ${c.groups.toLocaleString('en')} groups, ${c.lecturers.toLocaleString('en')} lecturers, ${c.auditEntries.toLocaleString('en')} audit entries; ${department.seedSeconds === null ? 'seeded by an earlier run (cached)' : `seeded in ${Math.round(department.seedSeconds)} s`}`,
          });
          const scenarios = scenariosOf(department).filter((s) => (!settings.only || settings.only.test(s.id)) && (isMain || comparedAtSmall(s)));
          if (!scenarios.length) continue;
          const config = configFor(department.url);
          say(`Capturing what FMS runs and sends for each scenario (${engine}, ${scale})…`);
          const { headers, captured, failures } = await captureScenarios(department, config, scenarios);
          for (const [id, why] of failures) {
            const scenario = scenarios.find((s) => s.id === id)!;
            const note = `${scenario.label} (GET ${scenario.path} as ${scenario.role}) on ${engine === 'sqlite' ? 'SQLite' : 'PostgreSQL'} at ${scale} ${why}: left out of this run.`;
            say(`Warning: ${note}`);
            notes.push(note);
          }
          const loaded = scenarios.filter((s) => s.kind !== 'export' && !failures.has(s.id));
          for (const setup of here) {
            const env = { ...inheritedEnvironment(), ...serverEnvironment(department.url, uploads, secretKey) };
            const fmsPort = await freePort();
            let fms: Server | null = null;
            let ceiling: Server | null = null;
            try {
              fms = await startServer({
                name: `FMS (${setup.name})`,
                command: [process.execPath, distCli, 'serve', '--workers', String(setup.workers), '--bind', `127.0.0.1:${fmsPort}`],
                env,
                port: fmsPort,
                readyPath: '/readyz',
                logFile: join(workDir, `fms-${setup.id}-${scale}.log`),
              });
              coldStarts.push({ setup, scale, ms: fms.readyMs });
              say(`${setup.name}, ${scale}: ready ${(fms.readyMs / 1000).toFixed(2)} s after spawn`);
              if (isMain && loaded.length) {
                const specFile = join(workDir, `ceiling-${engine}-${scale}.json`);
                const spec: CeilingSpec = {
                  engine,
                  database: engine === 'sqlite' ? config.database.kind === 'sqlite' ? config.database.file : '' : department.url,
                  routes: loaded.map((s) => {
                    const c = captured.get(s.id)!;
                    return { id: s.id, contentType: c.contentType, body: c.body, statements: c.statements };
                  }),
                };
                writeFileSync(specFile, JSON.stringify(spec));
                const ceilingPort = await freePort();
                ceiling = await startServer({
                  name: `ceiling (${setup.name})`,
                  command: [process.execPath, '--import', 'tsx', join(root, 'bench/http/ceiling-server.ts'), specFile],
                  env: { ...inheritedEnvironment(), PORT: String(ceilingPort), WORKERS: String(setup.workers) },
                  port: ceilingPort,
                  readyPath: '/ready',
                  logFile: join(workDir, `ceiling-${setup.id}.log`),
                });
              }
              // A second worker may still be starting when the first one answers.
              if (setup.workers > 1) await new Promise((r) => setTimeout(r, 1000));
              const settleOf = (server: Server) => () => waitUntilIdle(server.pids, database?.check ?? null);
              for (const scenario of loaded) {
                const load = { connections: settings.connections, seconds: settings.seconds, warmup: settings.warmup };
                const f = await underLoad({ ...load, url: `${fms.url}${scenario.path}`, headers: headers[scenario.role], pids: fms.pids, settle: settleOf(fms) });
                const c = ceiling
                  ? await underLoad({ ...load, seconds: settings.ceilingSeconds, warmup: settings.ceilingWarmup, url: `${ceiling.url}/s/${scenario.id}`, headers: headers[scenario.role], settle: settleOf(ceiling) })
                  : null;
                const shot = captured.get(scenario.id)!;
                rows.push({ setup, scale, scenario, fms: f, ceiling: c, bodyBytes: shot.bytes, statements: shot.statements.length });
                say(lineOf(setup, scale, scenario, f, c));
                // A ceiling that fails its replay measures nothing: say so where the figures are read.
                if (c?.errors) {
                  const logged = readFileSync(join(workDir, `ceiling-${setup.id}.log`), 'utf8').split('\n').find((l) => l.startsWith(`/s/${scenario.id}:`)) ?? '';
                  notes.push(`The ceiling of ${scenario.label} (${setup.name}) answered ${c.errors} errors${logged ? `: ${logged.slice(0, 300)}` : ''}.`);
                }
              }
              if (isMain && setup.workers === 1) {
                for (const scenario of scenarios.filter((s) => s.kind === 'export')) {
                  const download = await timedDownload(`${fms.url}${scenario.path}`, headers[scenario.role], fms.pids);
                  exports.push({ setup, scenario, download });
                  say(`${setup.name.padEnd(22)} ${scale.padEnd(6)} ${scenario.label}: ${download.status}, ${(download.bytes / 1e6).toFixed(1)} MB in ${download.seconds.toFixed(2)} s, RSS ${Math.round(download.rssBefore / 2 ** 20)} → ${Math.round(download.peakRss / 2 ** 20)} MB`);
                }
              }
            } finally {
              await ceiling?.stop();
              await fms?.stop();
            }
          }
        } finally {
          await database?.close();
          await department.dispose();
        }
      }
    }
  } finally {
    await stopAll();
    rmSync(workDir, { recursive: true, force: true });
  }

  const finished = new Date();
  const loadAfter = loadavg();
  const sqliteVersion = (() => {
    const db = new SQLite(':memory:');
    try {
      return (db.prepare('select sqlite_version() as v').get() as { v: string }).v;
    } finally {
      db.close();
    }
  })();
  const commit = git('rev-parse', '--short', 'HEAD');
  const dirty = git('status', '--porcelain', '--', 'src', 'bench') !== '';
  const cpu = cpus();
  const overrides = givenOverrides().map((o) => (o.startsWith('BENCH_POSTGRES_URL=') ? `BENCH_POSTGRES_URL=${withoutPassword(o.slice(19))}` : o));
  const minutes = ((finished.getTime() - started.getTime()) / 60_000).toFixed(0);
  const header = [
    `Measured ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC in ${minutes} min: FMS ${commit || '(no git)'}${dirty ? ' with uncommitted changes in src/ or bench/' : ''}, Node ${process.version}, SQLite ${sqliteVersion} (better-sqlite3)${pgVersion ? `, PostgreSQL ${pgVersion}` : ''}; ${cpu.length} × ${cpu[0]?.model.trim() ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${release()}; load average ${loadBefore[0]!.toFixed(1)} before, ${loadAfter[0]!.toFixed(1)} after. The load generator (autocannon), the servers and PostgreSQL share these cores.`,
    '',
    `Command: \`${overrides.length ? `${overrides.join(' ')} ` : ''}npm run bench\` (builds, then \`tsx bench/http.ts\`). Each server is \`node dist/cli/index.js serve --workers N\` in production mode (FMS_CONFIG=production, a SECRET_KEY of the run, plain HTTP on 127.0.0.1 as behind a proxy, request logs at info to a file, RATELIMIT_DEFAULT and API_RATELIMIT raised out of reach); pages are requested with the cookies of a signed-in browser, the API with a bearer token. ${settings.connections} connections, ${settings.warmup} s warm-up then ${settings.seconds} s measured per row (the ceilings ${settings.ceilingWarmup} s and ${settings.ceilingSeconds} s), each server left to finish the requests a stopped load abandoned before the next; one run, so read differences under about 15% as noise.`,
    '',
    'The ceiling of a scenario is a bare Fastify server (bench/http/ceiling-server.ts; one process, or as many through node:cluster as FMS has workers) whose route runs the statements FMS ran for one such request, captured in-process with their parameters (the session lookup included), each prepared once, in FMS\'s order (those FMS ran at the same time, at the same time), on the same database, and sends the same body. "Queries" and "body" are that request\'s. Errors are non-2xx answers plus socket errors; peak RSS is the largest resident size of one server process (primary or worker) during the measured seconds.',
  ];
  const run: RunRecord = { started, finished, header, departments, rows, exports, coldStarts, notes, mainScale: settings.scale, connections: settings.connections };
  writeResults(settings.resultsFile, renderTop(run));
  say(`\nWrote ${settings.resultsFile}.`);
}

try {
  await main(readSettings());
} catch (error) {
  await stopAll();
  if (error instanceof SettingsError) {
    process.stderr.write(`npm run bench: ${error.message}\n`);
    process.exit(2);
  }
  throw error;
}
