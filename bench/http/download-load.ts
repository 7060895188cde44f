// Load for a large download: N connections, each asking again as soon as its last byte came. Not
// autocannon: its HTTP parser in JavaScript reads about 38 MB/s here (RESULTS.md), so 64 downloads
// of 10 MiB would measure the load generator; Node's own client (llhttp) reads at memory speed.
// Requests still running when the time is up are abandoned, as autocannon abandons them; their
// bytes so far count towards the rate, which is the bytes delivered in downloads of the whole
// file: 64 downloads of 10 MiB take seconds each, so whole answers alone would count in steps of
// 64 in a short run. The latencies are of whole answers.
import { Agent, get, type ClientRequest } from 'node:http';
import { performance } from 'node:perf_hooks';

export interface DownloadLoad {
  /** Requests answered to their last byte within the time. */
  total: number;
  /** Whole downloads' worth of the bytes delivered, those of abandoned requests included. */
  downloads: number;
  seconds: number;
  p50: number;
  p99: number;
  /** Non-2xx answers and failed requests. */
  errors: number;
  serverErrors: number;
  bytes: number;
}

function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function loadDownloads(url: string, headers: Record<string, string>, connections: number, seconds: number): Promise<DownloadLoad> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const running = new Set<ClientRequest>();
  let stopped = false;
  const latencies: number[] = [];
  let errors = 0;
  let serverErrors = 0;
  let bytes = 0;
  let fileSize = 0;
  const once = () =>
    new Promise<void>((resolve) => {
      const started = performance.now();
      const done = (failed: boolean) => {
        running.delete(req);
        if (failed && !stopped) errors++;
        resolve();
      };
      const req = get(url, { agent, headers }, (response) => {
        const status = response.statusCode ?? 0;
        if (status >= 200 && status <= 299) fileSize ||= Number(response.headers['content-length'] ?? 0);
        response.on('data', (chunk: Buffer) => void (bytes += chunk.length));
        response.on('error', () => done(true));
        response.on('end', () => {
          if (stopped) return done(false);
          if (status < 200 || status > 299) errors++;
          if (status >= 500) serverErrors++;
          latencies.push(performance.now() - started);
          done(false);
        });
      });
      running.add(req);
      req.on('error', () => done(true));
    });
  const start = performance.now();
  let elapsed = seconds;
  const timer = setTimeout(() => {
    stopped = true;
    elapsed = (performance.now() - start) / 1000;
    for (const req of running) req.destroy();
  }, seconds * 1000);
  try {
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (!stopped) await once();
      }),
    );
  } finally {
    clearTimeout(timer);
    agent.destroy();
  }
  latencies.sort((a, b) => a - b);
  return { total: latencies.length, downloads: fileSize ? bytes / fileSize : 0, seconds: elapsed, p50: percentile(latencies, 50), p99: percentile(latencies, 99), errors, serverErrors, bytes };
}
