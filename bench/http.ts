// `npm run bench`: issue 11's HTTP suite. FMS in production mode (`fms serve` from dist/, 1 process
// and 2 workers) on SQLite and PostgreSQL, with a department seeded at `large`; each scenario
// loaded with 64 connections after a warm-up, beside its ceiling (a bare Fastify route running the
// same SQL and sending the same bytes, see http/ceiling-server.ts); the lists, searches and
// dashboards again at `small`; the exports and an import of 10,000 students timed once; a 10 MiB
// material's download under load and a 1 GiB upload and download once; the cold start. Prints a line per scenario and writes bench/RESULTS.md's top section. Knobs: see
// http/settings.ts and RESULTS.md.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../src/config/index.js';
import { createDb } from '../src/db/index.js';
import { captureScenarios, type Captured, type RoleHeaders } from './http/capture.js';
import { undoAll, undoOnInterrupt } from './http/cleanup.js';
import { prepareDepartment, type Department, type Engine } from './http/department.js';
import { describeRun } from './http/describe.js';
import { postgresBusy, waitUntilIdle } from './http/idle.js';
import { timedDownload, underLoad, type Load, type Writes } from './http/load.js';
import { postgresProblem, postgresVersion } from './http/postgres.js';
import { stopAll, type Server } from './http/processes.js';
import { renderTop, writeResults, type ExportRow, type ImportRow, type Row, type RunRecord, type Setup, type TransferRow } from './http/report.js';
import { comparedAtSmall, MATERIAL_ID, scenariosOf, type Scenario } from './http/scenarios.js';
import { distCli, fmsEnvironment, startCeiling, startFms } from './http/servers.js';
import { HUGE_ID, readSettings, SettingsError, type Scale, type Settings } from './http/settings.js';
import { IMPORTED_STUDENTS, newIntakeCsv, STUDENT_IMPORT_ID, timedStudentImport } from './http/student-import.js';
import { hugeTransfer, storedPathOf, uploadMaterial } from './http/transfers.js';

const root = new URL('../', import.meta.url).pathname;
const say = (line: string) => process.stdout.write(`${line}\n`);

const allSetups: Setup[] = [
  { id: 'sqlite-1', name: 'SQLite, 1 process', engine: 'sqlite', workers: 1 },
  { id: 'sqlite-2', name: 'SQLite, 2 workers', engine: 'sqlite', workers: 2 },
  { id: 'postgres-1', name: 'PostgreSQL, 1 process', engine: 'postgres', workers: 1 },
  { id: 'postgres-2', name: 'PostgreSQL, 2 workers', engine: 'postgres', workers: 2 },
];

const engineName = (engine: Engine) => (engine === 'sqlite' ? 'SQLite' : 'PostgreSQL');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en').padStart(7);
const msText = (n: number) => (n < 10 ? n.toFixed(1) : String(Math.round(n))).padStart(5);

function lineOf(setup: Setup, scale: Scale, scenario: Scenario, fms: Load, ceiling: Load | null): string {
  const backlog = fms.backlogMs > 1000 ? `  backlog ${(fms.backlogMs / 1000).toFixed(0)} s` : fms.backlogMs < 0 ? '  backlog did not clear' : '';
  const base = `${setup.name.padEnd(22)} ${scale.padEnd(6)} ${scenario.label.padEnd(34)} ${fmt(fms.rps)} req/s  p50 ${msText(fms.p50)} ms  p99 ${msText(fms.p99)} ms  errors ${fms.errors}  RSS ${Math.round(fms.peakRss / 2 ** 20)} MB${backlog}`;
  if (!ceiling?.rps) return base;
  return `${base}  | ceiling ${fmt(ceiling.rps)} req/s  p99 ${msText(ceiling.p99)} ms  ${Math.round((fms.rps / ceiling.rps) * 100)}%${ceiling.errors ? `  ceiling errors ${ceiling.errors}` : ''}`;
}

/** What the run collects, setup by setup. */
interface Collected {
  rows: Row[];
  exports: ExportRow[];
  imports: ImportRow[];
  transfers: TransferRow[];
  coldStarts: RunRecord['coldStarts'];
  departments: RunRecord['departments'];
  notes: string[];
}

