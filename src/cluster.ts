// `fms serve --workers N` (and every `fms serve` in production): a node:cluster primary that
// prepares the database once, forks N workers sharing one listening socket, replaces any worker
// that dies, replaces them all on SIGHUP without refusing a request, and on SIGTERM/SIGINT lets
// every worker finish its in-flight requests before exiting 0. The primary also owns what must exist
// once: the rotated LOG_FILE, the metrics port and the cluster-wide metrics.
import cluster, { type Worker } from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { AggregatorRegistry } from 'prom-client';
import { ConfigError, secretEstimateProblemsApart, workerEnvironment, type Config } from './config/index.js';
import { openLogFile, type LogStream } from './log-destination.js';
import { describeUrl, prepareForServing, printBanner, serveMetricsPort, socketModeFor, startServer, type ServeOptions } from './server.js';
import { clearStaleSocket } from './socket-file.js';
import { removeReloadStatus, writeReloadStatus, type ReloadStatus } from './reload-status.js';

const METRICS_REQUEST = 'fms:metrics-request';
const METRICS_REPLY = 'fms:metrics';
/**
 * A worker asks this before it listens, and the primary answers it once the secrets' strength
 * estimate has passed: the primary runs that estimate (zxcvbn, 0.3–0.7 s) while the workers load the
 * app, instead of before forking them, and no worker serves a request on a key that fails it.
 */
const MAY_SERVE = 'fms:may-serve';
/** A worker that cannot start (port taken, socket refused) says why before it exits. */
const START_FAILED = 'fms:start-failed';
/** Crash loops are slowed down: after this many deaths in a minute, wait before forking again. */
const CRASHES_BEFORE_BACKOFF = 5;
/** How long a stopped worker keeps answering the primary's handoffs (refusing them) before it exits. */
const HANDOFF_LINGER_MS = 1_000;
/** How long a reload waits for its new workers to listen before it gives up and keeps the old ones. */
const RELOAD_START_TIMEOUT_MS = 60_000;

export async function runCluster(config: Config, options: ServeOptions & { workers: number }): Promise<void> {
  if (cluster.isWorker) return runWorker(config, options);
  return runPrimary(config, options);
}

