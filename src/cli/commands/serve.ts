import type { Command } from 'commander';
import { parseBind, serveForever } from '../../server.js';
import { readConfig, run } from '../context.js';

export function registerServe(program: Command) {
  program
    .command('serve')
    .description('Run the web server (migrates and seeds the demo department first outside production)')
    .option('--bind <address>', 'HOST:PORT or unix:/path/fms.sock (default: HOST and PORT from the environment)')
    .action((options: { bind?: string }) =>
      run(async () => {
        const config = readConfig();
        await serveForever(config, options.bind ? parseBind(options.bind) : undefined);
      }),
    );
}
