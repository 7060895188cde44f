// The servers under test as child processes: started in a process group of their own so that the
// whole group (a cluster's primary and its workers) is stopped together, whatever happens to the run.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Server {
  name: string;
  url: string;
  pid: number;
  /** From spawn to the first answer of its readiness address. */
  readyMs: number;
  /** Every process of the server (a cluster's primary and workers). */
  pids(): number[];
  stop(): Promise<void>;
}

const running = new Set<Server>();

/** Stops every server still running (on a failure or an interrupt). */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((s) => s.stop()));
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-30).join('\n');
  } catch {
    return '';
  }
}

export interface StartOptions {
  name: string;
  command: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  port: number;
  /** Polled until it answers 200. */
  readyPath: string;
  /** Where the server's stdout and stderr go. */
  logFile: string;
  timeoutMs?: number;
}

export async function startServer(options: StartOptions): Promise<Server> {
  const log = openSync(options.logFile, 'a');
  const started = performance.now();
  let child: ChildProcess;
  try {
    child = spawn(options.command[0]!, options.command.slice(1), { env: options.env, cwd: options.cwd, stdio: ['ignore', log, log], detached: true });
  } finally {
    closeSync(log);
  }
  const pid = child.pid!;
  const url = `http://127.0.0.1:${options.port}`;
  const done = exited(child);
  let stopped = false;
  const server: Server = {
    name: options.name,
    url,
    pid,
    readyMs: 0,
    pids: () => processTree(pid),
    stop: async () => {
      if (stopped) return done;
      stopped = true;
      running.delete(server);
      signalGroup(pid, 'SIGTERM');
      const gone = await Promise.race([done.then(() => true), sleep(15_000).then(() => false)]);
      if (!gone) signalGroup(pid, 'SIGKILL');
      await done;
      // Workers a primary left behind (it died first) are in the same group.
      signalGroup(pid, 'SIGKILL');
    },
  };
  running.add(server);
  const deadline = started + (options.timeoutMs ?? 120_000);
  while (performance.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    const status = await fetch(`${url}${options.readyPath}`).then(
      (r) => r.arrayBuffer().then(() => r.status),
      () => 0,
    );
    if (status === 200) {
      server.readyMs = performance.now() - started;
      return server;
    }
    await sleep(10);
  }
  await server.stop();
  throw new Error(`${options.name} did not become ready at ${url}${options.readyPath} (exit ${child.exitCode ?? child.signalCode ?? 'none'}); its last output:\n${tail(options.logFile)}`);
}

function signalGroup(pid: number, signal: NodeJS.Signals) {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** The process and its descendants, from /proc (Linux). */
function processTree(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    try {
      const children = readFileSync(`/proc/${out[i]}/task/${out[i]}/children`, 'utf8').trim();
      if (children) out.push(...children.split(/\s+/).map(Number));
    } catch {
      // gone, or no /proc
    }
  }
  return out;
}

/** Resident memory of a process in bytes, or 0 when it is gone. */
function residentBytes(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Polls the resident memory of a server's processes while a measurement runs. */
export class MemorySampler {
  #timer: NodeJS.Timeout | null = null;
  /** The largest resident size one process reached. */
  peakProcess = 0;
  /** The largest sum over the server's processes. */
  peakTotal = 0;

  constructor(private readonly pids: () => number[], private readonly everyMs = 100) {}

  start(): this {
    this.sample();
    this.#timer = setInterval(() => this.sample(), this.everyMs);
    return this;
  }

  sample(): void {
    let total = 0;
    for (const pid of this.pids()) {
      const bytes = residentBytes(pid);
      total += bytes;
      if (bytes > this.peakProcess) this.peakProcess = bytes;
    }
    if (total > this.peakTotal) this.peakTotal = total;
  }

  stop(): this {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.sample();
    return this;
  }
}
