import type { Command } from 'commander';
import { readMaintenance, turnMaintenanceOff, turnMaintenanceOn } from '../../ops/maintenance.js';
import { MAINTENANCE_READ_EVERY_MS } from '../../plugins/maintenance.js';
import { run, withSession } from '../context.js';

// Maintenance works on a database with pending migrations: that is when operators need it.
const anySchema = { requireCurrentSchema: false };

/**
 * Every server reads the switch at most every MAINTENANCE_READ_EVERY_MS: the command returns only
 * once all of them follow it, so the backup that comes next in an upgrade sees no more writes, and
 * users are not sent to a server that is not back yet.
 */
async function untilEveryServerFollows(wait: boolean): Promise<void> {
  if (wait) await new Promise((resolve) => setTimeout(resolve, MAINTENANCE_READ_EVERY_MS + 500));
}

export function registerMaintenance(program: Command) {
  const maintenance = program.command('maintenance').description('Show users a maintenance page on every instance while you upgrade');
  maintenance
    .command('on')
    .description('Turn maintenance mode on (health checks keep answering; `fms migrate` may run meanwhile)')
    .option('--message <text>', 'what users read, e.g. "Back at 10:00 after the spring upgrade."')
    .option('--no-wait', `return at once instead of after every server has followed (${MAINTENANCE_READ_EVERY_MS / 1000} s)`)
    .action((options: { message?: string; wait: boolean }) =>
      run(() =>
        withSession(async ({ ctx }) => {
          const state = await turnMaintenanceOn(ctx, options.message);
          await untilEveryServerFollows(options.wait);
          process.stdout.write(`Maintenance mode is on${options.wait ? ' on every server' : ' (every server within a few seconds)'}: "${state.message}"\n`);
        }, anySchema),
      ),
    );
  maintenance
    .command('off')
    .description('Turn maintenance mode off')
    .option('--no-wait', `return at once instead of after every server has followed (${MAINTENANCE_READ_EVERY_MS / 1000} s)`)
    .action((options: { wait: boolean }) =>
      run(() =>
        withSession(async ({ ctx }) => {
          await turnMaintenanceOff(ctx);
          await untilEveryServerFollows(options.wait);
          process.stdout.write(`Maintenance mode is off${options.wait ? ' on every server' : ' (every server within a few seconds)'}.\n`);
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
