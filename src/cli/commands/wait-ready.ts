// `fms wait-ready`: waits until the server answers, so that what comes next (systemd marking the
// unit started, `fms maintenance off` in an upgrade, the next instance of a rolling restart) never
// runs against a server that is still starting. The unit runs it as ExecStartPost.
import type { Command } from 'commander';
import { request } from 'node:http';
import { parseBind, type Bind } from '../../server.js';
import { CliError, readConfig, run } from '../context.js';

interface Probe {
  status: number;
  body: string;
}

function probe(bind: Bind, host: string, port: number, path: string, token: string | null): Promise<Probe> {
  return new Promise((resolve, reject) => {
    const target = bind.socket ? { socketPath: bind.socket } : { host: bind.host ?? host, port: bind.port ?? port };
    const req = request({ ...target, path, method: 'GET', headers: { host: 'localhost', ...(token ? { authorization: `Bearer ${token}` } : {}) } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.setTimeout(5_000, () => req.destroy(new Error('no answer within 5 s')));
    req.end();
  });
}

/** Why /readyz is not 200 yet, from its reasons when this caller may see them. */
function reasonOf(answer: Probe): string {
  try {
    const reason = (JSON.parse(answer.body) as { reason?: string }).reason;
    if (reason) return `${answer.status}: ${reason}`;
  } catch {
    // not JSON: a proxy's page, or an older server
  }
  return String(answer.status);
}

export function registerWaitReady(program: Command) {
  program
    .command('wait-ready')
    .description('Wait until the server on --bind answers /readyz with 200 (or only /healthz with --live); exits 1 after --timeout')
    .option('--bind <address>', 'HOST:PORT or unix:/path/fms.sock, as given to `fms serve` (default: HOST and PORT from the environment)')
    .option('--timeout <seconds>', 'give up after this many seconds', '60')
    .option('--live', 'wait only until the server listens and answers /healthz (not for its database and Redis)')
    .action((options: { bind?: string; timeout: string; live?: boolean }) =>
      run(async () => {
        const config = readConfig();
        const seconds = Number(options.timeout);
        if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) throw new CliError('--timeout takes a number of seconds from 1 to 3600, e.g. --timeout 60');
        const bind = options.bind ? parseBind(options.bind) : { host: config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host, port: config.port };
        const where = bind.socket ? `unix:${bind.socket}` : `${bind.host}:${bind.port}`;
        const path = options.live ? '/healthz' : '/readyz';
        const started = Date.now();
        let last = 'no attempt yet';
        while (Date.now() - started < seconds * 1000) {
          try {
            const answer = await probe(bind, config.host, config.port, path, config.metricsToken);
            if (answer.status === 200) {
              process.stdout.write(`FMS at ${where} is ${options.live ? 'up' : 'ready'} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
              return;
            }
            last = `${path} answered ${reasonOf(answer)}`;
          } catch (error) {
            const code = (error as NodeJS.ErrnoException).code;
            last = code === 'ENOENT' || code === 'ECONNREFUSED' ? `nothing listens on ${where} yet` : `${(error as Error).message}`;
          }
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
        throw new CliError(`FMS at ${where} was not ${options.live ? 'up' : 'ready'} within ${seconds} s (last: ${last}). See \`journalctl -u fms\` and \`fms doctor\`.`);
      }),
    );
}
