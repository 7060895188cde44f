// What makes a written file survive a power cut or a kernel crash, not only a crash of FMS: its
// bytes forced to the disk (fsync) before it is renamed into place, and then the folder that holds
// the new name. Without the second step ext4, XFS and the others may come back with the old name,
// or none, although the write had been acknowledged ("nothing acknowledged is ever lost").
import { open } from 'node:fs/promises';
import { dirname } from 'node:path';

/** fsync of a file another library wrote (tar): a read-only handle flushes the same inode. */
export async function syncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * fsync of a folder, so the names created, renamed or removed in it are on disk. A platform or file
 * system that cannot open or sync a folder (Windows; some network mounts answer EINVAL) has nothing
 * more to offer, and the write stands as it is.
 */
export async function syncFolder(folder: string): Promise<void> {
  let handle;
  try {
    handle = await open(folder, 'r');
  } catch (error) {
    if (cannotSyncFolders(error)) return;
    throw error;
  }
  try {
    await handle.sync();
  } catch (error) {
    if (!cannotSyncFolders(error)) throw error;
  } finally {
    await handle.close();
  }
}

/**
 * After a file was renamed into `folder`: syncs it and, when `made` (the first folder that
 * makeFolders created for it) is given, every folder from made's parent down, since a new folder's
 * own name lives in its parent.
 */
export async function syncFolders(folder: string, made: string | null): Promise<void> {
  const stop = made ? dirname(made) : folder;
  for (let current = folder; ; current = dirname(current)) {
    await syncFolder(current);
    if (current === stop || dirname(current) === current) break;
  }
}

function cannotSyncFolders(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'EISDIR' || code === 'EPERM' || code === 'EINVAL' || code === 'ENOTSUP' || code === 'EBADF';
}
