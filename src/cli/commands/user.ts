import type { Command } from 'commander';
import { createAccount, findAccountByUsername, resetPassword, setAccountDisabled } from '../../features/accounts/service.js';
import { openSession, readStdin, run } from '../context.js';

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

  for (const [name, disabled, description] of [
    ['disable', true, 'Disable an account: it cannot sign in, its sessions end and its API tokens are revoked for good'],
    ['enable', false, 'Enable a disabled account again'],
  ] as const) {
    user
      .command(name)
      .description(description)
      .argument('<username>')
      .action((username: string) =>
        run(async () => {
          const session = await openSession();
          try {
            const account = await findAccountByUsername(session.ctx, username);
            await session.inTransaction((ctx) => setAccountDisabled(ctx, account.id, disabled));
            process.stdout.write(`Account "${account.username}" is ${disabled ? 'disabled' : 'enabled'}.\n`);
          } finally {
            await session.close();
          }
        }),
      );
  }
}
