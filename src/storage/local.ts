// The local-folder driver: UPLOAD_FOLDER, as in the Flask app. A put writes a temporary dot-file
// beside its target and renames it into place, so readers never see half a file and a failed upload
// leaves nothing behind; the file and then its folder are synced before the put returns, so a stored
// file survives a power cut as well as a crash (lib/durable-files.ts).
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { chmod, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  assertValidKey,
  assertValidPrefix,
  assertValidRange,
  clampRange,
  HashingCounter,
  isValidKey,
  ObjectNotFound,
  type ByteRange,
  type GetOptions,
  type ListedObject,
  type PutOptions,
  type PutResult,
  type Storage,
  type StorageHealth,
  type StoredObject,
} from './storage.js';
import { syncFolders, syncTop } from '../lib/durable-files.js';
import { diagnoseFolder, folderInUse, folderProblem, makeFolders, prepareFolder, processUser, type FolderDiagnosis, type FolderUse } from '../lib/writable-folder.js';

export { processUser };

/** UPLOAD_FOLDER cannot be used by this process; the message names the path, the user and the fix. */
export class UploadFolderNotWritable extends Error {
  constructor(
    readonly folder: string,
    readonly user: string,
    message: string,
  ) {
    super(message);
    this.name = 'UploadFolderNotWritable';
  }
}

/** UPLOAD_FOLDER in the words of the shared folder diagnosis. */
function uploadFolder(folder: string): FolderUse {
  return { label: `UPLOAD_FOLDER ${folder}`, purpose: 'store uploads', elsewhere: 'set UPLOAD_FOLDER to another folder' };
}

/**
 * Only FMS may read what it stores: nginx's user shares FMS's group (for the socket), so files are
 * 0600 and folders 0700 whatever the umask `fms serve` runs with.
 */
const FILE_MODE = 0o600;
const FOLDER_MODE = 0o700;

async function problemOf(folder: string, error: unknown, creating: boolean, target?: string): Promise<UploadFolderNotWritable> {
  const message = await folderProblem(uploadFolder(folder), folder, error as NodeJS.ErrnoException, creating, target);
  return new UploadFolderNotWritable(folder, processUser().name, message);
}

/** At server start: creates UPLOAD_FOLDER when it is missing, and refuses to go on if it cannot be written. */
export async function assertUploadFolderWritable(folder: string): Promise<void> {
  const root = resolve(folder);
  const { problem } = await prepareFolder(uploadFolder(root), root, FOLDER_MODE);
  if (problem) throw new UploadFolderNotWritable(root, processUser().name, problem);
}

/**
 * What `fms serve` would say about UPLOAD_FOLDER, without creating anything (`fms doctor`): the
 * same words, or that the folder is fine (or will be made at start).
 */
export function diagnoseUploadFolder(folder: string): Promise<FolderDiagnosis> {
  const root = resolve(folder);
  return diagnoseFolder(uploadFolder(root), root);
}

export function createLocalStorage(folder: string): Storage {
  const root = resolve(folder);

  const pathOf = (key: string): string => {
    assertValidKey(key);
    const path = join(root, ...key.split('/'));
    // Valid keys cannot escape the root; this second look costs nothing and guards future edits.
    if (!path.startsWith(root + sep)) throw new Error(`storage key ${key} resolves outside ${root}`);
    return path;
  };

  async function* walk(relative: string): AsyncGenerator<ListedObject> {
    let entries;
    try {
      entries = await readdir(relative ? join(root, ...relative.split('/')) : root, { withFileTypes: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return;
      throw error;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const key = relative ? `${relative}/${entry.name}` : entry.name;
      // Temporary dot-files and anything the app would never have written are not objects.
      if (!isValidKey(key)) continue;
      if (entry.isDirectory()) yield* walk(key);
      else if (entry.isFile()) {
        const info = await stat(join(root, ...key.split('/'))).catch(() => null);
        if (info) yield { key, size: info.size };
      }
    }
  }

  return {
    kind: 'local',

    async put(key: string, stream: Readable, options: PutOptions): Promise<PutResult> {
      const path = pathOf(key);
      const folder = dirname(path);
      let made: string | null;
      try {
        made = await makeFolders(folder, FOLDER_MODE);
      } catch (error) {
        throw await problemOf(root, error, true, folder);
      }
      const temporary = join(folder, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
      const hasher = new HashingCounter(options.size);
      try {
        // flush: the bytes are on disk before the rename makes the file visible.
        await pipeline(stream, hasher, createWriteStream(temporary, { flags: 'wx', flush: true, mode: FILE_MODE }), { signal: options.signal });
        // The umask may have narrowed the mode further (never widened it): make it exactly 0600.
        await chmod(temporary, FILE_MODE);
        await rename(temporary, path);
      } catch (error) {
        await rm(temporary, { force: true });
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') throw await problemOf(root, error, false);
        throw error;
      }
      // The new name, and the names of the folders up to UPLOAD_FOLDER (and UPLOAD_FOLDER's own if
      // it was made now), are on disk before the caller records the file (flush did its bytes).
      await syncFolders(folder, syncTop(root, made));
      return hasher.result();
    },

    async get(key: string, options: GetOptions = {}): Promise<StoredObject> {
      const path = pathOf(key);
      if (options.range) assertValidRange(options.range);
      let handle;
      try {
        handle = await open(path, 'r');
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') throw new ObjectNotFound(key);
        throw error;
      }
      const info = await handle.stat();
      if (!info.isFile()) {
        await handle.close();
        throw new ObjectNotFound(key);
      }
      let range: ByteRange | null = null;
      if (options.range) {
        try {
          range = clampRange(key, options.range, info.size);
        } catch (error) {
          await handle.close();
          throw error;
        }
      }
      // The stream owns the handle and closes it at its end or when destroyed. Only the range is read.
      const stream = range ? handle.createReadStream({ start: range.start, end: range.end }) : handle.createReadStream();
      return { stream, size: info.size, range, length: range ? range.end - range.start + 1 : info.size };
    },

    async delete(key: string): Promise<void> {
      try {
        await unlink(pathOf(key));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    },

    async exists(key: string): Promise<boolean> {
      const info = await stat(pathOf(key)).catch(() => null);
      return info?.isFile() ?? false;
    },

    async *list(prefix = ''): AsyncGenerator<ListedObject> {
      assertValidPrefix(prefix);
      // Start in the deepest folder the prefix names instead of walking the whole tree.
      const slash = prefix.lastIndexOf('/');
      const start = slash > 0 ? prefix.slice(0, slash) : '';
      for await (const object of walk(start)) if (object.key.startsWith(prefix)) yield object;
    },

    async check(): Promise<StorageHealth> {
      const problem = await folderInUse(uploadFolder(root), root);
      return problem ? { ok: false, reason: problem } : { ok: true };
    },

    describe: () => `folder ${root}`,

    async close() {},
  };
}
