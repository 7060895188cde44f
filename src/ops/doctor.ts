// `fms doctor`: the troubleshooting list as checks. Each says PASS, WARN or FAIL and, when not
// PASS, the fix; SKIP when it could not run, and why. Nothing here changes anything. Where `fms
// serve` or /readyz judge the same thing (the upload folder, the database, Redis), doctor asks the
// same code, so the words and the fix are theirs.
import { existsSync, statfsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { sql } from 'kysely';
import { missingTrigramIndexes } from '../db/trigram.js';
import { logFolderUse } from '../log-destination.js';
import { ConfigError, loadConfig, METRICS_TOKEN_MIN_LENGTH, SECRET_KEY_MIN_LENGTH, type Config } from '../config/index.js';
import { secretProblem } from '../config/secrets.js';
import { trustProxyWarning } from '../config/trust-proxy.js';
import { describeDatabase, describeDatabaseFailure } from '../db/connection-failure.js';
import { checkDatabase } from '../db/health.js';
import { createDb, type Db } from '../db/index.js';
import { chatCompletion, whyChatFailed } from '../lib/chat-completion.js';
import { causeOf } from '../lib/error-cause.js';
import { redisAddress, watchRedisFailures } from '../lib/redis-failure.js';
import { buildCommand, MissingBuildError, readManifest, staticRoot } from '../lib/static-build.js';
import { diagnoseFolder, processUser, type FolderDiagnosis } from '../lib/writable-folder.js';
import { demoAccountsWithPublishedPasswords } from '../seeds/demo-accounts.js';
import { createStorage } from '../storage/index.js';
import { diagnoseUploadFolder } from '../storage/local.js';
import { readLastBackup, readMaintenance } from './maintenance.js';

/** SKIP: the check could not run (say why); it neither passes nor fails. */
export type Verdict = 'PASS' | 'WARN' | 'FAIL' | 'SKIP';

export interface Finding {
  check: string;
  verdict: Verdict;
  detail: string;
}

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
/** A nightly backup that has not run for a day and a half has missed a night. */
const BACKUP_STALE_HOURS = 36;

export interface DoctorOptions {
  env?: NodeJS.ProcessEnv;
  dotenvDir?: string | false;
  now?: Date;
  /** Where the built static assets are (tests point elsewhere). */
  staticRoot?: string;
}

export async function runDoctor(options: DoctorOptions = {}): Promise<Finding[]> {
  const findings: Finding[] = [];
  const say = (check: string, verdict: Verdict, detail: string) => findings.push({ check, verdict, detail });

  let config: Config;
  try {
    config = loadConfig(options.env ?? process.env, { dotenvDir: options.dotenvDir });
    say('configuration', 'PASS', `valid (${config.mode} mode)`);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const problem of error.problems) say('configuration', 'FAIL', problem);
    say('other checks', 'SKIP', 'not run: they need a valid configuration; fix the lines above and run `fms doctor` again');
    return findings;
  }

  checkSecretKey(config, say);
  checkMetricsToken(config, say);
  checkTrustProxy(config, say);
  checkRateLimit(config, say);
  checkStaticBuild(config, say, options.staticRoot);
  await checkUploads(config, say);
  await checkLogFolder(config, say);
  checkCookies(config, say);
  if (config.database.kind === 'sqlite')
    say('database engine', config.isProduction ? 'WARN' : 'PASS', config.isProduction ? 'SQLite in production: fine for one server; for several servers or workers under load, use PostgreSQL (`fms db copy --from … --to postgres://…`)' : 'SQLite');
  else say('database engine', 'PASS', 'PostgreSQL');
  if (config.redisUrl) await checkRedis(config.redisUrl, say);
  else say('redis', config.isProduction ? 'WARN' : 'PASS', config.isProduction ? 'RATELIMIT_STORAGE_URI is memory://: each server process counts rate limits on its own (sessions are in the database); set it to redis://… when you run several servers or workers' : 'not configured (memory://)');

  await checkAssistantModel(config, say);
  await checkDatabaseAndState(config, say, options.now ?? new Date());
  checkDisk(config, say);
  return findings;
}

