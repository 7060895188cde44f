// PostgreSQL's own pg_dump and pg_restore, when installed: exact, fast, and what a PostgreSQL
// operator already trusts. Found on PATH or in Debian's versioned folders; a tool older than the
// server cannot read it, so the newest one at least as new as the server is chosen.
import { execFile, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import type { Db } from '../../db/index.js';

const run = promisify(execFile);

export type PostgresTool = 'pg_dump' | 'pg_restore';

export interface FoundTool {
  path: string;
  major: number;
}

/** The server's major version (15 for 15.4). */
export async function serverMajor(db: Db): Promise<number> {
  const { rows } = await sql<{ v: string }>`select current_setting('server_version_num') as v`.execute(db);
  return Math.floor(Number(rows[0]!.v) / 10000);
}

/** The tool at least as new as `minimumMajor`, or the reason there is none. */
export async function findTool(tool: PostgresTool, minimumMajor: number): Promise<FoundTool | { missing: string }> {
  const found: FoundTool[] = [];
  for (const path of candidates(tool)) {
    const major = await toolMajor(path);
    if (major !== null && !found.some((f) => f.path === path)) found.push({ path, major });
  }
  const usable = found.filter((f) => f.major >= minimumMajor).sort((a, b) => b.major - a.major);
  if (usable[0]) return usable[0];
  if (!found.length) return { missing: `${tool} is not installed (install the postgresql-client package)` };
  return { missing: `${tool} ${Math.max(...found.map((f) => f.major))} is older than the server (${minimumMajor}): install postgresql-client-${minimumMajor}` };
}

function candidates(tool: PostgresTool): string[] {
  // PATH is read only to find the binary, as a shell would.
  const onPath = (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, tool));
  let versioned: string[] = [];
  try {
    versioned = readdirSync('/usr/lib/postgresql').map((v) => join('/usr/lib/postgresql', v, 'bin', tool));
  } catch {
    // not Debian's layout
  }
  return [...onPath, ...versioned];
}

async function toolMajor(path: string): Promise<number | null> {
  try {
    const { stdout } = await run(path, ['--version'], { timeout: 10_000 });
    const match = /(\d+)(?:\.\d+)?/.exec(stdout.replace(/^[^)]*\)/, ''));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/**
 * How to point a libpq tool at a URL: the URL without its password as --dbname, and the password
 * in PGPASSWORD, so it never shows in `ps` or a shell history.
 */
export function connectionFor(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const parsed = new URL(url);
  const password = decodeURIComponent(parsed.password);
  parsed.password = '';
  // libpq reads %20 as a space but not the "+" that URLSearchParams writes (options=-c+search_path…).
  const query = [...parsed.searchParams].map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`).join('&');
  parsed.search = query ? `?${query}` : '';
  // The child inherits this process's environment (PATH, locale, PGSSLROOTCERT…) plus the password.
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (password) env.PGPASSWORD = password;
  return { dbname: parsed.toString(), env };
}

/** Runs a tool; rejects with its own error output, which names what went wrong. */
export function runTool(path: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(path, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${path.split('/').pop()} failed (exit ${code}): ${stderr.trim()}`))));
  });
}
