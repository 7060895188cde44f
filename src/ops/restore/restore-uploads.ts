// Puts the archive's uploads into UPLOAD_FOLDER. Files of the same name are replaced; files the
// archive does not have are left alone (nothing refers to them, and a mistyped UPLOAD_FOLDER
// should cost nothing), and counted so the operator knows they are there.
import { copyFile, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Manifest } from '../backup/manifest.js';
import { UPLOADS_FOLDER } from '../backup/uploads.js';
import type { OnProgress } from '../data/progress.js';

export async function restoreUploads(dir: string, manifest: Manifest, folder: string, onProgress: OnProgress): Promise<{ restored: number; leftInPlace: number }> {
  const files = Object.keys(manifest.files).filter((path) => path.startsWith(`${UPLOADS_FOLDER}/`));
  const archived = new Set(files.map((path) => path.slice(UPLOADS_FOLDER.length + 1)));
  const leftInPlace = (await listRelative(folder)).filter((path) => !archived.has(path)).length;
  await mkdir(folder, { recursive: true });
  let done = 0;
  for (const path of files) {
    const to = join(folder, path.slice(UPLOADS_FOLDER.length + 1));
    await mkdir(dirname(to), { recursive: true });
    await moveFile(join(dir, path), to);
    onProgress({ step: 'restoring uploads', done: ++done, total: files.length, unit: 'files' });
  }
  return { restored: files.length, leftInPlace };
}

/** Files under the folder, as forward-slash paths relative to it. */
export async function listRelative(folder: string, prefix = ''): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(join(folder, prefix), { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const out: string[] = [];
  for (const entry of entries) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listRelative(folder, path)));
    else out.push(path);
  }
  return out;
}

async function moveFile(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    // The unpacked archive is usually on another disk (TMPDIR) than the uploads.
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    await copyFile(from, to);
    await rm(from, { force: true });
  }
}
