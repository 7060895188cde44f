import cluster from 'node:cluster';
import type { Command } from 'commander';
import { ConfigError, secretEstimateProblems } from '../../config/index.js';
import { runCluster } from '../../cluster.js';
import { parseBind, runsCluster, serveForever } from '../../server.js';
import { CliError, readConfig, run } from '../context.js';

export function registerServe(program: Command) {
  program
    .command('serve')
    .description('Run the web server (migrates and seeds the demo department first outside production)')
    .option('--bind <address>', 'HOST:PORT or unix:/path/fms.sock (default: HOST and PORT from the environment)')
    .option('--workers <n>', 'worker processes sharing the port (default: WEB_CONCURRENCY, else 1)')
    .option('--umask <mask>', 'octal mask for the unix socket\'s mode only, e.g. 007 gives 0660 so the web server\'s group may connect')
    .action((options: { bind?: string; workers?: string; umask?: string }) =>
      run(async () => {
        // A cluster primary judges how guessable the secrets are while its workers start (cluster.ts).
        const config = readConfig({ estimateSecrets: cluster.isWorker });
        const workers = options.workers === undefined ? undefined : Number(options.workers);
        if (workers !== undefined && (!Number.isInteger(workers) || workers < 1 || workers > 64))
          throw new CliError('--workers takes a whole number from 1 to 64, e.g. --workers 4');
        if (options.umask !== undefined && !/^[0-7]{3,4}$/.test(options.umask))
          throw new CliError('--umask takes an octal mask such as 007 or 0077');
        const serve = {
          bind: options.bind ? parseBind(options.bind) : undefined,
          umask: options.umask === undefined ? undefined : Number.parseInt(options.umask, 8),
        };
        const count = workers ?? config.workers;
        if (runsCluster(config, count)) await runCluster(config, { ...serve, workers: count });
        else {
          const problems = secretEstimateProblems(config);
          if (problems.length) throw new ConfigError(problems);
          await serveForever(config, serve);
        }
      }),
    );
}
