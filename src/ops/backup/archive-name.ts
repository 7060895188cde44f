// Backup archives are named by the UTC instant they were taken, so a folder listing sorts them
// and an operator reads their age at a glance: fms-backup-20261128T183000Z.tar.gz. A second
// archive in the same second gets -2, -3… rather than overwriting the first.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { OpsError } from '../data/ops-error.js';

const PATTERN = /^fms-backup-(\d{8}T\d{6}Z)(?:-(\d+))?\.tar\.gz$/;

export function archiveStamp(at: Date): string {
  return at.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

/** The archive name for `at`, not clashing with the names already in the folder. */
export function archiveName(at: Date, taken: Iterable<string>): string {
  const names = new Set(taken);
  const stamp = archiveStamp(at);
  let name = `fms-backup-${stamp}.tar.gz`;
  for (let n = 2; names.has(name); n++) name = `fms-backup-${stamp}-${n}.tar.gz`;
  return name;
}

export function isArchiveName(name: string): boolean {
  return PATTERN.test(name);
}

/** Archive names in the folder, oldest first; other files are never touched. */
export async function listArchives(folder: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return names.filter(isArchiveName).sort(byAge);
}

function byAge(a: string, b: string): number {
  const [, stampA = '', nA = '1'] = PATTERN.exec(a) ?? [];
  const [, stampB = '', nB = '1'] = PATTERN.exec(b) ?? [];
  return stampA === stampB ? Number(nA) - Number(nB) : stampA < stampB ? -1 : 1;
}

/**
 * The archive a path names: the file itself, or the newest archive in a folder, so a restore drill
 * needs no shell to find it (`fms backup --verify /var/lib/fms/backups`, where only FMS may look).
 */
export async function archiveAt(path: string): Promise<string> {
  const info = await stat(path).catch(() => null);
  if (!info?.isDirectory()) return path;
  const newest = (await listArchives(path)).at(-1);
  if (!newest) throw new OpsError(`There is no fms-backup-….tar.gz archive in ${path}: give an archive, or the folder \`fms backup\` writes to.`);
  return join(path, newest);
}
