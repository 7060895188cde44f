// Puts the archive's uploads into UPLOAD_FOLDER. Files of the same name are replaced; files the
// archive does not have are left alone (nothing refers to them, and a mistyped UPLOAD_FOLDER
// should cost nothing), and counted so the operator knows they are there. Restored files are 0600
// and the folders made for them 0700, as the server makes them, whatever the umask of the shell
// that ran `fms restore` and whatever modes the files had when they were archived.
import { chmod, copyFile, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { syncFile, syncFolder, syncTop } from '../../lib/durable-files.js';
import { makeFolders } from '../../lib/writable-folder.js';
import type { Manifest } from '../backup/manifest.js';
import { UPLOADS_FOLDER } from '../backup/uploads.js';
import type { OnProgress } from '../data/progress.js';

const UPLOAD_FILE_MODE = 0o600;
const UPLOAD_FOLDER_MODE = 0o700;

export async function restoreUploads(dir: string, manifest: Manifest, folder: string, onProgress: OnProgress): Promise<{ restored: number; leftInPlace: number }> {
  const files = Object.keys(manifest.files).filter((path) => path.startsWith(`${UPLOADS_FOLDER}/`));
  const archived = new Set(files.map((path) => path.slice(UPLOADS_FOLDER.length + 1)));
  const leftInPlace = (await listRelative(folder)).filter((path) => !archived.has(path)).length;
  // Restored means on disk, power cut included (lib/durable-files.ts): each file is synced as it is
  // moved, and each folder that gained a name, up to UPLOAD_FOLDER, once at the end.
  const top = syncTop(folder, await makeFolders(folder, UPLOAD_FOLDER_MODE));
  const parents = new Set<string>();
  let done = 0;
  for (const path of files) {
    const to = join(folder, path.slice(UPLOADS_FOLDER.length + 1));
    await makeFolders(dirname(to), UPLOAD_FOLDER_MODE);
    parents.add(dirname(to));
    // Before the move: the file never shows in UPLOAD_FOLDER with the mode it was archived with.
    await chmod(join(dir, path), UPLOAD_FILE_MODE);
    await moveFile(join(dir, path), to);
    // tar unpacked it without syncing; a rename moves the name, not the bytes to the disk.
    await syncFile(to);
    onProgress({ step: 'restoring uploads', done: ++done, total: files.length, unit: 'files' });
  }
  const synced = new Set<string>();
  for (const parent of parents)
    for (let current = parent; !synced.has(current); current = dirname(current)) {
      synced.add(current);
      await syncFolder(current);
      if (current === top || dirname(current) === current) break;
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
    await chmod(to, UPLOAD_FILE_MODE);
    await rm(from, { force: true });
  }
}
