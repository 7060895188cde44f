// The outcome of the last reload, written by the primary of `fms serve` for `fms reload` to read:
// the primary is the only one who knows whether its new workers listened or were refused, and a
// failure can come and go faster than anyone watching the process list would notice.
// The file lives in systemd's RuntimeDirectory (/run/fms, shared by ExecStart and ExecReload) or
// the temporary folder, named after the primary's process id so two servers never share one.
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from './config/index.js';

export interface ReloadStatus {
  /** 1 for the first reload of this primary, then 2, … */
  generation: number;
  /** ignored: a SIGHUP while the server was still starting or already reloading. */
  state: 'reloading' | 'complete' | 'failed' | 'ignored';
  /** Why it failed or was ignored, as logged. */
  reason?: string;
  /** The worker pids serving once complete. */
  pids?: number[];
}

export function reloadStatusFile(config: Pick<Config, 'runtimeDirectory'>, primaryPid: number): string {
  return join(config.runtimeDirectory ?? tmpdir(), `fms-reload-${primaryPid}.json`);
}

/** Written whole (a rename), so a reader never sees half a status. */
export function writeReloadStatus(config: Pick<Config, 'runtimeDirectory'>, primaryPid: number, status: ReloadStatus): void {
  const file = reloadStatusFile(config, primaryPid);
  writeFileSync(`${file}.tmp`, JSON.stringify(status), { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

export function readReloadStatus(config: Pick<Config, 'runtimeDirectory'>, primaryPid: number): ReloadStatus | null {
  try {
    return JSON.parse(readFileSync(reloadStatusFile(config, primaryPid), 'utf8')) as ReloadStatus;
  } catch {
    return null;
  }
}

export function removeReloadStatus(config: Pick<Config, 'runtimeDirectory'>, primaryPid: number): void {
  rmSync(reloadStatusFile(config, primaryPid), { force: true });
}