interface SetupWork {
  setup: Setup;
  scale: Scale;
  isMain: boolean;
  department: Department;
  config: Config;
  environment: Record<string, string>;
  scenarios: Scenario[];
  headers: RoleHeaders;
  captured: Map<string, Captured>;
  /** Whether PostgreSQL is still busy with the department's database (null on SQLite). */
  databaseBusy: (() => Promise<boolean>) | null;
  /** Loads of a write still to come on this department (FMS's and the ceilings'), to share its pool fairly. */
  writeLoads: { left: number };
}

/** A load's portion of the write's pool: an equal share of what is left among the loads still to come. */
function writesFor(scenario: Scenario, writeLoads: { left: number }, ceilingOf?: string): Writes | undefined {
  const writes = scenario.writes;
  if (!writes) return undefined;
  const pool = writes.pool.portion(writes.pool.left / Math.max(1, writeLoads.left--));
  // The ceiling's route takes the entry in its address (ceiling-server.ts).
  return { pool, request: ceilingOf ? (entry) => ({ path: `/s/${ceilingOf}/${entry.id}`, body: writes.request(entry).body }) : writes.request };
}

/** One setup: FMS (and at the main scale its ceiling) started, every scenario loaded, the exports timed. */
async function measureSetup(work: SetupWork, settings: Settings, workDir: string, out: Collected): Promise<void> {
  const { setup, scale, isMain, department, config, headers, captured } = work;
  const loaded = work.scenarios.filter((s) => s.kind !== 'export');
  let fms: Server | null = null;
  let ceiling: Server | null = null;
  try {
    fms = await startFms(setup, work.environment, workDir, `fms-${setup.id}-${scale}`);
    out.coldStarts.push({ setup, scale, ms: fms.readyMs });
    say(`${setup.name}, ${scale}: ready ${(fms.readyMs / 1000).toFixed(2)} s after spawn`);
    if (isMain && loaded.length) {
      const database = config.database.kind === 'sqlite' ? config.database.file : department.url;
      const routes = loaded.map((s) => {
        const { contentType, body, statements, file, write } = captured.get(s.id)!;
        return { id: s.id, contentType, body, statements, file, write };
      });
      ceiling = await startCeiling(setup, { engine: department.engine, database, routes }, workDir);
    }
    // A second worker may still be starting when the first one answers.
    if (setup.workers > 1) await new Promise((r) => setTimeout(r, 1000));
    const settleOf = (server: Server) => () => waitUntilIdle(server.pids, work.databaseBusy);
    for (const scenario of loaded) {
      const headersOf = headers[scenario.role];
      const f = await underLoad({ connections: settings.connections, seconds: settings.seconds, warmup: settings.warmup, url: `${fms.url}${scenario.path}`, headers: headersOf, pids: fms.pids, settle: settleOf(fms), writes: writesFor(scenario, work.writeLoads), largeBodies: scenario.kind === 'download' });
      const c = ceiling
        ? await underLoad({ connections: settings.connections, seconds: settings.ceilingSeconds, warmup: settings.ceilingWarmup, url: `${ceiling.url}/s/${scenario.id}`, headers: headersOf, settle: settleOf(ceiling), writes: writesFor(scenario, work.writeLoads, scenario.id), largeBodies: scenario.kind === 'download' })
        : null;
      const shot = captured.get(scenario.id)!;
      out.rows.push({ setup, scale, scenario, fms: f, ceiling: c, bodyBytes: shot.bytes, statements: shot.statements.length });
      say(lineOf(setup, scale, scenario, f, c));
      if (scenario.writes) {
        // Every score must be 200: a 409 would mean an entry was scored twice.
        if (f.errors) out.notes.push(`${scenario.label} (${setup.name}, ${scale}) answered ${f.errors} errors (${f.serverErrors} of them 5xx; the others 409 or 404): each request should score an entry of its own${f.serverErrors ? ', so a 5xx is FMS failing to save a score (see the server log)' : ''}.`);
        for (const [who, load, asked] of [['FMS', f, settings.seconds], ['its ceiling', c, settings.ceilingSeconds]] as const)
          if (load && load.seconds < asked * 0.9)
            out.notes.push(`${scenario.label} (${setup.name}, ${scale}): ${who} used up its share of the waiting submissions after ${load.seconds.toFixed(1)} s of ${asked} s.`);
      }
      for (const [who, load] of [['FMS', f], ['its ceiling', c]] as const)
        if (load?.unansweredAtStart)
          out.notes.push(`${scenario.label} (${setup.name}, ${scale}): ${load.unansweredAtStart} of ${settings.connections} connections to ${who} still had no answer 30 s after the warm-up, so their wait to be accepted is in the figures.`);
      // A ceiling that fails its replay measures nothing: say so where the figures are read.
      if (c?.errors) {
        const logged = readFileSync(join(workDir, `ceiling-${setup.id}.log`), 'utf8').split('\n').find((l) => l.startsWith(`/s/${scenario.id}:`) || l.startsWith(`/s/${scenario.id}/`)) ?? '';
        out.notes.push(`The ceiling of ${scenario.label} (${setup.name}) answered ${c.errors} errors${logged ? `: ${logged.slice(0, 300)}` : ''}.`);
      }
    }
    if (!isMain || setup.workers !== 1) return;
    for (const scenario of work.scenarios.filter((s) => s.kind === 'export')) {
      const download = await timedDownload(`${fms.url}${scenario.path}`, headers[scenario.role], fms.pids);
      out.exports.push({ setup, scenario, download });
      say(`${setup.name.padEnd(22)} ${scale.padEnd(6)} ${scenario.label}: ${download.status}, ${(download.bytes / 1e6).toFixed(1)} MB in ${download.seconds.toFixed(2)} s, RSS ${Math.round(download.rssBefore / 2 ** 20)} → ${Math.round(download.peakRss / 2 ** 20)} MB`);
    }
  } finally {
    await ceiling?.stop();
    await fms?.stop();
  }
}