type Say = (check: string, verdict: Verdict, detail: string) => void;

/** Weak in production is a FAIL (loadConfig has refused it already); elsewhere a WARN. */
function checkSecretKey(config: Config, say: Say) {
  const keep = 'keep it: changing it invalidates forms that are open in browsers';
  if (config.secretKeyIsDevelopmentDefault) {
    say('SECRET_KEY', 'WARN', `not set: the built-in development key is used; set SECRET_KEY in the environment file to the output of \`openssl rand -hex 32\`, and ${keep}`);
    return;
  }
  const problem = secretProblem('SECRET_KEY', config.secretKey, SECRET_KEY_MIN_LENGTH);
  if (problem) say('SECRET_KEY', config.isProduction ? 'FAIL' : 'WARN', `${problem.replace(/^SECRET_KEY /, '')}; ${keep}`);
  else say('SECRET_KEY', 'PASS', 'set and random by estimate, from the environment (stable across restarts)');
}

function checkMetricsToken(config: Config, say: Say) {
  if (!config.metricsToken) {
    say('METRICS_TOKEN', 'PASS', config.metricsPort ? `not set: /metrics is served on 127.0.0.1:${config.metricsPort} only` : 'not set: no /metrics on the public port');
    return;
  }
  const problem = secretProblem('METRICS_TOKEN', config.metricsToken, METRICS_TOKEN_MIN_LENGTH);
  if (problem) say('METRICS_TOKEN', config.isProduction ? 'FAIL' : 'WARN', problem.replace(/^METRICS_TOKEN /, ''));
  else say('METRICS_TOKEN', 'PASS', 'set and random by estimate');
}

function checkTrustProxy(config: Config, say: Say) {
  const warning = trustProxyWarning(config.trustProxy);
  if (warning) say('trusted proxies', 'WARN', warning);
  else say('trusted proxies', 'PASS', config.trustProxy.length ? `only proxies' addresses or private ranges: ${config.trustProxy.join(', ')}` : 'none (X-Forwarded-For is ignored)');
}

/**
 * The global limit is what slows a client that hammers every page; one far above what a person or a
 * page's assets need (a few a second) is no limit at all. The sign-in, API and /metrics limits are
 * separate and stay.
 */
const GENEROUS_REQUESTS_PER_SECOND = 50;

function checkRateLimit(config: Config, say: Say) {
  const { max, windowMs } = config.rateLimitDefault;
  const perSecond = max / (windowMs / 1000);
  if (perSecond > GENEROUS_REQUESTS_PER_SECOND)
    say('rate limit', 'WARN', `RATELIMIT_DEFAULT allows ${Math.round(perSecond).toLocaleString('en')} requests a second per client, which limits nothing: set it back to the default "600 per minute" (or remove it), or at most "${GENEROUS_REQUESTS_PER_SECOND * 60} per minute"`);
  else say('rate limit', 'PASS', `${max} requests per ${windowMs / 1000} s per client`);
}

