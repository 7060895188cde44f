// The only module that reads the environment. loadConfig(env) validates every variable, reports all
// problems at once (one line each, naming the variable and the fix) and returns a frozen Config.
import cluster from 'node:cluster';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import dotenv from 'dotenv';
import { readVariables } from './read-variables.js';
import { secretVariables, variableHelp, type Mode } from './schema.js';
import { parseBoolean, parseDuration, parseRate, parseSize } from './parse.js';
import { secretEstimateProblemsOnThread } from './secret-estimate-thread.js';
import { developmentSecretKey, judgedByPrimary, judgedSecretsDigest, SECRETS_JUDGED_VARIABLE, secretEstimateProblem, secretFix, secretProblem, type SecretName } from './secrets.js';
import { trustProxyEntryProblem } from './trust-proxy.js';

export { developmentSecretKey, documentedSecretKeys } from './secrets.js';

export type DatabaseTarget =
  | { kind: 'sqlite'; file: string; url: string }
  | { kind: 'postgres'; url: string };

/** Where uploads live: UPLOAD_FOLDER, or an S3-compatible bucket when S3_BUCKET is set. */
export type StorageTarget =
  | { kind: 'local'; folder: string }
  | {
      kind: 's3';
      bucket: string;
      /** null for AWS itself (the region picks the endpoint). */
      endpoint: string | null;
      region: string;
      accessKeyId: string;
      secretAccessKey: string;
      forcePathStyle: boolean;
    };

export interface Config {
  readonly mode: Mode;
  readonly isProduction: boolean;
  readonly secretKey: string;
  /** True when SECRET_KEY was not set and the built-in development key is used. */
  readonly secretKeyIsDevelopmentDefault: boolean;
  readonly database: DatabaseTarget;
  readonly uploadFolder: string;
  readonly storage: StorageTarget;
  readonly maxContentLength: number;
  /** The department's IANA time zone (TIMEZONE, default UTC): deadlines are shown and typed in it. */
  readonly timeZone: string;
  readonly rateLimitStorageUri: string;
  /** The global limit per client (Flask-Limiter's RATELIMIT_DEFAULT, e.g. "600 per minute"). */
  readonly rateLimitDefault: { max: number; windowMs: number };
  /** The JSON API's budget per token, shared by every API call (API_RATELIMIT, e.g. "1000 per hour"). */
  readonly apiRateLimit: { max: number; windowMs: number };
  /** The Redis URL for sessions and rate limits, or null for the database and memory. */
  readonly redisUrl: string | null;
  readonly port: number;
  readonly host: string;
  /** Addresses or CIDR ranges of proxies whose X-Forwarded-* headers are believed. */
  readonly trustProxy: readonly string[];
  readonly logLevel: string;
  readonly sessionLifetimeMs: number;
  readonly sessionIdleTimeoutMs: number;
  readonly cookieSecure: boolean;
  readonly cookieSameSite: 'strict' | 'lax';
  /** Whether a demo department is seeded into an empty database at start (never in production). */
  readonly demoDepartment: boolean;
  /** Bearer token that unlocks /metrics; null keeps /metrics closed on the public port. */
  readonly metricsToken: string | null;
  /** A separate port on 127.0.0.1 that serves /metrics to the local Prometheus without a token. */
  readonly metricsPort: number | null;
  /**
   * systemd's RuntimeDirectory= (it sets RUNTIME_DIRECTORY, e.g. /run/fms), shared by the unit's
   * ExecStart and ExecReload: where the primary tells `fms reload` how a reload went. Null elsewhere.
   */
  readonly runtimeDirectory: string | null;
  /** Worker processes for `fms serve` (WEB_CONCURRENCY, as on Heroku-style platforms). */
  readonly workers: number;
  /** How long a stopping server lets in-flight requests and uploads finish. */
  readonly shutdownGraceMs: number;
  /** Write logs to this file (rotated) instead of stdout; null for stdout. */
  readonly logFile: { path: string; size: string; keep: number } | null;
  /**
   * The model that phrases the assistant's answers (an OpenAI-compatible chat completions endpoint:
   * ASSISTANT_API_URL, ASSISTANT_API_KEY, ASSISTANT_MODEL), or null: the assistant answers offline.
   */
  readonly assistantModel: AssistantModelConfig | null;
  /** Questions one person may ask the assistant (ASSISTANT_RATELIMIT, e.g. "30 per minute"), pages and API together. */
  readonly assistantRateLimit: { max: number; windowMs: number };
}

