// Where logs go: stdout (JSON lines) by default; with LOG_FILE, a file rotated by size and day
// with a bounded number of old files kept (pino-roll).
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import pinoRoll from 'pino-roll';
import type { Config } from './config/index.js';

export type LogStream = { write(line: string): boolean | void };

export async function openLogFile(logFile: NonNullable<Config['logFile']>): Promise<LogStream> {
  mkdirSync(dirname(logFile.path), { recursive: true });
  return (await pinoRoll({
    file: logFile.path,
    size: logFile.size,
    frequency: 'daily',
    mkdir: true,
    limit: { count: logFile.keep },
  })) as LogStream;
}
