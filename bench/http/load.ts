// One scenario under load: autocannon with N connections, a warm-up whose figures are dropped,
// then the measured run, while the server's resident memory is sampled.
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { MemorySampler } from './processes.js';

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
}

function run(url: string, headers: Record<string, string>, connections: number, seconds: number): Promise<autocannon.Result> {
  return autocannon({ url, headers, connections, duration: seconds, timeout: 30 });
}

export async function underLoad(options: LoadOptions): Promise<Load> {
  if (options.warmup > 0) {
    await run(options.url, options.headers, options.connections, options.warmup);
    await options.settle();
  }
  const sampler = options.pids ? new MemorySampler(options.pids).start() : null;
  try {
    const result = await run(options.url, options.headers, options.connections, options.seconds);
    const peakRss = sampler?.stop().peakProcess ?? 0;
    const answers = result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx'];
    return {
      rps: result.requests.total / result.duration,
      p50: result.latency.p50,
      p99: result.latency.p99,
      errors: result.non2xx + result.errors,
      serverErrors: result['5xx'],
      bytesPerAnswer: answers ? result.throughput.total / answers : 0,
      peakRss,
      backlogMs: await options.settle(),
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
