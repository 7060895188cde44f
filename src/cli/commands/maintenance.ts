import type { Command } from 'commander';
import { readMaintenance, turnMaintenanceOff, turnMaintenanceOn } from '../../ops/maintenance.js';
import { openSession, run } from '../context.js';

export function registerMaintenance(program: Command) {
  const maintenance = program.command('maintenance').description('Show users a maintenance page on every instance while you upgrade');
  maintenance
    .command('on')
    .description('Turn maintenance mode on (health checks keep answering; `fms migrate` may run meanwhile)')
    .option('--message <text>', 'what users read, e.g. "Back at 10:00 after the spring upgrade."')
    .action((options: { message?: string }) =>
      run(async () => {
        const session = await openSession({ requireCurrentSchema: false });
        try {
          const state = await turnMaintenanceOn(session.ctx, options.message);
          process.stdout.write(`Maintenance mode is on (every instance within a few seconds): "${state.message}"\n`);
        } finally {
          await session.close();
        }
      }),
    );
  maintenance
    .command('off')
    .description('Turn maintenance mode off')
    .action(() =>
      run(async () => {
        const session = await openSession({ requireCurrentSchema: false });
        try {
          await turnMaintenanceOff(session.ctx);
          process.stdout.write('Maintenance mode is off.\n');
        } finally {
          await session.close();
        }
      }),
    );
  maintenance
    .command('status')
    .description('Say whether maintenance mode is on')
    .action(() =>
      run(async () => {
        const session = await openSession({ requireCurrentSchema: false });
        try {
          const state = await readMaintenance(session.ctx);
          process.stdout.write(state ? `on since ${state.since}: "${state.message}"\n` : 'off\n');
        } finally {
          await session.close();
        }
      }),
    );
}
