// One scenario under load: autocannon with N connections kept from the warm-up, whose figures are
// dropped, through the measured seconds, while the server's resident memory is sampled. A write sends each request
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
  /** Connections that had no answer yet when the measured seconds began (0: the wait for them was left out). */
  unansweredAtStart: number;
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
  /** Connections still without an answer when the measured seconds began (after waiting for them). */
  unansweredAtStart?: number;
}

/** Answers counted from the end of the warm-up on. */
class Window {
  readonly latencies: number[] = [];
  answers = 0;
  non2xx = 0;
  serverErrors = 0;
  socketErrors = 0;
  bytes = 0;
  lastAnswer = 0;

  outcome(seconds: number): Outcome {
    const sorted = Float64Array.from(this.latencies).sort();
    const at = (share: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))]! : 0);
    return {
      total: this.answers,
      seconds,
      p50: at(0.5),
      p99: at(0.99),
      errors: this.non2xx + this.socketErrors,
      serverErrors: this.serverErrors,
      bytesPerAnswer: this.answers ? this.bytes / this.answers : 0,
    };
  }
}

/** How long a load waits for every connection's first answer after its warm-up before measuring anyway. */
const ALL_ANSWERED_WAIT_S = 30;

/**
 * Warm-up and measurement are one autocannon run on the same connections; the measured seconds
 * start once the warm-up is over and every connection has had an answer, and only what arrives
 * then counts (`onMeasuring` is called as they start). Libuv (1.45 on: Node 20.3 and later) accepts one
 * connection per turn of the event loop, so of 64 connections opened at once on a server busy
 * with the first few dozen, the last wait a turn each (100–340 ms on a saturated page): seconds, on
 * a slow page longer than the warm-up, which a fresh set per measured run, or a measurement begun
 * while they still waited, put into the p99 (bench/RESULTS.md, "Issue 11, 2026-12-07, second
 * session").
 *
 * A write takes the next entry of its pool for every request (autocannon builds a connection's
 * first request when it opens it, then one before each further request) and asks for no more
 * requests than the pool holds; null when it holds fewer than one per connection. A write that used
 * up its pool ends early: its measured time runs to its last answer.
 */
async function run(options: LoadOptions, seconds: number, onMeasuring: () => void): Promise<Outcome | null> {
  const { url, headers, connections, warmup, writes } = options;
  const pool = writes?.pool;
  if (pool && pool.left < connections) return null;
  // Set by timers and events: a plain `let` would read as never set to the checker.
  const state: { window: Window | null; start: number; end: number; warmedUp: boolean; waitedFor: number | null } = { window: null, start: 0, end: 0, warmedUp: false, waitedFor: null };
  const answered = new Set<unknown>();
  const timers: NodeJS.Timeout[] = [];
  let instance!: autocannon.Instance;
  const measure = () => {
    if (state.window) return;
    state.window = new Window();
    state.start = performance.now();
    onMeasuring();
    timers.push(
      setTimeout(() => {
        state.end = performance.now();
        instance.stop();
      }, seconds * 1000),
    );
  };
  const measureWhenReady = () => {
    if (state.warmedUp && answered.size >= connections) measure();
  };
  try {
    const finished = new Promise<void>((resolve, reject) => {
      instance = autocannon(
        {
          url,
          connections,
          // Stopped by the timer above; the duration only bounds a server that never answers them all.
          duration: warmup + ALL_ANSWERED_WAIT_S + seconds + 5,
          timeout: 30,
          ...(writes && pool
            ? {
                maxOverallRequests: pool.left,
                requests: [
                  {
                    method: 'POST' as const,
                    headers: { ...headers, 'content-type': 'application/json' },
                    setupRequest: (req: autocannon.Request) => {
                      const entry = pool.take();
                      // Past the pool's end only when autocannon asks beyond maxOverallRequests: a path that answers 404, never a second score.
                      const { path, body } = entry ? writes.request(entry) : { path: '/pool-exhausted', body: '{}' };
                      return { ...req, path, body };
                    },
                  },
                ],
              }
            : { headers }),
        },
        (error) => (error ? reject(error) : resolve()),
      );
    });
    instance.on('response', (client: unknown, statusCode: number, resBytes: number, responseTime: number) => {
      const w = state.window;
      if (!w) {
        answered.add(client);
        measureWhenReady();
        return;
      }
      if (state.end) return;
      w.answers++;
      w.bytes += resBytes;
      w.lastAnswer = performance.now();
      if (statusCode >= 200 && statusCode < 300) w.latencies.push(responseTime);
      else w.non2xx++;
      if (statusCode >= 500) w.serverErrors++;
    });
    instance.on('reqError', () => {
      if (state.window && !state.end) state.window.socketErrors++;
    });
    timers.push(
      setTimeout(() => {
        state.warmedUp = true;
        measureWhenReady();
      }, warmup * 1000),
      setTimeout(() => {
        // Measured anyway: the connections still unanswered put their wait into the figures, and the run says so.
        if (!state.window) state.waitedFor = connections - answered.size;
        measure();
      }, (warmup + ALL_ANSWERED_WAIT_S) * 1000),
    );
    await finished;
  } finally {
    for (const timer of timers) clearTimeout(timer);
  }
  const counted = state.window;
  if (!counted) return pool ? null : new Window().outcome(0);
  // A write that used up its pool stopped before its time (autocannon notices a stop only at its
  // next tick of a second, so the stop timer may have fired after it ran out): measured to its last answer.
  const exhausted = pool !== undefined && pool.left === 0;
  const end = exhausted ? counted.lastAnswer || state.start : state.end || performance.now();
  return { ...counted.outcome(Math.min(seconds, (end - state.start) / 1000)), unansweredAtStart: state.waitedFor ?? 0 };
}

export async function underLoad(options: LoadOptions): Promise<Load> {
  const before = options.pids ? new MemorySampler(options.pids) : null;
  before?.sample();
  const sampling: { sampler: MemorySampler | null } = { sampler: null };
  const startSampling = () => {
    if (options.pids) sampling.sampler = new MemorySampler(options.pids).start();
  };
  try {
    let result: Outcome | null;
    if (options.largeBodies) {
      if (options.warmup > 0) {
        await loadDownloads(options.url, options.headers, options.connections, options.warmup);
        await options.settle();
      }
      startSampling();
      const d = await loadDownloads(options.url, options.headers, options.connections, options.seconds);
      result = { total: d.downloads, seconds: d.seconds, p50: d.p50, p99: d.p99, errors: d.errors, serverErrors: d.serverErrors, bytesPerAnswer: d.downloads ? d.bytes / d.downloads : 0 };
    } else {
      result = await run(options, options.seconds, startSampling);
    }
    // A write whose pool holds fewer entries than connections measures nothing (the run notes it).
    const outcome = result ?? { total: 0, seconds: 0, p50: 0, p99: 0, errors: 0, serverErrors: 0, bytesPerAnswer: 0 };
    const peakRss = sampling.sampler?.stop().peakProcess ?? 0;
    return {
      rps: outcome.seconds ? outcome.total / outcome.seconds : 0,
      p50: outcome.p50,
      p99: outcome.p99,
      errors: outcome.errors,
      serverErrors: outcome.serverErrors,
      bytesPerAnswer: outcome.bytesPerAnswer,
      peakRss,
      backlogMs: await options.settle(),
      rssBefore: before?.peakProcess ?? 0,
      seconds: outcome.seconds,
      unansweredAtStart: outcome.unansweredAtStart ?? 0,
    };
  } finally {
    sampling.sampler?.stop();
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
