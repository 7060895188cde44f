// Where logs go: stdout (JSON lines) by default; with LOG_FILE, a file rotated by size and day
// with a bounded number of old files kept (pino-roll).
import { mkdirSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import pinoRoll from 'pino-roll';
import type { Config } from './config/index.js';

export type LogStream = { write(line: string): boolean | void };

export async function openLogFile(logFile: NonNullable<Config['logFile']>): Promise<LogStream> {
  mkdirSync(dirname(logFile.path), { recursive: true });
  pruneOldLogFiles(logFile.path, logFile.keep);
  return (await pinoRoll({
    file: logFile.path,
    size: logFile.size,
    frequency: 'daily',
    mkdir: true,
    limit: { count: logFile.keep },
  })) as LogStream;
}

/**
 * pino-roll removes only the files the running process rotated; files left by earlier runs would
 * pile up. At start, keep the newest `keep` files named like ours (fms.3.log, fms.2026-11-28.1.log)
 * and delete the rest.
 */
export function pruneOldLogFiles(path: string, keep: number): string[] {
  const dir = dirname(path);
  const ext = extname(path) || '.log';
  const stem = basename(path, extname(path));
  const ours = new RegExp(`^${stem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(\\d{4}-\\d{2}-\\d{2}(-\\d{2})?\\.)?\\d+${ext.replace('.', '\\.')}$`);
  const files = readdirSync(dir)
    .filter((name) => ours.test(name))
    .map((name) => ({ name, mtime: statSync(join(dir, name)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  const removed = files.slice(keep).map((f) => f.name);
  for (const name of removed) unlinkSync(join(dir, name));
  return removed;
}
