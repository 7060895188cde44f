// `fms backup --verify ARCHIVE`: the restore drill. Checks every file against the manifest, then
// restores into a scratch database and compares every table's row count with the manifest, and
// removes the scratch database again. The archive is good only if every item passes. When the
// archive's pg_dump file could not be the one restored (no CREATEDB, no pg_restore, a SQLite
// drill), a WARN says so and why: the drill then proved the JSON-lines dump only.
import type { Config } from '../../config/index.js';
import { ignoreProgress, type OnProgress } from '../data/progress.js';
import { assertKnownMigrations } from '../data/schema-version.js';
import { compareCounts, fail, pass, warn, type ItemCheck } from './checks.js';
import { loadDatabase } from './load-database.js';
import { openArchive } from './open-archive.js';
import { openScratchDatabase } from './scratch-database.js';

export interface VerifyResult {
  ok: boolean;
  checks: ItemCheck[];
}

export async function verifyBackup(ctx: { config: Pick<Config, 'database'> }, archive: string, options: { onProgress?: OnProgress } = {}): Promise<VerifyResult> {
  const onProgress = options.onProgress ?? ignoreProgress;
  const opened = await openArchive(archive, onProgress);
  try {
    const checks = [...opened.checks];
    const manifest = opened.manifest;
    if (!manifest || !opened.ok) {
      checks.push(fail('restore', 'not attempted: the archive failed the checks above'));
      return { ok: false, checks };
    }
    try {
      assertKnownMigrations(manifest.migrations, 'The archive');
    } catch (error) {
      checks.push(fail('restore', (error as Error).message));
      return { ok: false, checks };
    }
    const scratch = await openScratchDatabase(ctx.config.database, manifest);
    try {
      const loaded = await loadDatabase(scratch, opened.dir, manifest, onProgress);
      const why = scratch.refused ?? loaded.note;
      const aside = scratch.refused ? 'no scratch database for pg_restore: see the WARN below' : loaded.note;
      checks.push(pass('restore', `into ${scratch.label} by ${loaded.method}${aside ? ` (${aside})` : ''}`));
      checks.push(...compareCounts(manifest.tables, loaded.counts));
      if (manifest.snapshot.kind === 'pg_dump' && loaded.method !== 'pg_restore') checks.push(warn('pg_dump snapshot', notTestRestored(why)));
    } catch (error) {
      checks.push(fail('restore', `into ${scratch.label}: ${(error as Error).message}`));
    } finally {
      await scratch.drop();
    }
    return { ok: checks.every((c) => c.ok), checks };
  } finally {
    await opened.close();
  }
}

/** The WARN's words: what the drill did not prove, why, and (from the reason) how to make it. */
function notTestRestored(why: string | null): string {
  return `The archive's pg_dump file was not test-restored${why ? `: ${why}` : ''}. The drill restored its JSON-lines dump instead and proves that copy only, while \`fms restore\` into PostgreSQL uses the pg_dump file.`;
}