export interface AssistantModelConfig {
  /** The chat completions endpoint, e.g. https://api.openai.com/v1/chat/completions. */
  readonly url: string;
  /** Sent as a bearer token; null for a local server that wants none. */
  readonly apiKey: string | null;
  readonly model: string;
  /** How long an answer may take before the offline one is given (ASSISTANT_TIMEOUT). */
  readonly timeoutMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

/** SECRET_KEY must be at least this long in production, whatever else it is. */
export const SECRET_KEY_MIN_LENGTH = 32;
/** METRICS_TOKEN must be at least this long in every mode. */
export const METRICS_TOKEN_MIN_LENGTH = 16;

export interface LoadOptions {
  /** Read `.env` from this folder (default: the current folder). Set false to skip it. */
  dotenvDir?: string | false;
  /**
   * false: leave the secrets' strength estimate (the slow part of judging them) to the caller, who
   * runs secretEstimateProblems later. Only `fms serve`'s primary does, to run it while its workers
   * start; every other check of the secrets still runs here.
   */
  estimateSecrets?: boolean;
}

/**
 * What `fms serve`'s primary adds to the environment of each worker it forks: in production, the
 * digest that tells the worker its secrets were judged (SECRETS_JUDGED_VARIABLE in secrets.ts).
 */
export function workerEnvironment(config: Config): Record<string, string> {
  return config.isProduction ? { [SECRETS_JUDGED_VARIABLE]: judgedSecretsDigest(config.secretKey, config.metricsToken ?? '') } : {};
}

/**
 * The secrets' strength estimate that loadConfig({ estimateSecrets: false }) left out: the problems
 * in loadConfig's words, none outside production (where loadConfig judges no secret either).
 */
export function secretEstimateProblems(config: Config): string[] {
  return secretsToEstimate(config)
    .map(([name, value]) => secretEstimateProblem(name, value))
    .filter((problem): problem is string => problem !== null);
}

/**
 * secretEstimateProblems on a thread that ends after it (secret-estimate-thread.ts): for `fms
 * serve`'s primary, which checks no password after and would otherwise keep the dictionaries.
 */
export function secretEstimateProblemsApart(config: Config): Promise<string[]> {
  return secretEstimateProblemsOnThread(secretsToEstimate(config));
}

/** The secrets whose strength is estimated: none outside production. */
function secretsToEstimate(config: Config): [SecretName, string][] {
  if (!config.isProduction) return [];
  return [['SECRET_KEY', config.secretKey], ...(config.metricsToken ? [['METRICS_TOKEN', config.metricsToken] as [SecretName, string]] : [])];
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, options: LoadOptions = {}): Config {
  const problems: string[] = [];
  const merged = withSecretFiles(withDotenv(env, options), problems);
  // Fail closed: a host that says NODE_ENV=production (most PaaS, many systemd units) gets
  // production's refusals, never the development mode with its demo logins. FMS_CONFIG wins.
  if (merged.FMS_CONFIG === undefined && merged.NODE_ENV?.trim().toLowerCase() === 'production') merged.FMS_CONFIG = 'production';

  // Every variable the schema refuses is reported, and its default stands in for it, so the checks
  // below still run: every problem is reported in one go.
  const { values: raw, problems: refused } = readVariables(merged);
  for (const { name, message } of refused) {
    const help = variableHelp[name];
    problems.push(`${name}: ${message}${help ? `; set it to ${help}` : ''}`);
  }

  const text = (name: string) => String(raw[name] ?? '');
  const mode = text('FMS_CONFIG') as Mode;
  const isProduction = mode === 'production';

  let secretKey = text('SECRET_KEY');
  let secretKeyIsDevelopmentDefault = false;
  const metricsText = text('METRICS_TOKEN');
  // A worker of `fms serve` whose primary judged these very secrets does not judge them again.
  const judged = isProduction && cluster.isWorker && judgedByPrimary(merged[SECRETS_JUDGED_VARIABLE], secretKey, metricsText);
  if (isProduction && !judged) {
    const problem = secretProblem('SECRET_KEY', secretKey, SECRET_KEY_MIN_LENGTH, { estimate: options.estimateSecrets });
    if (problem) problems.push(problem);
  } else if (!secretKey) {
    secretKey = developmentSecretKey;
    secretKeyIsDevelopmentDefault = true;
  }

  const database = parseDatabaseUrl(text('DATABASE_URL'), problems);

  const maxContentLength = parseSize(text('MAX_CONTENT_LENGTH'));
  if (maxContentLength === null)
    problems.push('MAX_CONTENT_LENGTH is not a size: give bytes (16777216) or a size with a unit (16MiB)');

  const typedZone = text('TIMEZONE') || 'UTC';
  // "europe/zagreb" is Europe/Zagreb: pages name the zone as IANA writes it.
  const timeZone = canonicalTimeZone(typedZone);
  if (!timeZone) problems.push(`TIMEZONE=${typedZone} is not a time zone: give an IANA name such as Europe/Zagreb, Asia/Yerevan or UTC`);

  const rateLimitStorageUri = text('RATELIMIT_STORAGE_URI');
  let redisUrl: string | null = null;
  if (/^rediss?:\/\//.test(rateLimitStorageUri)) redisUrl = rateLimitStorageUri;
  else if (rateLimitStorageUri !== 'memory://' && rateLimitStorageUri !== '')
    problems.push('RATELIMIT_STORAGE_URI must be memory:// or a redis://host:port URL');

  const rateLimitDefault = parseRate(text('RATELIMIT_DEFAULT'));
  if (rateLimitDefault === null) problems.push('RATELIMIT_DEFAULT is not a rate: write it like "600 per minute" (second, minute, hour or day)');
  const apiRateLimit = parseRate(text('API_RATELIMIT'));
  if (apiRateLimit === null) problems.push('API_RATELIMIT is not a rate: write it like "1000 per hour" (second, minute, hour or day), the budget of each API token');

  const sessionLifetimeMs = parseDuration(text('SESSION_LIFETIME'));
  if (sessionLifetimeMs === null)
    problems.push('SESSION_LIFETIME is not a duration: give seconds (43200) or a value like 12h or 30m');
  const sessionIdleTimeoutMs = parseDuration(text('SESSION_IDLE_TIMEOUT'));
  if (sessionIdleTimeoutMs === null)
    problems.push('SESSION_IDLE_TIMEOUT is not a duration: give seconds (7200) or a value like 2h or 30m');

  const shutdownGraceMs = parseDuration(text('SHUTDOWN_GRACE'));
  if (shutdownGraceMs === null) problems.push('SHUTDOWN_GRACE is not a duration: give seconds (30) or a value like 30s or 2m');
  if (!/^\d+[kmg]?$/i.test(text('LOG_FILE_SIZE'))) problems.push('LOG_FILE_SIZE is not a size: give megabytes (100) or a value like 100m, 500k or 1g');

  const secureText = text('SESSION_COOKIE_SECURE');
  const cookieSecure = secureText === '' ? isProduction : parseBoolean(secureText) === true;

  const demoText = text('DEMO_DEPARTMENT');
  const demoDepartment = isProduction ? false : demoText === '' ? mode === 'development' : parseBoolean(demoText) === true;
  if (isProduction && parseBoolean(demoText) === true)
    problems.push('DEMO_DEPARTMENT cannot be true in production: demo accounts have published passwords; unset it');

  if (metricsText && !judged) {
    // Outside production only a short token is refused; `fms doctor` warns about a weak one.
    const problem = isProduction
      ? secretProblem('METRICS_TOKEN', metricsText, METRICS_TOKEN_MIN_LENGTH, { estimate: options.estimateSecrets })
      : [...metricsText.trim()].length < METRICS_TOKEN_MIN_LENGTH
        ? `METRICS_TOKEN is shorter than ${METRICS_TOKEN_MIN_LENGTH} characters: ${secretFix('METRICS_TOKEN')}`
        : null;
    if (problem) problems.push(problem);
  }

  const storage = parseStorage(text, problems);
  const assistantModel = parseAssistantModel(text, problems);
  const assistantRateLimit = parseRate(text('ASSISTANT_RATELIMIT'));
  if (assistantRateLimit === null) problems.push('ASSISTANT_RATELIMIT is not a rate: write it like "30 per minute" (second, minute, hour or day), the questions one person may ask');

  const trustProxy = text('TRUST_PROXY')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const entry of trustProxy) {
    const problem = trustProxyEntryProblem(entry);
    if (problem) problems.push(problem);
  }

  if (problems.length) throw new ConfigError(problems);

  return Object.freeze({
    mode,
    isProduction,
    secretKey,
    secretKeyIsDevelopmentDefault,
    database: Object.freeze(database!),
    uploadFolder: resolve(text('UPLOAD_FOLDER')),
    storage: Object.freeze(storage!),
    maxContentLength: maxContentLength!,
    timeZone: timeZone!,
    rateLimitStorageUri,
    rateLimitDefault: Object.freeze(rateLimitDefault!),
    apiRateLimit: Object.freeze(apiRateLimit!),
    redisUrl,
    port: Number(raw.PORT),
    host: text('HOST'),
    trustProxy: Object.freeze(trustProxy),
    logLevel: text('LOG_LEVEL'),
    sessionLifetimeMs: sessionLifetimeMs!,
    sessionIdleTimeoutMs: sessionIdleTimeoutMs!,
    cookieSecure,
    cookieSameSite: text('SESSION_COOKIE_SAMESITE').toLowerCase() as 'strict' | 'lax',
    demoDepartment,
    metricsToken: text('METRICS_TOKEN') || null,
    // Not in the schema: systemd's own variable, possibly a list (RuntimeDirectory=a b gives a:b).
    runtimeDirectory: String(merged.RUNTIME_DIRECTORY ?? '').split(':')[0] || null,
    metricsPort: raw.METRICS_PORT === undefined ? null : Number(raw.METRICS_PORT),
    workers: Number(raw.WEB_CONCURRENCY),
    shutdownGraceMs: shutdownGraceMs!,
    logFile: text('LOG_FILE') ? Object.freeze({ path: resolve(text('LOG_FILE')), size: text('LOG_FILE_SIZE'), keep: Number(raw.LOG_FILE_KEEP) }) : null,
    assistantModel: assistantModel ? Object.freeze(assistantModel) : null,
    assistantRateLimit: Object.freeze(assistantRateLimit!),
  });
}

/**
 * The assistant's model: ASSISTANT_API_URL and ASSISTANT_MODEL together (the key is optional, for
 * a local server such as llama.cpp's or Ollama's), or none of them.
 */
function parseAssistantModel(text: (name: string) => string, problems: string[]): AssistantModelConfig | null {
  const url = text('ASSISTANT_API_URL').trim();
  const model = text('ASSISTANT_MODEL').trim();
  const apiKey = text('ASSISTANT_API_KEY').trim();
  const timeoutMs = parseDuration(text('ASSISTANT_TIMEOUT'));
  if (timeoutMs === null || timeoutMs < 1000 || timeoutMs > 120_000) problems.push('ASSISTANT_TIMEOUT is not a duration from 1s to 2m: give seconds (10) or a value like 10s');
  if (!url && !model) {
    if (apiKey) problems.push('ASSISTANT_API_KEY is set but ASSISTANT_API_URL and ASSISTANT_MODEL are not: set both to let a model phrase the assistant\'s answers, or unset ASSISTANT_API_KEY');
    return null;
  }
  if (!url) problems.push('ASSISTANT_MODEL is set but ASSISTANT_API_URL is not: give the chat completions endpoint, e.g. https://api.openai.com/v1/chat/completions');
  if (!model) problems.push('ASSISTANT_API_URL is set but ASSISTANT_MODEL is not: give the model\'s name, e.g. gpt-4o-mini');
  if (url) {
    let parsed: URL | null = null;
    try {
      parsed = new URL(url);
    } catch {
      parsed = null;
    }
    if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:'))
      problems.push(`ASSISTANT_API_URL "${url}" is not an http(s) URL: give the chat completions endpoint, e.g. https://api.openai.com/v1/chat/completions`);
    else if (parsed.username || parsed.password) problems.push('ASSISTANT_API_URL holds a user name or password: put the key in ASSISTANT_API_KEY (or ASSISTANT_API_KEY_FILE) instead');
  }
  if (!url || !model || timeoutMs === null) return null;
  return { url, model, apiKey: apiKey || null, timeoutMs };
}

function withDotenv(env: NodeJS.ProcessEnv, options: LoadOptions): Record<string, string | undefined> {
  if (options.dotenvDir === false) return { ...env };
  const file = resolve(options.dotenvDir ?? '.', '.env');
  if (!existsSync(file)) return { ...env };
  // The real environment wins over the file, as with python-dotenv in the Flask app.
  return { ...dotenv.parse(readFileSync(file)), ...env };
}

function withSecretFiles(env: Record<string, string | undefined>, problems: string[]) {
  const out = { ...env };
  for (const name of secretVariables) {
    const path = env[`${name}_FILE`];
    if (!path) continue;
    if (env[name]) {
      problems.push(`${name} and ${name}_FILE are both set: keep only one`);
      continue;
    }
    try {
      out[name] = readFileSync(path, 'utf8').trim();
    } catch (error) {
      problems.push(`${name}_FILE: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'}); check the path and its permissions`);
    }
  }
  // Empty strings mean "unset", as shells and compose files often produce them.
  for (const [key, value] of Object.entries(out)) if (value === '') delete out[key];
  return out;
}

function parseDatabaseUrl(url: string, problems: string[]): DatabaseTarget | null {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (!path) {
      problems.push('DATABASE_URL sqlite: needs a file path, e.g. sqlite:./var/fms.sqlite');
      return null;
    }
    return { kind: 'sqlite', file: path === ':memory:' ? path : resolve(path), url };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    try {
      new URL(url);
    } catch {
      // The usual cause is a password holding # ? / @ : as they are: # starts the URL's fragment
      // and ? its query, so the "port" after them is no number. The value is never echoed.
      problems.push('DATABASE_URL is not a valid URL: use postgres://user:password@host:5432/dbname, and percent-encode @ : / # ? in the password (# is %23, ? is %3F, @ is %40, / is %2F, : is %3A)');
      return null;
    }
    return { kind: 'postgres', url };
  }
  problems.push('DATABASE_URL must start with sqlite: (sqlite:./var/fms.sqlite) or postgres:// (postgres://user:password@host/db)');
  return null;
}

