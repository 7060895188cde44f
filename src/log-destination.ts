// Where logs go: stdout (JSON lines) by default; with LOG_FILE, a file rotated by size and day
// with a bounded number of old files kept (pino-roll).
import { readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import type { Config } from './config/index.js';
import { processExists } from './lib/serve-workers.js';
import { prepareFolder, type FolderUse } from './lib/writable-folder.js';

export type LogStream = { write(line: string): boolean | void };

/** LOG_FILE's folder in the words of the shared folder diagnosis (here and in `fms doctor`). */
export function logFolderUse(folder: string): FolderUse {
  return { label: `the folder of LOG_FILE, ${folder}`, purpose: 'write logs', elsewhere: 'set LOG_FILE to a file in another folder' };
}

export async function openLogFile(logFile: NonNullable<Config['logFile']>): Promise<LogStream> {
  // The words `fms doctor` gives for the same folder (its `log folder` check), not a bare EACCES.
  const folder = dirname(logFile.path);
  const { problem } = await prepareFolder(logFolderUse(folder), folder);
  if (problem) throw new Error(problem);
  claimLogFile(logFile.path);
  pruneOldLogFiles(logFile.path, logFile.keep);
  // Loaded only with LOG_FILE: pino-roll brings all of date-fns (300 modules, a tenth of every start).
  const { default: pinoRoll } = await import('pino-roll');
  return (await pinoRoll({
    file: logFile.path,
    size: logFile.size,
    frequency: 'daily',
    mkdir: true,
    // The log holds client addresses and user names: for FMS's user only, whatever the umask (the
    // web server's group may open the socket, never the logs).
    mode: 0o600,
    // Every rotation keeps KEEP files besides the one being opened, counting the files earlier runs
    // left too (pino-roll alone counts only its own), so at most KEEP + 1 files stay: the disk
    // bound is (KEEP + 1) × SIZE. (The new file is opened just after the count, so KEEP, not KEEP + 1.)
    limit: { count: logFile.keep, removeOtherLogFiles: true },
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

export class LogFileInUse extends Error {}

/**
 * One writer per LOG_FILE. Two servers rotating the same files lose lines (each renames the file
 * the other is writing) and double the disk bound; a second instance on the host copied from the
 * first's fms.env is the usual way to get there. `<LOG_FILE>.lock` holds the writer's process id;
 * a lock whose process is gone is stale and taken over.
 */
export function claimLogFile(path: string): void {
  const lock = `${path}.lock`;
  try {
    writeFileSync(lock, String(process.pid), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const holder = Number(readFileSync(lock, 'utf8').trim());
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && processExists(holder))
      throw new LogFileInUse(
        `LOG_FILE ${path} is written by another FMS server (process ${holder}): give each server on this host its own LOG_FILE, e.g. ${join(dirname(path), `${basename(path, extname(path))}-2${extname(path) || '.log'}`)}, or stop the other one. (If no other server runs, delete ${lock}.)`,
      );
    writeFileSync(lock, String(process.pid), { mode: 0o600 });
  }
  process.once('exit', () => {
    try {
      if (readFileSync(lock, 'utf8').trim() === String(process.pid)) unlinkSync(lock);
    } catch {
      // already gone
    }
  });
}
