import type { Command } from 'commander';
import { findAccountByUsername } from '../../features/accounts/service.js';
import { actorFromUser, createApiTokenAsOperator } from '../../features/auth/service.js';
import { CliError, openSession, run } from '../context.js';

export function registerToken(program: Command) {
  const token = program.command('token').description('Manage personal API tokens');
  token
    .command('create')
    .description('Create an API token for an account and print it alone on standard output')
    .requiredOption('--username <name>', 'the account the token acts as')
    .option('--name <name>', 'what the token is for', 'command line')
    .option('--expires-in-days <days>', 'days until it expires (default: never)')
    .action((options: { username: string; name: string; expiresInDays?: string }) =>
      run(async () => {
        const days = options.expiresInDays === undefined ? undefined : Number(options.expiresInDays);
        if (days !== undefined && !Number.isInteger(days)) throw new CliError('--expires-in-days takes a whole number of days, e.g. 90');
        const session = await openSession();
        try {
          const user = await findAccountByUsername(session.ctx, options.username);
          if (user.disabled) throw new CliError(`The account "${user.username}" is disabled; enable it first with \`fms user enable ${user.username}\`.`);
          const created = await session.inTransaction((ctx) => createApiTokenAsOperator({ ...ctx, actor: actorFromUser(user) }, { name: options.name, expiresInDays: days }));
          process.stdout.write(`${created.token}\n`);
        } finally {
          await session.close();
        }
      }),
    );
}