async function runPrimary(config: Config, options: ServeOptions & { workers: number }): Promise<void> {
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const logFile = config.logFile ? await openLogFile(config.logFile) : null;
  const log = (level: 'info' | 'warn' | 'error', msg: string, extra: Record<string, unknown> = {}) => {
    const line = JSON.stringify({ level: level === 'info' ? 30 : level === 'warn' ? 40 : 50, time: new Date().toISOString(), service: 'fms', role: 'primary', pid: process.pid, msg, ...extra });
    if (logFile) logFile.write(`${line}\n`);
    else process.stdout.write(`${line}\n`);
  };

  const aggregator = new AggregatorRegistry();
  // Taken before anything starts: a port held by another server fails this start cleanly.
  const metricsServer = config.metricsPort ? await serveMetricsPort(config.metricsPort, async () => ({ contentType: aggregator.contentType, body: await aggregator.clusterMetrics() })) : null;
  try {
    await prepareForServing(config, say);
    if (options.bind?.socket) await clearStaleSocket(options.bind.socket);
  } catch (error) {
    metricsServer?.close();
    throw error;
  }

  // One worker accepts its own connections from the shared socket (SCHED_NONE), instead of the
  // primary accepting them and handing each to it (Node's default round-robin on Linux). The
  // hand-off waits for the worker's acknowledgement, which a busy worker gives once per turn of its
  // event loop: a worker serving 64 connections took a new one every ~115 ms, so the 64th waited
  // 3.6 s for its first answer while every later request took ~100 ms (2026-12-07, `large`).
  // Accepting for itself saves the hand-off's round trip, not the turn: libuv 1.45 accepts one
  // connection per poll too (bench/RESULTS.md, "Issue 11, 2026-12-07, second session"). Several
  // workers keep round-robin: accepting for themselves, one idle worker wins nearly every
  // accept (20 of 20 requests in cluster-metrics-maintenance.test.ts), and connections a client
  // keeps open would stay on it once the load came. Set before the first fork.
  cluster.schedulingPolicy = options.workers === 1 ? cluster.SCHED_NONE : cluster.SCHED_RR;
  // With LOG_FILE the workers write to their stdout and the primary is the file's only writer,
  // so rotation never races between processes.
  cluster.setupPrimary({ silent: logFile !== null });
  let stopping = false;
  let announced = false;
  let reloading = false;
  let generation = 0;
  const deaths: number[] = [];
  /** The workers that serve and are replaced when they die: the newest generation. */
  let current = new Set<Worker>();
  /** Workers started by a reload that are not serving yet: each settles when it listens or fails. */
  const starting = new Map<Worker, { listening(): void; failed(reason: string): void }>();
  /** Whether the secrets' strength estimate has passed; until then, the workers that asked wait. */
  let secretsJudged = false;
  const waitingForWord = new Set<Worker>();

  const fork = (): Worker => {
    const worker = cluster.fork(workerEnvironment(config));
    if (logFile) pipeLines(worker, logFile);
    worker.on('message', (message: { type?: string; id?: string; reason?: string }) => {
      if (message?.type === MAY_SERVE) {
        if (secretsJudged) worker.send({ type: MAY_SERVE });
        else waitingForWord.add(worker);
        return;
      }
      if (message?.type === START_FAILED) {
        const candidate = starting.get(worker);
        if (candidate) return candidate.failed(message.reason ?? 'the worker could not start');
        if (announced) return;
        // Nothing is serving yet, so replacing the worker would only fail again: stop, say why.
        stopping = true;
        process.stderr.write(`fms: ${message.reason}\n`);
        for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
        metricsServer?.close();
        process.exitCode = 1;
        setTimeout(() => process.exit(1), 2_000).unref();
        return;
      }
      if (message?.type !== METRICS_REQUEST) return;
      aggregator.clusterMetrics().then(
        (body) => worker.send({ type: METRICS_REPLY, id: message.id, contentType: aggregator.contentType, body }),
        (error: Error) => worker.send({ type: METRICS_REPLY, id: message.id, error: error.message }),
      );
    });
    worker.on('listening', () => starting.get(worker)?.listening());
    return worker;
  };

  cluster.on('exit', (worker, code, signal) => {
    starting.get(worker)?.failed(`the worker exited (${signal ?? `code ${code}`}) before it listened`);
    // Retired workers and failed reload candidates are not replaced; only the serving generation is.
    if (stopping || !current.has(worker)) return;
    current.delete(worker);
    log('error', 'worker died; starting a replacement', { workerPid: worker.process.pid, code, signal });
    const now = Date.now();
    deaths.push(now);
    while (deaths.length && deaths[0]! < now - 60_000) deaths.shift();
    setTimeout(() => {
      if (!stopping) current.add(fork());
    }, deaths.length > CRASHES_BEFORE_BACKOFF ? 5_000 : 0);
  });

  cluster.on('listening', (_worker, address) => {
    if (announced) return;
    announced = true;
    const url = options.bind?.socket ? `unix:${options.bind.socket}` : describeUrl(config, options.bind ?? { host: config.host, port: config.port }, address.port);
    printBanner(config, url, say, options.workers).catch(() => {});
  });

  for (let i = 0; i < options.workers; i++) current.add(fork());

  // loadConfig did every other check of the secrets (`fms serve` reads the config with
  // estimateSecrets: false in the primary); the estimate runs now, on a thread of the primary
  // whose heap (zxcvbn's dictionaries) goes with it, while the workers load the app on their own
  // cores. A failure stops everything as loadConfig's refusal would have.
  const stopAll = () => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    metricsServer?.close();
  };
  let problems: string[];
  try {
    problems = await secretEstimateProblemsApart(config);
  } catch (error) {
    // The thread could not run (a build without its file, no memory): the workers must not wait
    // for a word that never comes, nor keep the primary alive.
    stopAll();
    throw error;
  }
  if (problems.length) {
    stopAll();
    throw new ConfigError(problems);
  }
  secretsJudged = true;
  for (const worker of waitingForWord) if (worker.isConnected()) worker.send({ type: MAY_SERVE });
  waitingForWord.clear();

  /** A new worker on the code now on disk, settled once it listens (or refused after RELOAD_START_TIMEOUT). */
  const startCandidate = (): { worker: Worker; ready: Promise<void> } => {
    const worker = fork();
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => settle(() => reject(new Error(`a new worker did not listen within ${RELOAD_START_TIMEOUT_MS / 1000} s`))), RELOAD_START_TIMEOUT_MS);
      const settle = (then: () => void) => {
        clearTimeout(timer);
        starting.delete(worker);
        then();
      };
      starting.set(worker, { listening: () => settle(resolve), failed: (reason) => settle(() => reject(new Error(reason))) });
    });
    return { worker, ready };
  };

  /** Waits for a worker to exit, killing it if it has not drained within SHUTDOWN_GRACE. */
  const retire = (worker: Worker): Promise<void> =>
    new Promise((resolve) => {
      if (worker.isDead()) return resolve();
      const force = setTimeout(() => worker.process.kill('SIGKILL'), config.shutdownGraceMs + 2_000);
      worker.once('exit', () => {
        clearTimeout(force);
        resolve();
      });
      worker.process.kill('SIGTERM');
    });

  // `systemctl reload fms`, as gunicorn does on SIGHUP: the new workers start on the code and
  // build now on disk and join the listening socket; only once all of them listen do the old ones
  // drain, one by one, so no request is refused. If a new worker cannot start (a pending
  // migration, a broken build), the old workers keep serving and the log says why.
  const reload = async () => {
    if (stopping) return;
    // Each SIGHUP gets its own number, so `fms reload` knows the answer is to its signal.
    const mine = ++generation;
    const report = (state: ReloadStatus['state'], extra: { reason?: string; pids?: number[] } = {}) => {
      try {
        writeReloadStatus(config, process.pid, { generation: mine, state, ...extra });
      } catch (error) {
        log('warn', `cannot write the reload status for fms reload: ${(error as Error).message}`);
      }
    };
    if (reloading || !announced) {
      const reason = reloading ? 'a reload is already under way' : 'the server is still starting';
      log('warn', `SIGHUP ignored: ${reason}`);
      report('ignored', { reason });
      return;
    }
    reloading = true;
    report('reloading');
    log('info', 'reload: starting new workers on the code now on disk', { workers: options.workers, oldPids: [...current].map((w) => w.process.pid) });
    const candidates = Array.from({ length: options.workers }, startCandidate);
    try {
      await Promise.all(candidates.map((c) => c.ready));
    } catch (error) {
      log('error', `reload failed: ${(error as Error).message}; the running workers keep serving`);
      await Promise.all(candidates.map((c) => retire(c.worker)));
      reloading = false;
      report('failed', { reason: (error as Error).message });
      return;
    }
    if (stopping) return;
    current = new Set(candidates.map((c) => c.worker));
    // Every other worker is old, including any that replaced a crashed one during the reload.
    const old = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !current.has(w));
    for (const worker of old) {
      if (stopping) return;
      await retire(worker);
    }
    reloading = false;
    const pids = [...current].map((w) => w.process.pid!);
    log('info', 'reload complete: every worker runs the code now on disk', { pids });
    report('complete', { pids });
  };

  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log('info', 'shutting down: workers finish their in-flight requests', { signal });
    metricsServer?.close();
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    for (const worker of workers) worker.process.kill('SIGTERM');
    const force = setTimeout(() => {
      log('error', 'graceful shutdown timed out; stopping the remaining workers');
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
      process.exit(1);
    }, config.shutdownGraceMs + 2_000);
    force.unref();
    const check = () => {
      if (Object.keys(cluster.workers ?? {}).length > 0) return;
      removeReloadStatus(config, process.pid);
      process.exit(0);
    };
    cluster.on('exit', check);
    check();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGHUP', () => void reload());
}

