// Why a folder that FMS must write into (UPLOAD_FOLDER, the folder of LOG_FILE) cannot be used, in
// words that name the path, the user, the variable and a fix that works. `fms serve` (which creates
// the folder), readiness (which needs it to exist) and `fms doctor` (which changes nothing) all ask
// here, so each says the same thing about the same folder.
import { readFileSync } from 'node:fs';
import { access, chmod, constants, mkdir, stat } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { dirname, parse, sep } from 'node:path';

/** Which folder, in the operator's words. */
export interface FolderUse {
  /** How messages name it: `UPLOAD_FOLDER /srv/fms/uploads`, `the folder of LOG_FILE, /var/log/fms`. */
  label: string;
  /** What this process does there: `store uploads`. */
  purpose: string;
  /** The other way out: `set UPLOAD_FOLDER to another folder`. */
  elsewhere: string;
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
      // Missing (or out of sight): look further up.
    }
    if (dirname(current) === current) return null;
  }
}

/** The outermost ancestor of `path` that exists and that this user may not enter (no search permission). */
async function closedAncestor(path: string): Promise<string | null> {
  const { root } = parse(path);
  const parts = path.slice(root.length).split(sep).filter(Boolean);
  let current = root;
  for (const part of parts.slice(0, -1)) {
    current = current === root ? `${root}${part}` : `${current}${sep}${part}`;
    try {
      await access(current, constants.X_OK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM') return current;
      return null;
    }
  }
  return null;
}

/**
 * What this user may not do in an existing folder FMS writes in ("readable": list it and sync it,
 * "writable", "searchable": reach what is inside), and whether the folder is the user's own.
 */
async function permissionsLacking(folder: string): Promise<{ lacks: string[]; owned: boolean }> {
  const lacks: string[] = [];
  for (const [mode, word] of [
    [constants.R_OK, 'readable'],
    [constants.W_OK, 'writable'],
    [constants.X_OK, 'searchable'],
  ] as const) {
    try {
      await access(folder, mode);
    } catch {
      lacks.push(word);
    }
  }
  const owner = await stat(folder).then((info) => info.uid, () => null);
  return { lacks, owned: owner !== null && owner === processUser().uid };
}

/**
 * Explains why `folder` cannot be used, from the error that using it gave. `creating`: the error
 * came from making `target` (the folder itself, or a folder inside it).
 */
export async function folderProblem(use: FolderUse, folder: string, error: NodeJS.ErrnoException, creating: boolean, target = folder): Promise<string> {
  const user = processUser();
  const where = use.label;
  const path = shellPath(folder);
  const culprit = error.code === 'ENOTDIR' || error.code === 'EEXIST' ? await fileInTheWay(target) : null;
  const closed = error.code === 'EACCES' || error.code === 'EPERM' ? await closedAncestor(target) : null;
  if (culprit === folder) return `${where} is a file, not a folder, so user ${user.label} cannot ${use.purpose} in it: ${use.elsewhere}, or move the file away`;
  if (culprit && target !== folder) return `${where}: user ${user.label} cannot create ${target} because ${culprit} is a file: move that file out of the folder`;
  if (culprit) return `${where} cannot be created by user ${user.label} because ${culprit} is a file: ${use.elsewhere}, or move that file away`;
  if (closed)
    return `${where} is inside ${closed}, which user ${user.label} may not enter: give it search permission (\`sudo chmod o+x ${shellPath(closed)}\`), or ${use.elsewhere}`;
  if (error.code === 'ENOENT') return `${where} does not exist: create it for user ${user.label} with \`sudo mkdir -p ${path} && sudo chown -R ${user.owner} ${path}\``;
  if (error.code === 'EROFS')
    return `${where} is on a read-only file system for user ${user.label}: mount it read-write, or under systemd list it in ReadWritePaths= of fms.service`;
  if ((error.code === 'EACCES' || error.code === 'EPERM') && creating && target === folder)
    return `${where} does not exist and user ${user.label} may not create it: run \`sudo mkdir -p ${path} && sudo chown -R ${user.owner} ${path}\``;
  if (error.code === 'EACCES' || error.code === 'EPERM') {
    const { lacks, owned } = await permissionsLacking(folder);
    // The user's own folder with a bit taken away needs the bit back; anyone else's, the folder.
    const fix = owned && lacks.length ? `sudo chmod u+rwx ${path}` : `sudo chown -R ${user.owner} ${path}`;
    return `${where} is not ${lacks.length ? lacks.join(' or ') : 'writable'} by user ${user.label}${target !== folder ? ` (cannot create ${target})` : ''}: run \`${fix}\``;
  }
  return `${where} is not usable by user ${user.label} (${error.code ?? error.message}): check the path and its permissions`;
}

/**
 * Makes `folder` and any missing parents with `mode` exactly, whatever the umask (which mkdir's own
 * mode only narrows). Answers the first (outermost) folder it made, or null when all were there.
 */
export async function makeFolders(folder: string, mode: number): Promise<string | null> {
  const first = await mkdir(folder, { recursive: true, mode });
  if (!first) return null;
  for (let current = folder; ; current = dirname(current)) {
    await chmod(current, mode);
    if (current === first || dirname(current) === current) break;
  }
  return first;
}

/**
 * An existing folder this process may create files in: W_OK alone would pass one it cannot search,
 * and one it cannot read could not be synced after a write (lib/durable-files.ts) nor listed.
 */
async function usableNow(use: FolderUse, folder: string): Promise<string | null> {
  try {
    const info = await stat(folder);
    if (!info.isDirectory()) throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' });
    // access() also answers EROFS on a read-only mount (systemd's ProtectSystem), even for root.
    await access(folder, constants.R_OK | constants.W_OK | constants.X_OK);
    return null;
  } catch (error) {
    return folderProblem(use, folder, error as NodeJS.ErrnoException, false);
  }
}

/**
 * At start: makes the folder (mode `mode`) when missing. Answers the problem, or null when it is
 * usable, and the outermost folder it made (null when there was nothing to make).
 */
export async function prepareFolder(use: FolderUse, folder: string, mode = 0o700): Promise<{ problem: string | null; made: string | null }> {
  let made: string | null;
  try {
    made = await makeFolders(folder, mode);
  } catch (error) {
    return { problem: await folderProblem(use, folder, error as NodeJS.ErrnoException, true), made: null };
  }
  return { problem: await usableNow(use, folder), made };
}

/** While running: the folder must exist and be writable; nothing is made. */
export function folderInUse(use: FolderUse, folder: string): Promise<string | null> {
  return usableNow(use, folder);
}

export type FolderDiagnosis = { problem: string } | { problem: null; exists: boolean };

/**
 * What `prepareFolder` would say, without making anything (`fms doctor`): a missing folder is fine
 * when its nearest existing ancestor is a folder this user may create in, and otherwise gets the
 * words the failed mkdir would have given.
 */
export async function diagnoseFolder(use: FolderUse, folder: string): Promise<FolderDiagnosis> {
  for (let current = folder; ; current = dirname(current)) {
    let isFolder: boolean;
    try {
      isFolder = (await stat(current)).isDirectory();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && dirname(current) !== current) continue;
      return { problem: await folderProblem(use, folder, error as NodeJS.ErrnoException, true) };
    }
    if (current === folder) {
      const problem = await usableNow(use, folder);
      return problem ? { problem } : { problem: null, exists: true };
    }
    if (!isFolder) return { problem: await folderProblem(use, folder, Object.assign(new Error('not a folder'), { code: 'ENOTDIR' }), true) };
    try {
      await access(current, constants.W_OK | constants.X_OK);
      return { problem: null, exists: false };
    } catch (error) {
      return { problem: await folderProblem(use, folder, error as NodeJS.ErrnoException, true) };
    }
  }
}
