// `fms user …`: accounts from the command line, as the operator (the system actor); the same
// services as the Accounts page, each command one transaction.
import type { Command } from 'commander';
import { createAccount, findAccountByUsername, resetPassword, setAccountDisabled } from '../../features/accounts/service.js';
import { demoAccountsWithPublishedPasswords } from '../../seeds/demo-accounts.js';
import { CliError, openSession, readStdin, run } from '../context.js';

export function registerUser(program: Command) {
  const user = program.command('user').description('Manage sign-in accounts');

  user
    .command('create')
    .description('Create an account; prints a one-time password unless --password-stdin is given')
    .requiredOption('--username <name>', 'the sign-in name (3–64 letters, digits, . _ -)')
    .requiredOption('--role <role>', 'admin, lecturer or student')
    .option('--display-name <name>', 'the full name shown in the app')
    .option('--password-stdin', 'read the password from standard input instead of generating a one-time password')
    .action((options: { username: string; role: string; displayName?: string; passwordStdin?: boolean }) =>
      run(async () => {
        const password = options.passwordStdin ? await readStdin() : undefined;
        const session = await openSession();
        try {
          const created = await session.inTransaction((ctx) => createAccount(ctx, { username: options.username, role: options.role, displayName: options.displayName, password }));
          process.stdout.write(`Created ${created.user.role} account "${created.user.username}" (id ${created.user.id}).\n`);
          if (created.oneTimePassword)
            process.stdout.write(`One-time password (shown once; must be changed at the first sign-in): ${created.oneTimePassword}\n`);
        } finally {
          await session.close();
        }
      }),
    );

  user
    .command('reset-password')
    .description('Give an account a one-time password, unlock it, end its sessions and revoke its API tokens')
    .argument('<username>')
    .action((username: string) =>
      run(async () => {
        const session = await openSession();
        try {
          const account = await findAccountByUsername(session.ctx, username);
          const { oneTimePassword } = await session.inTransaction((ctx) => resetPassword(ctx, account.id));
          process.stdout.write(`One-time password for "${account.username}" (shown once; must be changed at the next sign-in): ${oneTimePassword}\n`);
        } finally {
          await session.close();
        }
      }),
    );

  user
    .command('disable')
    .description('Disable an account: it cannot sign in, its sessions end and its API tokens are revoked for good')
    .argument('[username]', 'the account to disable')
    .usage('<username> | --demo')
    .option(
      '--demo',
      'instead of one account: every demo account that still signs in with a published password (the ones production refuses to start with; demo accounts whose password was changed are left alone)',
    )
    .action((username: string | undefined, options: { demo?: boolean }) =>
      run(async () => {
        if (options.demo && username) throw new CliError(`Give a username or --demo, not both: \`fms user disable ${username}\` or \`fms user disable --demo\`.`);
        if (!options.demo && !username) throw new CliError('Name the account to disable (`fms user disable USERNAME`), or pass --demo for every demo account that still has a published password.');
        await (options.demo ? disableDemoAccounts() : setDisabled(username!, true));
      }),
    );

  user
    .command('enable')
    .description('Enable a disabled account again')
    .argument('<username>')
    .action((username: string) => run(() => setDisabled(username, false)));
}

async function setDisabled(username: string, disabled: boolean): Promise<void> {
  const session = await openSession();
  try {
    const account = await findAccountByUsername(session.ctx, username);
    await session.inTransaction((ctx) => setAccountDisabled(ctx, account.id, disabled, { via: 'cli' }));
    process.stdout.write(`Account "${account.username}" is ${disabled ? 'disabled' : 'enabled'}.\n`);
  } finally {
    await session.close();
  }
}

/** After copying a development database: every demo account with a published password, in one go. */
async function disableDemoAccounts(): Promise<void> {
  const session = await openSession();
  try {
    const usernames = await demoAccountsWithPublishedPasswords(session.ctx);
    if (!usernames.length) {
      process.stdout.write('No enabled demo account signs in with a published password: nothing to disable.\n');
      return;
    }
    const disabled = await session.inTransaction(async (ctx) => {
      const accounts = [];
      for (const username of usernames) {
        const account = await findAccountByUsername(ctx, username);
        await setAccountDisabled(ctx, account.id, true, { via: 'cli' });
        accounts.push(account);
      }
      return accounts;
    });
    process.stdout.write(`Disabled ${disabled.length} demo account(s) that signed in with a published password; their sessions ended and their API tokens were revoked:\n`);
    process.stdout.write(`  ${disabled.map((a) => a.username).join(', ')}\n`);
    if (disabled.some((a) => a.role === 'admin' || a.isAdmin))
      process.stdout.write('Administrators were among them: if you have no administrator of your own yet, create one with `fms user create --username NAME --role admin`.\n');
  } finally {
    await session.close();
  }
}