function checkStaticBuild(config: Config, say: Say, root?: string) {
  try {
    const manifest = readManifest(root);
    const landing = existsSync(join(root ?? staticRoot, 'landing', 'index.html'));
    say('static build', 'PASS', `${Object.keys(manifest).length} assets built${landing ? ', and the landing page' : ` (no landing page: \`${buildCommand()}\` makes it)`}`);
  } catch (error) {
    if (!(error instanceof MissingBuildError)) throw error;
    say('static build', config.isProduction ? 'FAIL' : 'WARN', error.message);
  }
}

/** A folder that `fms serve` will create passes when it could; otherwise the words serve would use. */
function sayFolder(check: string, label: string, diagnosis: FolderDiagnosis, say: Say) {
  if (diagnosis.problem !== null) say(check, 'FAIL', diagnosis.problem);
  else if (diagnosis.exists) say(check, 'PASS', `${label} is writable by ${processUser().label}`);
  else say(check, 'PASS', `${label} does not exist yet; \`fms serve\` creates it (user ${processUser().label} may)`);
}

async function checkUploads(config: Config, say: Say) {
  if (config.storage.kind === 'local') {
    sayFolder('upload folder', `UPLOAD_FOLDER ${config.storage.folder}`, await diagnoseUploadFolder(config.storage.folder), say);
    return;
  }
  const storage = createStorage(config);
  try {
    const health = await storage.check();
    say('upload storage', health.ok ? 'PASS' : 'FAIL', health.ok ? `${storage.describe()} is reachable` : `${storage.describe()}: ${health.reason}`);
  } finally {
    await storage.close();
  }
}

async function checkLogFolder(config: Config, say: Say) {
  if (!config.logFile) {
    say('log folder', 'PASS', 'logs go to stdout (set LOG_FILE to write a rotated file)');
    return;
  }
  const folder = dirname(config.logFile.path);
  const use = logFolderUse(folder);
  sayFolder('log folder', use.label, await diagnoseFolder(use, folder), say);
}

function checkCookies(config: Config, say: Say) {
  if (config.cookieSecure && config.trustProxy.length === 0)
    say(
      'secure cookies',
      'WARN',
      'session cookies are Secure (sent over HTTPS only) and TRUST_PROXY is empty. Behind nginx or another proxy, FMS takes the proxy for the client: ' +
        'everyone shares one rate-limit budget (sign-in attempts included) and the proxy\'s address (none over a unix socket) is what the log and the audit trail record; sign-in itself works. ' +
        'Set TRUST_PROXY to the proxy: `unix` when it connects through FMS\'s unix socket, its address (127.0.0.1) over TCP. Without a proxy, serve FMS over HTTPS',
    );
  else if (!config.cookieSecure && config.isProduction)
    say('secure cookies', 'WARN', 'SESSION_COOKIE_SECURE=false in production: cookies may travel over plain HTTP; serve over HTTPS and remove that setting');
  else say('secure cookies', 'PASS', config.cookieSecure ? `Secure, behind trusted proxy ${config.trustProxy.join(', ')}` : 'not Secure (development over plain HTTP)');
}

async function checkRedis(url: string, say: Say) {
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  const failures = watchRedisFailures(redis);
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
    say('redis', 'PASS', `reachable at ${redisAddress(redis)}`);
  } catch (error) {
    say('redis', 'FAIL', `${failures.describe(error)}; start Redis there, or fix RATELIMIT_STORAGE_URI`);
  } finally {
    failures.stop();
    redis.disconnect();
  }
}

/** The assistant's model, when one is configured: asked one short question, as a person would. */
async function checkAssistantModel(config: Config, say: Say) {
  const model = config.assistantModel;
  if (!model) return say('assistant', 'PASS', 'offline (ASSISTANT_API_URL not set): answers from FMS\'s data and the guides');
  const where = `${model.model} at ${new URL(model.url).origin}`;
  try {
    await chatCompletion(model, 'FMS is checking that you answer.', 'Answer with the word OK.', 100);
    say('assistant', 'PASS', `${where} answers`);
  } catch (error) {
    // Questions are still answered (offline), so a model that fails is a warning, not a failure.
    say('assistant', 'WARN', `${where} fails: ${whyChatFailed(error, model)}; the assistant answers offline until it works (fix ASSISTANT_API_URL, ASSISTANT_MODEL or ASSISTANT_API_KEY)`);
  }
}

/** The checks that read the database; each is skipped, with the reason, when it cannot be read. */
const DATABASE_CHECKS = (config: Config) => [
  ...(config.isProduction ? ['demo accounts'] : []),
  ...(config.database.kind === 'postgres' ? ['search indexes', 'durability'] : []),
  'maintenance mode',
  'backups',
];


async function checkDatabaseAndState(config: Config, say: Say, now: Date) {
  const skipAll = (why: string) => {
    for (const check of DATABASE_CHECKS(config)) say(check, 'SKIP', `not run: ${why}`);
  };
  if (config.database.kind === 'sqlite' && !existsSync(config.database.file)) {
    say('database', 'FAIL', `there is no database at ${config.database.file}: check DATABASE_URL, or run \`fms migrate\` to create it`);
    skipAll('there is no database');
    return;
  }
  let db: Db;
  try {
    db = createDb(config.database);
  } catch (error) {
    say('database', 'FAIL', describeDatabaseFailure(config.database, error));
    skipAll('the database cannot be opened');
    return;
  }
  try {
    try {
      await sql`select 1`.execute(db);
    } catch (error) {
      say('database', 'FAIL', describeDatabaseFailure(config.database, error));
      skipAll('the database cannot be reached');
      return;
    }
    await checkDatabaseState(config, db, say, now);
  } finally {
    await db.destroy();
  }
}