/**
 * One CSV of 10,000 new students through the admin's upload and confirmation, on a 1-process server
 * started for it. It adds them to the department: run it after everything else measured there.
 */
async function measureImport(setup: Setup, department: Department, config: Config, environment: Record<string, string>, adminCookie: string, settings: Settings, workDir: string): Promise<ImportRow> {
  const db = createDb(config.database, { poolSize: 2 });
  let fms: Server | null = null;
  try {
    const csv = await newIntakeCsv(db, IMPORTED_STUDENTS, settings.seed);
    fms = await startFms(setup, environment, workDir, `fms-${setup.id}-${department.scale}-import`);
    const run = await timedStudentImport(fms.url, adminCookie, csv, IMPORTED_STUDENTS, fms.pids, db);
    const figures = `${(csv.length / 1e6).toFixed(1)} MB CSV, dry run ${run.dryRunSeconds.toFixed(2)} s + confirm ${run.confirmSeconds.toFixed(2)} s = ${run.seconds.toFixed(2)} s, RSS ${Math.round(run.rssBefore / 2 ** 20)} → ${Math.round(run.peakRss / 2 ** 20)} MB`;
    say(`${setup.name.padEnd(22)} ${department.scale.padEnd(6)} import of ${IMPORTED_STUDENTS.toLocaleString('en')} students: ${run.problem ? `failed: ${run.problem}` : figures}`);
    return { setup, scale: department.scale, csvBytes: csv.length, run };
  } finally {
    await fms?.stop();
    await db.destroy();
  }
}

const MATERIAL_BYTES = 10 * 2 ** 20;
const HUGE_BYTES = 2 ** 30;
/** The huge transfer's server only: room for 1 GiB and its multipart framing. */
const RAISED_LIMIT = '1100MiB';

/**
 * On a 1-process server started for it, with MAX_CONTENT_LENGTH raised: the download scenario's
 * 10 MiB material uploaded through the API (kept: the loads fetch it), and the 1 GiB upload and
 * download timed once (deleted after). Before the capture, which must find the material.
 */
