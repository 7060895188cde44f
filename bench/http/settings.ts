// What a run of `npm run bench` measures, from the environment. Every knob has a default that gives
// issue 11's suite (production mode, `large`, 64 connections, 3 s warm-up, 10 s measured); the
// overrides make quick runs while working on one page.
import { DEFAULT_DEMO_SEED, isDemoScale, isDemoSeed, MAX_DEMO_SEED, SCALE_MESSAGE, type DemoScale } from '../../src/seeds/scale.js';

export type Scale = DemoScale;

export interface Settings {
  /** Seconds measured per scenario. */
  seconds: number;
  /** Seconds of load before each measurement, not counted. */
  warmup: number;
  connections: number;
  /** The ceilings' measurement and warm-up: a bare route settles fast, and the run stays near 30 minutes. */
  ceilingSeconds: number;
  ceilingWarmup: number;
  /** The department's size for the main run. */
  scale: Scale;
  /** Also measure the lists, searches and dashboards at `small`, to compare the latency at scale. */
  compareSmall: boolean;
  /** Only the scenarios whose id matches (e.g. "students|api"; "import-students" is the import of 10,000 students). */
  only: RegExp | null;
  /** Only the setups whose id matches (sqlite-1, sqlite-2, postgres-1, postgres-2). */
  setups: RegExp | null;
  postgresUrl: string;
  /** Keep seeded databases between runs (a `large` seed takes minutes). */
  cache: boolean;
  /** The seed of the department generator. */
  seed: number;
  /** Where the results go (a Markdown file whose sections after the first are kept). */
  resultsFile: string;
  /** The one-off 1 GiB upload and download (BENCH_HUGE=1 or 0; by default at `large` only). */
  huge: boolean;
}

export class SettingsError extends Error {}

/** The 1 GiB upload and download's name for BENCH_ONLY. */
export const HUGE_ID = 'huge-transfer';

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < min) throw new SettingsError(`${name}=${text} is not a number of at least ${min}; e.g. ${name}=${fallback}`);
  return value;
}

function pattern(env: NodeJS.ProcessEnv, name: string, example: string): RegExp | null {
  const text = env[name];
  if (!text) return null;
  try {
    return new RegExp(text, 'i');
  } catch {
    throw new SettingsError(`${name}=${text} is not a regular expression; e.g. ${name}='${example}'`);
  }
}

function flag(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  if (text === '1' || text === '0') return text === '1';
  throw new SettingsError(`${name}=${text} is neither 1 nor 0; e.g. ${name}=${fallback ? 0 : 1}`);
}

export function readSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const scale = env.BENCH_SCALE || 'large';
  if (!isDemoScale(scale)) throw new SettingsError(`BENCH_SCALE=${env.BENCH_SCALE} is not a scale: ${SCALE_MESSAGE}`);
  const seed = positive(env, 'BENCH_SEED', DEFAULT_DEMO_SEED, 0);
  if (!isDemoSeed(seed)) throw new SettingsError(`BENCH_SEED=${env.BENCH_SEED} is not a seed: give a whole number from 0 to ${MAX_DEMO_SEED}`);
  const seconds = positive(env, 'BENCH_SECONDS', 10, 1);
  const warmup = positive(env, 'BENCH_WARMUP', 3, 0);
  return {
    seconds,
    warmup,
    ceilingSeconds: positive(env, 'BENCH_CEILING_SECONDS', Math.min(5, seconds), 1),
    ceilingWarmup: positive(env, 'BENCH_CEILING_WARMUP', Math.min(1, warmup), 0),
    connections: Math.round(positive(env, 'BENCH_CONNECTIONS', 64, 1)),
    scale,
    compareSmall: scale !== 'small' && env.BENCH_SMALL !== '0',
    only: pattern(env, 'BENCH_ONLY', 'students|api'),
    setups: pattern(env, 'BENCH_SETUPS', 'sqlite-1|postgres-1'),
    postgresUrl: env.BENCH_POSTGRES_URL || env.FMS_TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:55432/postgres',
    cache: env.BENCH_CACHE !== '0',
    seed,
    resultsFile: env.BENCH_RESULTS || new URL('../RESULTS.md', import.meta.url).pathname,
    huge: flag(env, 'BENCH_HUGE', scale === 'large'),
  };
}

/** The variables a reader needs to repeat the run, as they were given. */
export function givenOverrides(env: NodeJS.ProcessEnv = process.env): string[] {
  return Object.keys(env)
    .filter((name) => name.startsWith('BENCH_') && env[name])
    .sort()
    .map((name) => `${name}=${env[name]}`);
}