async function checkDatabaseState(config: Config, db: Db, say: Say, now: Date) {
  const where = describeDatabase(config.database);
  const health = await checkDatabase(db);
  if (health.pending) say('database', 'FAIL', `${where} (DATABASE_URL) has ${health.pending.length} pending migration(s) (${health.pending.join(', ')}): run \`fms migrate\``);
  else if (!health.ok) say('database', 'FAIL', `${where} (DATABASE_URL): ${health.reason}`);
  else say('database', 'PASS', `${where}: reachable; every migration applied`);
  // With migrations pending the tables may still answer (an upgrade in maintenance mode); what does
  // not is skipped, with the reason.
  const attempt = async (check: string, work: () => Promise<void>) => {
    try {
      await work();
    } catch (error) {
      say(check, 'SKIP', `not run: cannot read it from the database (${causeOf(error)})${health.ok ? '' : '; run `fms migrate` first'}`);
    }
  };
  if (config.isProduction)
    await attempt('demo accounts', async () => {
    // The stored hashes are tested against the published passwords (F5): a password set back to
    // its published value counts, not only one never changed since the seed.
      const demo = await demoAccountsWithPublishedPasswords({ db });
      say(
        'demo accounts',
        demo.length ? 'FAIL' : 'PASS',
        demo.length
          ? `${demo.length} demo account(s) sign in with a published password (${demo.slice(0, 5).join(', ')}${demo.length > 5 ? ', …' : ''}): disable them all (\`fms user disable --demo\`) or reset their passwords (\`fms user reset-password ${demo[0]!}\`), or start production on an empty database`
          : 'none signs in with a published password',
      );
    });
  if (config.database.kind === 'postgres') {
    if (!health.ok) say('search indexes', 'SKIP', 'not run: migrations pending; run `fms migrate` first');
    else
      await attempt('search indexes', async () => {
        const { missing, misbuilt, extensionSchema } = await missingTrigramIndexes(db);
        const fix =
          extensionSchema === 'public'
            ? 'pg_trgm is installed now (it was not when `fms migrate` built the indexes): create them as FMS\'s account'
            : extensionSchema
              ? `pg_trgm is installed in schema ${extensionSchema}: create them with ${extensionSchema}.gin_trgm_ops`
              : "pg_trgm could not be installed when `fms migrate` ran; have the database's owner run `CREATE EXTENSION pg_trgm SCHEMA public;` and create them";
        if (missing.length) say('search indexes', 'WARN', `${missing.join(', ')} missing: the people and account searches read every row. ${fix} (docs/operators.md, "PostgreSQL and pg_trgm")`);
        // Built by hand otherwise (over the column, say, as before migration 0013): the search,
        // written as the expected expression, cannot use it.
        for (const index of misbuilt)
          say('search indexes', 'WARN', `${index.name} indexes ${index.found}, not ${index.expected}: the search it serves reads every row. Drop it and create it as docs/operators.md shows ("PostgreSQL and pg_trgm")`);
        if (!missing.length && !misbuilt.length) say('search indexes', 'PASS', 'the people and account searches have their trigram indexes (pg_trgm)');
      });
  }
  if (config.database.kind === 'postgres') await attempt('durability', () => checkPostgresDurability(db, config, say));
  await attempt('maintenance mode', async () => {
    const maintenance = await readMaintenance({ db });
    say('maintenance mode', maintenance ? 'WARN' : 'PASS', maintenance ? `on since ${maintenance.since}: users see the maintenance page; \`fms maintenance off\` when done` : 'off');
  });
  await attempt('backups', async () => {
    const last = await readLastBackup({ db });
    if (!last) say('backups', 'WARN', 'no backup recorded: run `fms backup` and schedule it (deploy/systemd/fms-backup.timer)');
    else {
      const hours = (now.getTime() - last.getTime()) / 3_600_000;
      say('backups', hours > BACKUP_STALE_HOURS ? 'WARN' : 'PASS', `last good backup ${hours.toFixed(1)} h ago (${last.toISOString()})${hours > BACKUP_STALE_HOURS ? ': check the backup timer (`systemctl status fms-backup.timer`)' : ''}`);
    }
  });
}

