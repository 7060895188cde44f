// The local-folder driver: UPLOAD_FOLDER, as in the Flask app. A put writes a temporary dot-file
// beside its target and renames it into place, so readers never see half a file and a failed upload
// leaves nothing behind.
import { randomBytes } from 'node:crypto';
import { constants, createWriteStream, readFileSync } from 'node:fs';
import { access, mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  assertValidKey,
  assertValidPrefix,
  HashingCounter,
  isValidKey,
  ObjectNotFound,
  type ListedObject,
  type PutOptions,
  type PutResult,
  type Storage,
  type StorageHealth,
  type StoredObject,
} from './storage.js';

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

/** Who this process runs as, for messages: `fms (uid 998)`, and the chown target `fms:fms`. */
export function processUser(): { name: string; uid: number; owner: string; label: string } {
  const uid = process.getuid?.() ?? -1;
  const gid = process.getgid?.() ?? -1;
  let name = String(uid);
  try {
    name = userInfo().username;
  } catch {
    // A container user without a passwd entry: the uid is all there is.
  }
  const group = groupName(gid) ?? String(gid);
  return { name, uid, owner: `${name}:${group}`, label: `${name} (uid ${uid})` };
}

function groupName(gid: number): string | null {
  try {
    for (const line of readFileSync('/etc/group', 'utf8').split('\n')) {
      const [name, , id] = line.split(':');
      if (name && Number(id) === gid) return name;
    }
  } catch {
    // No /etc/group (Windows, a minimal container): fall back to the number.
  }
  return null;
}

/** Quotes a path for a shell command line when it needs it. */
function shellPath(path: string): string {
  return /^[A-Za-z0-9/._-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}

/** The nearest ancestor of `path` (or `path` itself) that exists but is not a folder. */
async function fileInTheWay(path: string): Promise<string | null> {
  for (let current = path; ; current = dirname(current)) {
    try {
      const info = await stat(current);
      return info.isDirectory() ? null : current;
    } catch {
      // Missing: look further up.
    }
    if (dirname(current) === current) return null;
  }
}

/** Explains why `folder` (UPLOAD_FOLDER) or `target`, a folder being made inside it, cannot be used. */
async function folderProblem(folder: string, error: NodeJS.ErrnoException, creating: boolean, target = folder): Promise<UploadFolderNotWritable> {
  const user = processUser();
  const where = `UPLOAD_FOLDER ${folder}`;
  const path = shellPath(folder);
  const culprit = error.code === 'ENOTDIR' || error.code === 'EEXIST' ? await fileInTheWay(target) : null;
  let message: string;
  if (culprit === folder)
    message = `${where} is a file, not a folder, so user ${user.label} cannot store uploads in it: set UPLOAD_FOLDER to a folder, or move the file away`;
  else if (culprit && target !== folder)
    message = `${where}: user ${user.label} cannot create ${target} because ${culprit} is a file: move that file out of the upload folder`;
  else if (culprit)
    message = `${where} cannot be created by user ${user.label} because ${culprit} is a file: set UPLOAD_FOLDER to another path, or move that file away`;
  else if (error.code === 'ENOENT')
    message = `${where} does not exist: create it for user ${user.label} with \`sudo mkdir -p ${path} && sudo chown -R ${user.owner} ${path}\``;
  else if (error.code === 'EROFS')
    message = `${where} is on a read-only file system for user ${user.label}: mount it read-write, or under systemd list it in ReadWritePaths= of fms.service`;
  else if (error.code === 'EACCES' || error.code === 'EPERM')
    message =
      creating && target === folder
        ? `${where} does not exist and user ${user.label} may not create it: run \`sudo mkdir -p ${path} && sudo chown -R ${user.owner} ${path}\``
        : `${where} is not writable by user ${user.label}${target !== folder ? ` (cannot create ${target})` : ''}: run \`sudo chown -R ${user.owner} ${path}\``;
  else message = `${where} is not usable by user ${user.label} (${error.code ?? error.message}): check the path and its permissions`;
  return new UploadFolderNotWritable(folder, user.name, message);
}

/** Throws UploadFolderNotWritable unless `folder` is an existing folder this process may write into. */
async function assertWritableFolder(folder: string, options: { create: boolean }): Promise<void> {
  try {
    if (options.create) await mkdir(folder, { recursive: true });
  } catch (error) {
    throw await folderProblem(folder, error as NodeJS.ErrnoException, true);
  }
  try {
    const info = await stat(folder);
    if (!info.isDirectory()) throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' });
    // W_OK alone would let a folder without search permission through; X_OK is needed to create in it.
    // access() also answers EROFS on a read-only mount (systemd's ProtectSystem), even for root.
    await access(folder, constants.W_OK | constants.X_OK);
  } catch (error) {
    throw await folderProblem(folder, error as NodeJS.ErrnoException, false);
  }
}

/** At server start: creates UPLOAD_FOLDER when it is missing, and refuses to go on if it cannot be written. */
export async function assertUploadFolderWritable(folder: string): Promise<void> {
  await assertWritableFolder(resolve(folder), { create: true });
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
      try {
        await mkdir(folder, { recursive: true });
      } catch (error) {
        throw await folderProblem(root, error as NodeJS.ErrnoException, true, folder);
      }
      const temporary = join(folder, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
      const hasher = new HashingCounter(options.size);
      try {
        // flush: the bytes are on disk before the rename makes the file visible.
        await pipeline(stream, hasher, createWriteStream(temporary, { flags: 'wx', flush: true }), { signal: options.signal });
        await rename(temporary, path);
      } catch (error) {
        await rm(temporary, { force: true });
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') throw await folderProblem(root, error as NodeJS.ErrnoException, false);
        throw error;
      }
      return hasher.result();
    },

    async get(key: string): Promise<StoredObject> {
      const path = pathOf(key);
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
      // The stream owns the handle and closes it at its end or when destroyed.
      return { stream: handle.createReadStream(), size: info.size };
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
      try {
        await assertWritableFolder(root, { create: false });
        return { ok: true };
      } catch (error) {
        return { ok: false, reason: (error as Error).message };
      }
    },

    describe: () => `folder ${root}`,

    async close() {},
  };
}
