// `fms <command>`: thin commands that parse arguments, call server/, ops/ or a feature service,
// print, and set the exit code.
import { Command, CommanderError } from 'commander';
import { fmsVersion } from '../config/fms-version.js';
import { registerBackup } from './commands/backup.js';
import { registerDb } from './commands/db.js';
import { registerDoctor } from './commands/doctor.js';
import { registerMaintenance } from './commands/maintenance.js';
import { registerMigrate } from './commands/migrate.js';
import { registerRestore } from './commands/restore.js';
import { registerSeedDemo } from './commands/seed-demo.js';
import { registerServe } from './commands/serve.js';
import { registerStorage } from './commands/storage.js';
import { registerToken } from './commands/token.js';
import { registerUser } from './commands/user.js';
import { registerImport } from './commands/import.js';
import { registerReload } from './commands/reload.js';
import { registerWaitReady } from './commands/wait-ready.js';

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

registerServe(program);
registerWaitReady(program);
registerReload(program);
registerMigrate(program);
registerBackup(program);
registerRestore(program);
registerDb(program);
registerSeedDemo(program);
registerUser(program);
registerImport(program);
registerToken(program);
registerMaintenance(program);
registerDoctor(program);
registerStorage(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exitCode = error.exitCode;
  else throw error;
}
