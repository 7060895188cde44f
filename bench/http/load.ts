// One scenario under load: autocannon with N connections, a warm-up whose figures are dropped,
// then the measured run, while the server's resident memory is sampled. A write sends each request
// to another entry of its pool and stops early rather than send one twice.
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { loadDownloads } from './download-load.js';
import { MemorySampler } from './processes.js';
import type { ScorePool, WaitingEntry } from './score-pool.js';

export interface Load {
  rps: number;
  p50: number;
  p99: number;
  /** Non-2xx answers, socket errors and timeouts. */
  errors: number;
  /** Of those, answers 5xx (the overload guard's 503 among them). */
  serverErrors: number;
  /** Bytes per answer, headers included. */
  bytesPerAnswer: number;
  /** The largest resident size one of the server's processes reached, in bytes (0 when not sampled). */
  peakRss: number;
  /** How long the server kept working on abandoned requests after the measurement (-1: it never settled). */
  backlogMs: number;
  /** The largest resident size of one process before the warm-up (0 when not sampled). */
  rssBefore: number;
  /** Seconds actually measured: fewer than asked when a write's pool ran out. */
  seconds: number;
}

/** Each request of a write: its entry's address and body (`pool` is this load's own portion). */
export interface Writes {
  pool: ScorePool;
  request: (entry: WaitingEntry) => { path: string; body: string };
}

export interface LoadOptions {
  url: string;
  headers: Record<string, string>;
  connections: number;
  seconds: number;
  warmup: number;
  /** The server's processes, for memory. */
  pids?: () => number[];
  /** Waits until the server has finished what a stopped load left behind; answers how long it took. */
  settle: () => Promise<number>;
  writes?: Writes;
  /** Large bodies: loaded with Node's own client (download-load.ts) instead of autocannon. */
  largeBodies?: boolean;
}

/** What one run of load gives, whichever client made it. */
interface Outcome {
  total: number;
  seconds: number;
  p50: number;
  p99: number;
  errors: number;
  serverErrors: number;
  bytesPerAnswer: number;
}

function fromAutocannon(result: autocannon.Result): Outcome {
  const answers = result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx'];
  return {
    total: result.requests.total,
    seconds: result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.non2xx + result.errors,
    serverErrors: result['5xx'],
    bytesPerAnswer: answers ? result.throughput.total / answers : 0,
  };
}

async function measure(options: LoadOptions, seconds: number, pool?: ScorePool): Promise<Outcome | null> {
  if (options.largeBodies) {
    const d = await loadDownloads(options.url, options.headers, options.connections, seconds);
    return { total: d.downloads, seconds: d.seconds, p50: d.p50, p99: d.p99, errors: d.errors, serverErrors: d.serverErrors, bytesPerAnswer: d.downloads ? d.bytes / d.downloads : 0 };
  }
  return run(options.url, options.headers, options.connections, seconds, pool, options.writes);
}

/**
 * A read repeats one request. A write takes the next entry for every request (autocannon builds a
 * connection's first request when it opens it, then one before each further request) and asks for
 * no more requests than `pool` holds; null when it holds fewer than one per connection. A write
 * that used up its pool ends early, but autocannon reports its duration in whole ticks of a second:
 * the time to its last answer is taken instead.
 */
async function run(url: string, headers: Record<string, string>, connections: number, seconds: number, pool?: ScorePool, writes?: Writes): Promise<Outcome | null> {
  if (!writes || !pool) return fromAutocannon(await autocannon({ url, headers, connections, duration: seconds, timeout: 30 }));
  if (pool.left < connections) return null;
  const { request } = writes;
  const started = performance.now();
  let lastAnswer = started;
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    timeout: 30,
    maxOverallRequests: pool.left,
    requests: [
      {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        setupRequest: (req) => {
          const entry = pool.take();
          // Past the pool's end only when autocannon asks beyond maxOverallRequests: a path that answers 404, never a second score.
          const { path, body } = entry ? request(entry) : { path: '/pool-exhausted', body: '{}' };
          return { ...req, path, body };
        },
        onResponse: () => void (lastAnswer = performance.now()),
      },
    ],
  });
  const outcome = fromAutocannon(result);
  return pool.left === 0 ? { ...outcome, seconds: Math.min(outcome.seconds, (lastAnswer - started) / 1000) } : outcome;
}

export async function underLoad(options: LoadOptions): Promise<Load> {
  const before = options.pids ? new MemorySampler(options.pids) : null;
  before?.sample();
  const writes = options.writes;
  // The warm-up's share of a write's entries is its share of the seconds.
  const warmupPool = writes ? writes.pool.portion((writes.pool.left * options.warmup) / (options.warmup + options.seconds)) : undefined;
  if (options.warmup > 0 && (await measure(options, options.warmup, warmupPool))) await options.settle();
  const sampler = options.pids ? new MemorySampler(options.pids).start() : null;
  try {
    // A write whose share holds fewer entries than connections measures nothing (the run notes it).
    const result = (await measure(options, options.seconds, writes?.pool)) ?? { total: 0, seconds: 0, p50: 0, p99: 0, errors: 0, serverErrors: 0, bytesPerAnswer: 0 };
    const peakRss = sampler?.stop().peakProcess ?? 0;
    return {
      rps: result.seconds ? result.total / result.seconds : 0,
      p50: result.p50,
      p99: result.p99,
      errors: result.errors,
      serverErrors: result.serverErrors,
      bytesPerAnswer: result.bytesPerAnswer,
      peakRss,
      backlogMs: await options.settle(),
      rssBefore: before?.peakProcess ?? 0,
      seconds: result.seconds,
    };
  } finally {
    sampler?.stop();
  }
}

export interface Download {
  status: number;
  bytes: number;
  seconds: number;
  /** Resident size of the largest server process before the download and at its peak during it. */
  rssBefore: number;
  peakRss: number;
}

/** A single download, timed to its last byte, with the server's memory sampled meanwhile. */
export async function timedDownload(url: string, headers: Record<string, string>, pids: () => number[]): Promise<Download> {
  const before = new MemorySampler(pids);
  before.sample();
  const sampler = new MemorySampler(pids, 50).start();
  const start = performance.now();
  try {
    const response = await fetch(url, { headers });
    let bytes = 0;
    for await (const chunk of response.body ?? []) bytes += (chunk as Uint8Array).length;
    return { status: response.status, bytes, seconds: (performance.now() - start) / 1000, rssBefore: before.peakProcess, peakRss: sampler.stop().peakProcess };
  } finally {
    sampler.stop();
  }
}
