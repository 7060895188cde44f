// Where `fms backup` puts its archives. Without --output: a `backups` folder in the data folder,
// the folder of the SQLite file or else the one holding UPLOAD_FOLDER. On the documented layout
// that is /var/lib/fms/backups, the folder fms-backup.service names; in a development checkout,
// ./var/backups. Archives hold password hashes, sessions and personal data, so a folder made here
// is 0700 whatever the umask, and the archive itself 0600 (create-backup.ts).
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Config } from '../../config/index.js';
import { prepareFolder } from '../../lib/writable-folder.js';
import { OpsError } from '../data/ops-error.js';

export const BACKUP_FOLDER_MODE = 0o700;
export const ARCHIVE_MODE = 0o600;
/** The folder the nightly unit (deploy/systemd/fms-backup.service) writes to. */
export const TIMER_BACKUP_FOLDER = '/var/lib/fms/backups';

const useAnotherFolder = `pass --output with another folder (fms-backup.service uses ${TIMER_BACKUP_FOLDER})`;

/** The default folder for the archives, or null when the configuration has no data folder on disk. */
export function defaultBackupFolder(config: Pick<Config, 'database' | 'storage'>): string | null {
  if (config.database.kind === 'sqlite' && config.database.file !== ':memory:') return join(dirname(config.database.file), 'backups');
  if (config.storage.kind === 'local') return join(dirname(config.storage.folder), 'backups');
  return null;
}

/**
 * The folder the archives go to, made (0700) if missing and checked writable, and the outermost
 * folder made for it (null when it was there); throws what to do otherwise.
 */
export async function prepareBackupFolder(config: Pick<Config, 'database' | 'storage'>, output: string | undefined): Promise<{ folder: string; made: string | null }> {
  const chosen = output ?? defaultBackupFolder(config);
  if (chosen === null)
    throw new OpsError(
      `Give the folder for the archives with --output DIR, e.g. --output ${TIMER_BACKUP_FOLDER} as fms-backup.service does: with PostgreSQL and uploads in S3 there is no data folder to put them in by default.`,
    );
  const folder = resolve(chosen);
  if (config.storage.kind === 'local' && isWithin(folder, resolve(config.storage.folder)))
    throw new OpsError(
      `The backup folder ${folder} is inside UPLOAD_FOLDER (${config.storage.folder}), so every archive would hold the ones before it: ${output === undefined ? 'pass --output with a folder outside it, or keep the uploads in a folder of their own (UPLOAD_FOLDER=/var/lib/fms/uploads)' : 'choose a folder outside it'}.`,
    );
  const label = `${output === undefined ? 'The default backup folder' : 'The backup folder (--output)'} ${folder}`;
  const { problem, made } = await prepareFolder({ label, purpose: 'write backups', elsewhere: useAnotherFolder }, folder, BACKUP_FOLDER_MODE);
  if (problem) throw new OpsError(problem.includes(useAnotherFolder) ? `${problem}.` : `${problem}; or ${useAnotherFolder}.`);
  return { folder, made };
}

function isWithin(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}