async function runWorker(config: Config, options: ServeOptions): Promise<void> {
  // prom-client answers the primary's requests for this worker's metrics only once an
  // AggregatorRegistry exists in the process.
  new AggregatorRegistry();
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    const primarysWord = askToServe();
    server = await startServer(config, {
      bind: options.bind,
      prepare: false,
      metrics: { collect: askPrimaryForMetrics },
      socketMode: socketModeFor(options.umask),
      beforeListen: () => primarysWord,
    });
  } catch (error) {
    process.send?.({ type: START_FAILED, reason: (error as Error).message });
    process.exit(1);
  }
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => process.exit(1), config.shutdownGraceMs);
    force.unref();
    server.close().then(
      // Linger before exiting: under round-robin (several workers, see runPrimary) the primary may
      // have handed this worker a new connection just before it learnt the worker stopped
      // listening. Alive, the worker refuses it and the primary gives it to another worker; gone,
      // the handoff would never be answered and that connection would hang until the client gave
      // up (seen once in 1,541 requests under a reload).
      () => setTimeout(() => process.exit(0), HANDOFF_LINGER_MS),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop);
  // Ctrl-C reaches every process of the group; the primary coordinates, the worker just drains.
  process.on('SIGINT', stop);
  // So does a hangup of the terminal: the primary reloads, the worker must not die of it.
  process.on('SIGHUP', () => {});
}

