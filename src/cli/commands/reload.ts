// `fms reload --pid N`: what `systemctl reload fms` runs. It sends SIGHUP to the primary of
// `fms serve` and waits for the outcome the primary writes (reload-status.ts), so that the reload
// command itself says whether the new code is serving (exit 0) or was refused and the old workers
// still serve (exit 1, with the reason): an operator never has to read the journal to know.
import type { Command } from 'commander';
import { processExists, workersOf } from '../../lib/serve-workers.js';
import { readReloadStatus } from '../../reload-status.js';
import { CliError, readConfig, run } from '../context.js';

export function registerReload(program: Command) {
  program
    .command('reload')
    .description('Replace the workers of a running `fms serve` with ones on the code now on disk, refusing no request (SIGHUP); waits for the outcome')
    .requiredOption('--pid <pid>', 'the process id of the `fms serve` primary (systemd: $MAINPID)')
    .option('--timeout <seconds>', 'give up waiting after this many seconds', '140')
    .action((options: { pid: string; timeout: string }) =>
      run(async () => {
        const config = readConfig();
        const pid = Number(options.pid);
        const seconds = Number(options.timeout);
        if (!Number.isInteger(pid) || pid < 2) throw new CliError('--pid takes the process id of the `fms serve` primary, e.g. --pid "$MAINPID"');
        if (!Number.isFinite(seconds) || seconds <= 0) throw new CliError('--timeout takes a number of seconds, e.g. --timeout 140');
        if (!processExists(pid)) throw new CliError(`No process ${pid} is running: is FMS started? (systemctl status fms)`);
        const old = workersOf(pid);
        if (!old.length) throw new CliError(`Process ${pid} has no \`fms serve\` workers: reloading needs the primary of \`fms serve\` in production mode or with --workers 2 or more.`);
        const before = readReloadStatus(config, pid)?.generation ?? 0;
        process.kill(pid, 'SIGHUP');
        const started = Date.now();
        while (Date.now() - started < seconds * 1000) {
          await new Promise((resolve) => setTimeout(resolve, 200));
          if (!processExists(pid)) throw new CliError(`The primary ${pid} exited during the reload: see \`journalctl -u fms\`.`);
          const status = readReloadStatus(config, pid);
          if (!status || status.generation <= before || status.state === 'reloading') continue;
          if (status.state === 'complete') {
            process.stdout.write(`Reloaded in ${((Date.now() - started) / 1000).toFixed(1)} s: workers ${old.join(', ')} replaced by ${(status.pids ?? workersOf(pid)).join(', ')}\n`);
            return;
          }
          if (status.state === 'ignored') throw new CliError(`The server did not reload: ${(status.reason ?? 'it was busy').replace(/\.$/, '')}. Try again in a moment.`);
          throw new CliError(`The reload was refused: ${(status.reason ?? 'a new worker could not start').replace(/\.$/, '')}. The old workers keep serving; fix the cause (for a pending migration: \`fms migrate\`) and reload again.`);
        }
        throw new CliError(`The reload did not finish within ${seconds} s: see \`journalctl -u fms\`.`);
      }),
    );
}
