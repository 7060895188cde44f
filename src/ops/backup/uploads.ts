// The uploads folder as the archive sees it: every regular file under UPLOAD_FOLDER with its size
// and checksum. Listed after the database snapshot: the app saves a file before the row that
// points at it, so every file the snapshot refers to already exists when the folder is read.
import { lstat, readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { folderProblem } from '../../lib/writable-folder.js';
import { OpsError } from '../data/ops-error.js';
import type { OnProgress } from '../data/progress.js';
import { sha256File } from './manifest.js';

export const UPLOADS_FOLDER = 'uploads';

export interface UploadFile {
  /** Path inside the archive: uploads/<path under UPLOAD_FOLDER>, with forward slashes. */
  archivePath: string;
  size: number;
  sha256: string;
}

export async function listUploads(folder: string, onProgress: OnProgress): Promise<{ files: UploadFile[]; skipped: string[] }> {
  const found: { path: string; size: number }[] = [];
  const skipped: string[] = [];
  await walk(folder, found, skipped);
  const total = found.reduce((sum, f) => sum + f.size, 0);
  let done = 0;
  const files: UploadFile[] = [];
  for (const file of found) {
    onProgress({ step: 'reading uploads', done, total, unit: 'bytes' });
    const archivePath = `${UPLOADS_FOLDER}/${relative(folder, file.path).split(sep).join('/')}`;
    files.push({ archivePath, size: file.size, sha256: await sha256File(file.path) });
    done += file.size;
  }
  onProgress({ step: 'reading uploads', done, total, unit: 'bytes' });
  return { files, skipped };
}

async function walk(dir: string, found: { path: string; size: number }[], skipped: string[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // No uploads yet: the folder is created with the first one.
    if (code === 'ENOENT') return;
    // The words `fms serve` and `fms doctor` give for a folder this user may not read, with the fix.
    if (code === 'EACCES' || code === 'EPERM')
      throw new OpsError(`${await folderProblem({ label: `The uploads folder ${dir}`, purpose: 'read uploads', elsewhere: 'run the backup as the user FMS runs as' }, dir, error as NodeJS.ErrnoException, false)}.`);
    throw error;
  }
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await walk(path, found, skipped);
    else if (entry.isFile()) found.push({ path, size: (await lstat(path)).size });
    // Links and devices are not uploads the app wrote; following a link could archive anything.
    else skipped.push(path);
  }
}
