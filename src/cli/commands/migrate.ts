import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { createDb } from '../../db/index.js';
import { migrateOrThrow, migrationStatus } from '../../db/migrator.js';
import { migrations } from '../../db/migrations/index.js';
import { readConfig, run } from '../context.js';

export function registerMigrate(program: Command) {
  program
    .command('migrate')
    .description('Apply pending database migrations')
    .option('--status', 'list migrations and whether each is applied; change nothing')
    .action((options: { status?: boolean }) =>
      run(async () => {
        const config = readConfig();
        if (options.status && config.database.kind === 'sqlite' && !existsSync(config.database.file)) {
          for (const name of Object.keys(migrations)) process.stdout.write(`pending  ${name}\n`);
          process.stdout.write(`${Object.keys(migrations).length} pending: run \`fms migrate\` (there is no database at ${config.database.file} yet; it will be created)\n`);
          return;
        }
        const db = createDb(config.database);
        try {
          if (options.status) {
            const all = await migrationStatus(db);
            for (const m of all) process.stdout.write(`${m.executedAt ? 'applied' : 'pending'}  ${m.name}${m.executedAt ? `  ${m.executedAt.toISOString()}` : ''}\n`);
            const pending = all.filter((m) => !m.executedAt).length;
            process.stdout.write(pending ? `${pending} pending: run \`fms migrate\`\n` : 'The database is up to date.\n');
            return;
          }
          const applied = await migrateOrThrow(db);
          process.stdout.write(applied.length ? `Applied ${applied.length} migration(s):\n${applied.map((n) => `  ${n}`).join('\n')}\n` : 'The database is up to date.\n');
        } finally {
          await db.destroy();
        }
      }),
    );
}