async function measureTransfers(setup: Setup, department: Department, config: Config, environment: Record<string, string>, want: { material: boolean; huge: boolean }, settings: Settings, workDir: string): Promise<TransferRow | null> {
  let fms: Server | null = null;
  try {
    fms = await startFms(setup, { ...environment, MAX_CONTENT_LENGTH: RAISED_LIMIT }, workDir, `fms-${setup.id}-${department.scale}-transfers`);
    if (want.material) {
      const sent = await uploadMaterial(fms.url, department.apiToken, department.subjectId, 'bench-material.bin', MATERIAL_BYTES, settings.seed);
      if (!sent.material) say(`Warning: the ${MATERIAL_BYTES / 2 ** 20} MiB material was not uploaded (${sent.problem}); its download is left out.`);
      else {
        const db = createDb(config.database, { poolSize: 1 });
        try {
          department.material = { id: sent.material.id, file: await storedPathOf(db, department.uploads, sent.material.id), bytes: sent.material.size };
        } finally {
          await db.destroy();
        }
      }
    }
    if (!want.huge) return null;
    const transfer = await hugeTransfer(fms.url, department.apiToken, department.subjectId, HUGE_BYTES, settings.seed, fms.pids);
    const leg = (name: string, l: TransferRow['transfer']['upload']) => (l ? `${name} ${l.status} in ${l.seconds.toFixed(1)} s, RSS ${Math.round(l.rssBefore / 2 ** 20)} → ${Math.round(l.peakRss / 2 ** 20)} MB` : '');
    say(`${setup.name.padEnd(22)} ${department.scale.padEnd(6)} 1 GiB material: ${[leg('upload', transfer.upload), leg('download', transfer.download)].filter(Boolean).join('; ')}${transfer.problem ? `; failed: ${transfer.problem}` : ''}`);
    return { setup, scale: department.scale, transfer };
  } finally {
    await fms?.stop();
  }
}

/** The setups asked for (BENCH_SETUPS), without PostgreSQL's when it does not answer. */
async function chooseSetups(settings: Settings, notes: string[]): Promise<{ setups: Setup[]; postgresVersion: string | null }> {
  const wanted = allSetups.filter((s) => !settings.setups || settings.setups.test(s.id) || settings.setups.test(s.name));
  if (!wanted.length) throw new SettingsError(`BENCH_SETUPS=${process.env.BENCH_SETUPS} matches none of ${allSetups.map((s) => s.id).join(', ')}`);
  if (!wanted.some((s) => s.engine === 'postgres')) return { setups: wanted, postgresVersion: null };
  const problem = await postgresProblem(settings.postgresUrl);
  if (!problem) return { setups: wanted, postgresVersion: await postgresVersion(settings.postgresUrl) };
  say(`PostgreSQL skipped: ${problem}`);
  notes.push(`SQLite only: ${problem}.`);
  const setups = wanted.filter((s) => s.engine === 'sqlite');
  if (!setups.length) throw new SettingsError('Nothing to measure: the setups chosen need PostgreSQL, which is unreachable.');
  return { setups, postgresVersion: null };
}

