// Retention: `fms backup --keep N` keeps the N newest archives in the folder and deletes older
// ones. Only files named like our archives are considered, so nothing else an operator keeps in
// the folder (notes, other tools' dumps, a partial archive being written) is ever deleted.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { OpsError } from '../data/ops-error.js';
import { listArchives } from './archive-name.js';

export const DEFAULT_KEEP = 14;

export async function pruneArchives(folder: string, keep: number): Promise<string[]> {
  if (!Number.isInteger(keep) || keep < 1) throw new OpsError(`--keep takes a whole number of archives of at least 1 (got ${keep}), e.g. --keep 14`);
  const archives = await listArchives(folder);
  const old = archives.slice(0, Math.max(0, archives.length - keep));
  for (const name of old) await rm(join(folder, name), { force: true });
  return old;
}
