// `fms restore ARCHIVE [--force]`: puts a backup archive's database and uploads in place of the
// configured ones. Stop `fms serve` first: the app should not write while its database is replaced.
import type { Command } from 'commander';
import { openDatabaseUrl } from '../../ops/data/database-url.js';
import { restoreBackup } from '../../ops/restore/restore-backup.js';
import { readConfig, run } from '../context.js';
import { progressReporter } from './backup.js';

export function registerRestore(program: Command) {
  program
    .command('restore')
    .description('Restore a backup archive (database and uploads) into DATABASE_URL and UPLOAD_FOLDER, after checking it against its manifest')
    .argument('<archive>', 'an fms-backup-….tar.gz written by `fms backup`')
    .option('--force', 'replace a database and uploads folder that already hold data')
    .action((archive: string, flags: { force?: boolean }) =>
      run(async () => {
        const config = readConfig();
        // A search_path in DATABASE_URL must reach the migrator too (see openDatabaseUrl).
        const { db } = openDatabaseUrl(config.database.url, { create: true });
        const progress = progressReporter();
        try {
          const result = await restoreBackup({ config, db }, archive, { force: flags.force, onProgress: progress.update });
          progress.stop();
          process.stdout.write(`Restored ${archive} by ${result.method}${result.note ? ` (${result.note})` : ''}.\n`);
          for (const table of result.tables) process.stdout.write(`  ${table.name.padEnd(20)} ${String(table.rows).padStart(8)} rows\n`);
          if (result.uploads)
            process.stdout.write(`  uploads: ${result.uploads.restored} file(s) into ${config.uploadFolder}${result.uploads.leftInPlace ? `; ${result.uploads.leftInPlace} file(s) not in the archive were left in place` : ''}\n`);
          if (result.migrated.length) process.stdout.write(`  then applied ${result.migrated.length} newer migration(s): ${result.migrated.join(', ')}\n`);
        } finally {
          progress.stop();
          await db.destroy();
        }
      }),
    );
}
