// `fms <command>`: thin commands that parse arguments, call server/, ops/ or a feature service,
// print, and set the exit code.
import { Command, CommanderError } from 'commander';
import { fmsVersion } from '../config/fms-version.js';

// `fms doctor | head -5`: the reader has gone, which is not the command's failure; stop quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const program = new Command();
program
  .name('fms')
  .description('FMS, the Faculty Management System: operators\' commands.\nConfiguration comes from the environment and ./.env (see .env.example).')
  .version(fmsVersion())
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

// Each command's module is loaded only when that command runs (all of them for help, --version or
// an unknown name): a command loads the services and packages it works with, and `fms serve` must
// not load those of backup, restore, import or the seed. Every process of a server runs this file
// (a cluster forks its workers from it), and the start is measured against 1 s (bench/RESULTS.md).
const commands: Record<string, () => Promise<(program: Command) => void>> = {
  serve: async () => (await import('./commands/serve.js')).registerServe,
  'wait-ready': async () => (await import('./commands/wait-ready.js')).registerWaitReady,
  reload: async () => (await import('./commands/reload.js')).registerReload,
  migrate: async () => (await import('./commands/migrate.js')).registerMigrate,
  backup: async () => (await import('./commands/backup.js')).registerBackup,
  restore: async () => (await import('./commands/restore.js')).registerRestore,
  db: async () => (await import('./commands/db.js')).registerDb,
  'seed-demo': async () => (await import('./commands/seed-demo.js')).registerSeedDemo,
  user: async () => (await import('./commands/user.js')).registerUser,
  import: async () => (await import('./commands/import.js')).registerImport,
  token: async () => (await import('./commands/token.js')).registerToken,
  maintenance: async () => (await import('./commands/maintenance.js')).registerMaintenance,
  doctor: async () => (await import('./commands/doctor.js')).registerDoctor,
  storage: async () => (await import('./commands/storage.js')).registerStorage,
};
const named = process.argv[2];
const wanted = named !== undefined && Object.hasOwn(commands, named) ? [commands[named]!] : Object.values(commands);
for (const register of await Promise.all(wanted.map((load) => load()))) register(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exitCode = error.exitCode;
  else throw error;
}