/**
 * FMS answers a write once PostgreSQL has committed it; with these settings off a power cut can take
 * back what was answered (synchronous_commit) or corrupt the database (fsync, full_page_writes).
 * The test servers run them off on purpose (throwaway data), so only production warns.
 */
async function checkPostgresDurability(db: Db, config: Config, say: Say) {
  const { rows } = await sql<{ name: string; setting: string; source: string; sourcefile: string | null }>`select name, setting, source, sourcefile from pg_settings where name in ('fsync', 'synchronous_commit', 'full_page_writes') order by name`.execute(db);
  const off = rows.filter((row) => row.setting === 'off');
  if (!off.length) {
    say('durability', 'PASS', 'fsync, full_page_writes and synchronous_commit are on: a commit survives a power cut');
    return;
  }
  const names = off.map((row) => row.name).join(', ');
  if (!config.isProduction) {
    say('durability', 'PASS', `${names} off: fine for a test server's throwaway data; in production this is a warning, as a power cut could lose answered writes`);
    return;
  }
  const corrupts = off.some((row) => row.name !== 'synchronous_commit');
  say(
    'durability',
    'WARN',
    `PostgreSQL runs with ${off.map((row) => `${row.name} off (${whereSet(row)})`).join(', ')}: a power cut can lose answered writes${corrupts ? ' or corrupt the database' : ''}; turn ${off.length > 1 ? 'them' : 'it'} on there and reload PostgreSQL (one set on its command line needs a restart without it) (docs/operators.md, "What survives a power cut")`,
  );
}

/** Where a setting comes from, in the words of what to change (pg_settings' source and sourcefile). */
function whereSet(row: { source: string; sourcefile: string | null }): string {
  switch (row.source) {
    case 'configuration file':
      return `set in ${row.sourcefile ?? 'postgresql.conf or a file it includes'}`;
    case 'command line':
      return "set on PostgreSQL's command line, postgres -c";
    case 'database':
      return 'set by ALTER DATABASE … SET';
    case 'user':
      return 'set by ALTER ROLE … SET';
    case 'database user':
      return 'set by ALTER ROLE … IN DATABASE … SET';
    case 'client':
      return "set by the connection: DATABASE_URL's options or PGOPTIONS";
    default:
      return `set by: ${row.source}`;
  }
}

function checkDisk(config: Config, say: Say) {
  const places = new Set([config.uploadFolder, ...(config.database.kind === 'sqlite' ? [dirname(config.database.file)] : []), ...(config.logFile ? [dirname(config.logFile.path)] : [])]);
  const seen = new Set<string>();
  for (const place of places) {
    let probe = place;
    while (!existsSync(probe) && dirname(probe) !== probe) probe = dirname(probe);
    let stats;
    try {
      stats = statfsSync(probe);
    } catch (error) {
      say('free disk', 'SKIP', `not run: cannot read the free space at ${probe} (${causeOf(error)})`);
      continue;
    }
    // Folders on the same file system are one check, not several identical lines.
    const fileSystem = `${stats.type}:${stats.blocks}:${stats.bsize}`;
    if (seen.has(fileSystem)) continue;
    seen.add(fileSystem);
    const free = stats.bavail * stats.bsize;
    const text = `${(free / GiB).toFixed(1)} GiB free at ${probe}`;
    if (free < 100 * MiB) say('free disk', 'FAIL', `${text}: free space now, uploads and the database will fail`);
    else if (free < GiB) say('free disk', 'WARN', `${text}: free some space soon`);
    else say('free disk', 'PASS', text);
  }
}
