// `fms db copy --from URL --to URL [--force]`: moves a department between databases, typically
// from SQLite to PostgreSQL when one server is no longer enough.
import type { Command } from 'commander';
import { openDatabaseUrl, targetFromUrl, type OpenedDatabase } from '../../ops/data/database-url.js';
import { copyDatabase } from '../../ops/db-copy/copy-database.js';
import { CliError, run } from '../context.js';
import { progressReporter } from './backup.js';

export function registerDb(program: Command) {
  const db = program.command('db').description('Database tools');
  db.command('copy')
    .description('Copy every table from one database to another (e.g. SQLite to PostgreSQL), reset sequences and compare row counts')
    .requiredOption('--from <url>', 'the source, e.g. sqlite:./var/fms.sqlite')
    .requiredOption('--to <url>', 'the target, e.g. postgres://fms:…@localhost/fms (migrated first)')
    .option('--force', 'replace a target that already holds data')
    .action((flags: { from: string; to: string; force?: boolean }) =>
      run(async () => {
        if (sameDatabase(flags.from, flags.to)) throw new CliError('--from and --to name the same database; give the database to copy into as --to.');
        const opened: OpenedDatabase[] = [];
        const progress = progressReporter();
        try {
          const source = openDatabaseUrl(flags.from);
          opened.push(source);
          const target = openDatabaseUrl(flags.to, { create: true });
          opened.push(target);
          const result = await copyDatabase(source.db, target.db, { force: flags.force, onProgress: progress.update });
          progress.stop();
          process.stdout.write(`Copied ${source.label} to ${target.label} in ${(result.milliseconds / 1000).toFixed(1)} s (schema ${result.migrations.at(-1)}).\n`);
          process.stdout.write(`  ${'table'.padEnd(20)} ${'source'.padStart(8)} ${'target'.padStart(8)}\n`);
          for (const t of result.tables) process.stdout.write(`  ${t.name.padEnd(20)} ${String(t.source).padStart(8)} ${String(t.target).padStart(8)}\n`);
          if (result.sequencesReset) process.stdout.write(`  ${result.sequencesReset} sequence(s) moved past the copied ids\n`);
          process.stdout.write('Every table has the same number of rows in both databases.\n');
        } finally {
          progress.stop();
          for (const o of opened) await o.db.destroy();
        }
      }),
    );
}

function sameDatabase(a: string, b: string): boolean {
  const [x, y] = [targetFromUrl(a), targetFromUrl(b)];
  return x.kind === 'sqlite' && y.kind === 'sqlite' ? x.file === y.file : x.url === y.url;
}
