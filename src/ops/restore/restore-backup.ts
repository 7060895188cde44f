// `fms restore ARCHIVE`: checks the archive, refuses to replace a department's data unless told
// --force, loads the database, restores the uploads and reports what is there now.
import type { ServiceContext } from '../../context.js';
import type { DatabaseTarget } from '../../config/index.js';
import type { Db } from '../../db/index.js';
import { describeContents, summarizeContents } from '../data/contents.js';
import { OpsError } from '../data/ops-error.js';
import { ignoreProgress, type OnProgress } from '../data/progress.js';
import { assertKnownMigrations } from '../data/schema-version.js';
import { compareCounts } from './checks.js';
import { loadDatabase, type LoadResult } from './load-database.js';
import { assertIntact, openArchive } from './open-archive.js';
import { listRelative, restoreUploads } from './restore-uploads.js';

export interface RestoreOptions {
  /** Replace a database that already holds data. */
  force?: boolean;
  onProgress?: OnProgress;
}

export interface RestoreResult extends LoadResult {
  /** Rows per table, from the manifest and as restored. */
  tables: { name: string; rows: number }[];
  uploads: { restored: number; leftInPlace: number } | null;
}

export type RestoreContext = Pick<ServiceContext, 'config'> & { db: Db; target?: DatabaseTarget };

export async function restoreBackup(ctx: RestoreContext, archive: string, options: RestoreOptions = {}): Promise<RestoreResult> {
  const onProgress = options.onProgress ?? ignoreProgress;
  const opened = await openArchive(archive, onProgress);
  try {
    const manifest = assertIntact(opened, archive);
    assertKnownMigrations(manifest.migrations, 'The archive');
    if (!options.force) await refuseToOverwrite(ctx, manifest.uploads.included);
    const loaded = await loadDatabase({ db: ctx.db, target: ctx.target ?? ctx.config.database }, opened.dir, manifest, onProgress);
    const mismatches = compareCounts(manifest.tables, loaded.counts).filter((c) => !c.ok);
    if (mismatches.length)
      throw new OpsError(`The restored database does not match the archive's manifest: ${mismatches.map((c) => `${c.item} (${c.detail})`).join('; ')}`);
    const uploads = manifest.uploads.included ? await restoreUploads(opened.dir, manifest, ctx.config.uploadFolder, onProgress) : null;
    return { ...loaded, tables: manifest.tables.map((t) => ({ name: t.name, rows: loaded.counts[t.name] ?? 0 })), uploads };
  } finally {
    await opened.close();
  }
}

async function refuseToOverwrite(ctx: RestoreContext, restoresUploads: boolean): Promise<void> {
  const contents = await describeContents(ctx.db);
  if (contents.rows)
    throw new OpsError(
      `The database already holds data (${summarizeContents(contents)}). A restore replaces all of it: run the command again with --force to overwrite it, or point DATABASE_URL at an empty database.`,
    );
  const files = restoresUploads ? await listRelative(ctx.config.uploadFolder) : [];
  if (files.length)
    throw new OpsError(
      `The uploads folder ${ctx.config.uploadFolder} already holds ${files.length} file(s), which the archive's files would replace: run the command again with --force, or point UPLOAD_FOLDER at an empty folder.`,
    );
}
