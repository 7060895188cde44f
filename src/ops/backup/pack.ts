// Writing the archive: a gzip'd tar of the staging folder (manifest, database files) and the
// uploads, read in place through a link in the staging folder rather than copied first.
import { symlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { OnProgress } from '../data/progress.js';
import { UPLOADS_FOLDER } from './uploads.js';

export async function packArchive(
  staging: string,
  uploadFolder: string,
  files: { archivePath: string; size: number }[],
  out: string,
  mode: number,
  onProgress: OnProgress,
): Promise<void> {
  if (files.some((f) => f.archivePath.startsWith(`${UPLOADS_FOLDER}/`))) await symlink(uploadFolder, join(staging, UPLOADS_FOLDER), 'dir');
  const sizes = new Map(files.map((f) => [f.archivePath, f.size]));
  const total = files.reduce((sum, f) => sum + f.size, 0);
  let done = 0;
  onProgress({ step: 'writing the archive', done, total, unit: 'bytes' });
  // Reporting runs inside tar's stream events, where a throw would escape as an uncaught error.
  let reportFailure: unknown = null;
  const report = () => {
    try {
      onProgress({ step: 'writing the archive', done, total, unit: 'bytes' });
    } catch (error) {
      reportFailure ??= error;
    }
  };
  // Loaded here, not at start: only backups need it (lib/on-first-use.ts says why).
  const { create } = await import('tar');
  await create(
    {
      gzip: true,
      file: out,
      // Created with this mode, so the archive is never readable by others, not even half-written.
      mode,
      cwd: staging,
      portable: true,
      // Each listed path is stored as the regular file it is (lstat of the last component only),
      // so the uploads link itself never enters the archive.
      onWriteEntry: (entry) => {
        entry.on('end', () => {
          done += sizes.get(entry.path) ?? 0;
          report();
        });
      },
    },
    files.map((f) => f.archivePath),
  );
  if (reportFailure) throw reportFailure;
}
