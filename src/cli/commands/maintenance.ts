import type { Command } from 'commander';
import { readMaintenance, turnMaintenanceOff, turnMaintenanceOn } from '../../ops/maintenance.js';
import { run, withSession } from '../context.js';

// Maintenance works on a database with pending migrations: that is when operators need it.
const anySchema = { requireCurrentSchema: false };

export function registerMaintenance(program: Command) {
  const maintenance = program.command('maintenance').description('Show users a maintenance page on every instance while you upgrade');
  maintenance
    .command('on')
    .description('Turn maintenance mode on (health checks keep answering; `fms migrate` may run meanwhile)')
    .option('--message <text>', 'what users read, e.g. "Back at 10:00 after the spring upgrade."')
    .action((options: { message?: string }) =>
      run(() =>
        withSession(async ({ ctx }) => {
          const state = await turnMaintenanceOn(ctx, options.message);
          process.stdout.write(`Maintenance mode is on (every instance within a few seconds): "${state.message}"\n`);
        }, anySchema),
      ),
    );
  maintenance
    .command('off')
    .description('Turn maintenance mode off')
    .action(() =>
      run(() =>
        withSession(async ({ ctx }) => {
          await turnMaintenanceOff(ctx);
          process.stdout.write('Maintenance mode is off.\n');
        }, anySchema),
      ),
    );
  maintenance
    .command('status')
    .description('Say whether maintenance mode is on')
    .action(() =>
      run(() =>
        withSession(async ({ ctx }) => {
          const state = await readMaintenance(ctx);
          process.stdout.write(state ? `on since ${state.since}: "${state.message}"\n` : 'off\n');
        }, anySchema),
      ),
    );
}