function parseStorage(text: (name: string) => string, problems: string[]): StorageTarget | null {
  const folder = resolve(text('UPLOAD_FOLDER'));
  const bucket = text('S3_BUCKET');
  const endpoint = text('S3_ENDPOINT');
  const accessKeyId = text('S3_ACCESS_KEY_ID');
  const secretAccessKey = text('S3_SECRET_ACCESS_KEY');
  if (!bucket) {
    // Uploads silently landing in a local folder on a fleet would be lost: say so instead.
    const stray = ['S3_ENDPOINT', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'].filter((name) => text(name));
    if (stray.length)
      problems.push(`${stray.join(', ')} ${stray.length > 1 ? 'are' : 'is'} set but S3_BUCKET is not: set S3_BUCKET to store uploads in S3, or unset ${stray.length > 1 ? 'them' : 'it'} to use UPLOAD_FOLDER`);
    return { kind: 'local', folder };
  }
  let ok = true;
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    problems.push(`S3_BUCKET "${bucket}" is not a bucket name: 3 to 63 lowercase letters, digits, dots and hyphens`);
    ok = false;
  }
  if (endpoint) {
    let url: URL | null = null;
    try {
      url = new URL(endpoint);
    } catch {
      // reported below
    }
    if (!url || !/^https?:$/.test(url.protocol)) {
      problems.push(`S3_ENDPOINT "${endpoint}" is not an http(s) URL: e.g. https://s3.example.org or http://127.0.0.1:9000`);
      ok = false;
    }
  }
  for (const [name, value] of [['S3_ACCESS_KEY_ID', accessKeyId], ['S3_SECRET_ACCESS_KEY', secretAccessKey]] as const) {
    if (!value) {
      problems.push(`${name} is missing: S3_BUCKET is set, so give the bucket's ${name === 'S3_ACCESS_KEY_ID' ? 'access key id' : 'secret key'} in ${name} or a file in ${name}_FILE`);
      ok = false;
    }
  }
  const pathStyleText = text('S3_FORCE_PATH_STYLE');
  // Self-hosted servers (MinIO, Garage, Ceph) mostly want path-style URLs; AWS wants virtual hosts.
  const forcePathStyle = pathStyleText === '' ? endpoint !== '' : parseBoolean(pathStyleText) === true;
  if (!ok) return null;
  return { kind: 's3', bucket, endpoint: endpoint || null, region: text('S3_REGION'), accessKeyId, secretAccessKey, forcePathStyle };
}

/** The IANA name Intl knows the zone by (its own capitals), or null when it knows no such zone. */
function canonicalTimeZone(name: string): string | null {
  try {
    return new Intl.DateTimeFormat('en', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}
