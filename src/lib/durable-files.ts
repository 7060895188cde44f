// What makes a written file survive a power cut or a kernel crash, not only a crash of FMS: its
// bytes forced to the disk (fsync) before it is renamed into place, and then the folder that holds
// the new name. Without the second step ext4, XFS and the others may come back with the old name,
// or none, although the write had been acknowledged ("nothing acknowledged is ever lost").
import { open } from 'node:fs/promises';
import { dirname, sep } from 'node:path';

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
 * After a name was made in `folder`: syncs it and each folder above it up to `top` (inclusive), so
 * the names of folders on the way are on disk too, whoever made them: another upload may have
 * made one a moment ago and not have synced its parent yet.
 */
export async function syncFolders(folder: string, top: string): Promise<void> {
  for (let current = folder; ; current = dirname(current)) {
    const last = current === top || dirname(current) === current;
    try {
      await syncFolder(current);
    } catch (error) {
      // The top may be a folder FMS does not own (the one above a backup folder it just made):
      // where it may not read it, that sync is out of its hands, and the write stands.
      if (!(last && (error as NodeJS.ErrnoException).code === 'EACCES')) throw error;
    }
    if (last) break;
  }
}

/**
 * The top of what syncFolders must reach for names made under `root`: root itself, or above it when
 * makeFolders made root too (`made`, the outermost folder it made).
 */
export function syncTop(root: string, made: string | null): string {
  return made !== null && !made.startsWith(root + sep) ? dirname(made) : root;
}

function cannotSyncFolders(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'EISDIR' || code === 'EPERM' || code === 'EINVAL' || code === 'ENOTSUP' || code === 'EBADF';
}