async function main(settings: Settings) {
  if (!existsSync(distCli)) throw new SettingsError('dist/ is missing: run `npm run build` first (`npm run bench` does).');
  const out: Collected = { rows: [], exports: [], imports: [], transfers: [], coldStarts: [], departments: [], notes: [] };
  if (newestMtime(join(root, 'src')) > statSync(distCli).mtimeMs) {
    const note = 'src/ changed after dist/ was built: the servers ran the build, the captured SQL came from the sources. Run `npm run build` (npm run bench does) for a clean run.';
    say(`Warning: ${note}`);
    out.notes.push(note);
  }
  const { setups, postgresVersion: pgVersion } = await chooseSetups(settings, out.notes);

  const started = new Date();
  const loadBefore = loadavg()[0]!;
  const workDir = mkdtempSync(join(tmpdir(), 'fms-bench-'));
  undoOnInterrupt(() => rmSync(workDir, { recursive: true, force: true }));
  const secretKey = randomBytes(32).toString('hex');
  // Each department has its own uploads folder (department.ts): the seed's files and the run's.
  const configFor = (databaseUrl: string, uploads: string): Config => loadConfig({ ...fmsEnvironment(databaseUrl, uploads, secretKey), LOG_LEVEL: 'silent' }, { dotenvDir: false });

  const interrupted = async (signal: NodeJS.Signals) => {
    say(`\n${signal}: stopping the servers and removing the run's databases and files…`);
    // Connections of a seed in progress fail as their database is dropped: expected now, not a reason to stop undoing.
    process.on('uncaughtException', () => {});
    await stopAll();
    await undoAll();
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);

  // The main scale first: its most common surname is the search at `small` too, the same query at both sizes.
  const scales: Scale[] = settings.compareSmall ? [settings.scale, 'small'] : [settings.scale];
  try {
    for (const engine of [...new Set(setups.map((s) => s.engine))]) {
      let search: string | null = null;
      for (const scale of scales) {
        const isMain = scale === settings.scale;
        const here = setups.filter((s) => s.engine === engine && (isMain || s.workers === 1));
        if (!here.length) continue;
        const department = await prepareDepartment(engine, scale, settings, configFor, workDir, say);
        search ??= department.searchFragment;
        department.searchFragment = search;
        const database = engine === 'postgres' ? postgresBusy(settings.postgresUrl, new URL(department.url).pathname.slice(1)) : null;
        try {
          const c = department.counts;
          out.departments.push({
            engine,
            scale,
            line: `${engineName(engine)}, ${scale}: ${c.students.toLocaleString('en')} students, ${c.groups.toLocaleString('en')} groups, ${c.lecturers.toLocaleString('en')} lecturers, ${c.auditEntries.toLocaleString('en')} audit entries; ${department.seedSeconds === null ? 'seeded by an earlier run (cached)' : `seeded in ${Math.round(department.seedSeconds)} s`}`,
          });
          const wanted = (id: string) => !settings.only || settings.only.test(id);
          const config = configFor(department.url, department.uploads);
          const environment = fmsEnvironment(department.url, department.uploads, secretKey);
          const oneProcess = here.find((s) => s.workers === 1);
          // First: the download scenario needs its material before the capture.
          const transfers = { material: isMain && wanted(MATERIAL_ID), huge: isMain && settings.huge && wanted(HUGE_ID) };
          if (oneProcess && (transfers.material || transfers.huge)) {
            const row = await measureTransfers(oneProcess, department, config, environment, transfers, settings, workDir);
            if (row) out.transfers.push(row);
          }
          const chosen = scenariosOf(department).filter((s) => wanted(s.id) && (isMain || comparedAtSmall(s)));
          const importer = isMain && wanted(STUDENT_IMPORT_ID) ? oneProcess : undefined;
          if (!chosen.length && !importer) continue;
          if (chosen.length) say(`Capturing what FMS runs and sends for each scenario (${engine}, ${scale})…`);
          const { headers, captured, failures } = await captureScenarios(department, config, chosen);
          for (const [id, why] of failures) {
            const scenario = chosen.find((s) => s.id === id)!;
            const note = `${scenario.label} (${scenario.writes ? 'POST' : 'GET'} ${scenario.path} as ${scenario.role}) on ${engineName(engine)} at ${scale} ${why}: left out of this run.`;
            say(`Warning: ${note}`);
            out.notes.push(note);
          }
          const scenarios = chosen.filter((s) => !failures.has(s.id));
          const writeLoads = { left: here.length * (isMain ? 2 : 1) };
          if (scenarios.length)
            for (const setup of here)
              await measureSetup({ setup, scale, isMain, department, config, environment, scenarios, headers, captured, databaseBusy: database?.check ?? null, writeLoads }, settings, workDir, out);
          // Last: the import adds students to this run's copy of the department.
          if (importer) out.imports.push(await measureImport(importer, department, config, environment, headers.admin.cookie ?? '', settings, workDir));
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

  const header = describeRun(settings, { started, finished: new Date(), loadBefore, postgresVersion: pgVersion });
  writeResults(settings.resultsFile, renderTop({ header, ...out, mainScale: settings.scale }));
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