/** Settles when the primary says this worker may serve (see MAY_SERVE): asked at once, awaited before listening. */
function askToServe(): Promise<void> {
  return new Promise((resolve) => {
    const onMessage = (message: { type?: string }) => {
      if (message?.type !== MAY_SERVE) return;
      process.off('message', onMessage);
      resolve();
    };
    process.on('message', onMessage);
    process.send?.({ type: MAY_SERVE });
  });
}

function askPrimaryForMetrics(): Promise<{ contentType: string; body: string }> {
  return new Promise((resolve, reject) => {
    const id = randomUUID();
    const onMessage = (message: { type?: string; id?: string; contentType?: string; body?: string; error?: string }) => {
      if (message?.type !== METRICS_REPLY || message.id !== id) return;
      process.off('message', onMessage);
      clearTimeout(timer);
      if (message.error || message.body === undefined) reject(new Error(message.error ?? 'no metrics'));
      else resolve({ contentType: message.contentType ?? 'text/plain', body: message.body });
    };
    const timer = setTimeout(() => {
      process.off('message', onMessage);
      reject(new Error('the primary did not answer the metrics request in time'));
    }, 5_000);
    process.on('message', onMessage);
    process.send?.({ type: METRICS_REQUEST, id });
  });
}

function pipeLines(worker: Worker, out: LogStream): void {
  const write = (line: string) => {
    if (!line) return;
    out.write(line.startsWith('{') ? `${line}\n` : `${JSON.stringify({ level: 50, time: new Date().toISOString(), service: 'fms', pid: worker.process.pid, msg: line })}\n`);
  };
  for (const stream of [worker.process.stdout, worker.process.stderr]) {
    if (!stream) continue;
    // Split at \n only: node:readline on Node 24 also breaks at U+2028/U+2029, which JSON leaves
    // raw inside a log line's strings, and would cut one line in two.
    let pending = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop()!;
      for (const line of lines) write(line);
    });
    stream.on('end', () => write(pending));
  }
}
