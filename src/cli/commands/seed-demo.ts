import type { Command } from 'commander';
import { seedDemoDepartment } from '../../seeds/demo.js';
import { demoLogins } from '../../seeds/demo-logins.js';
import { CliError, openSession, run } from '../context.js';

export function registerSeedDemo(program: Command) {
  program
    .command('seed-demo')
    .description('Fill an empty database with the demo department (refused in production)')
    .action(() =>
      run(async () => {
        const session = await openSession();
        try {
          if (session.config.isProduction) throw new CliError('The demo department has published passwords and is never seeded in production.');
          const seeded = await session.db.transaction().execute((trx) => seedDemoDepartment({ ...session.ctx, db: trx }));
          if (!seeded) throw new CliError('The database already has accounts; the demo department is only seeded into an empty one.');
          process.stdout.write('Seeded the demo department. Sign in with:\n');
          for (const l of demoLogins) process.stdout.write(`  ${l.role.padEnd(9)} ${l.username} / ${l.password}\n`);
        } finally {
          await session.close();
        }
      }),
    );
}
