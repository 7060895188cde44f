// The two servers of a setup: FMS as an operator runs it (`fms serve` from dist/ in production
// mode), and the ceiling beside it (http/ceiling-server.ts).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { envSchema, secretVariables } from '../../src/config/schema.js';
// A port where nothing listens yet: the servers' own.
import { closedPort as freePort } from '../../test/services.js';
import type { CeilingSpec } from './ceiling-server.js';
import { startServer, type Server } from './processes.js';
import type { Setup } from './report.js';

const root = new URL('../../', import.meta.url).pathname;
export const distCli = join(root, 'dist/bundle/index.js');

/** What production needs, and the limiters' budgets out of reach (they stay in the path). */
export function fmsEnvironment(databaseUrl: string, uploads: string, secretKey: string): Record<string, string> {
  return {
    FMS_CONFIG: 'production',
    SECRET_KEY: secretKey,
    DATABASE_URL: databaseUrl,
    UPLOAD_FOLDER: uploads,
    RATELIMIT_STORAGE_URI: 'memory://',
    RATELIMIT_DEFAULT: '1000000000 per minute',
    API_RATELIMIT: '1000000000 per hour',
    // The assistant's own limit (30 questions a minute) would answer 429 to all but the first 30.
    ASSISTANT_RATELIMIT: '1000000000 per minute',
  };
}

/**
 * The variables FMS reads (its configuration's, a secret's _FILE, NODE_ENV when FMS_CONFIG is not
 * set, FMS_DEBUG's stack traces): none of the caller's may leak into the servers under test.
 */
const fmsVariables = new Set<string>([...Object.keys(envSchema.properties), ...secretVariables.map((name) => `${name}_FILE`), 'NODE_ENV', 'FMS_DEBUG']);

function inheritedEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !fmsVariables.has(name)));
}

/**
 * `fms serve --workers N` on a free port, ready when `/readyz` answers 200 (the time it took is the
 * cold start). The working folder is the run's, so no `.env` of the checkout is read.
 */
export async function startFms(setup: Setup, environment: Record<string, string>, workDir: string, logName: string): Promise<Server> {
  const port = await freePort();
  return startServer({
    name: `FMS (${setup.name})`,
    command: [process.execPath, distCli, 'serve', '--workers', String(setup.workers), '--bind', `127.0.0.1:${port}`],
    env: { ...inheritedEnvironment(), ...environment },
    cwd: workDir,
    port,
    readyPath: '/readyz',
    logFile: join(workDir, `${logName}.log`),
  });
}

export async function startCeiling(setup: Setup, spec: CeilingSpec, workDir: string): Promise<Server> {
  const specFile = join(workDir, `ceiling-${setup.id}.json`);
  writeFileSync(specFile, JSON.stringify(spec));
  const port = await freePort();
  const server = await startServer({
    name: `ceiling (${setup.name})`,
    command: [process.execPath, '--import', 'tsx', join(root, 'bench/http/ceiling-server.ts'), specFile],
    env: { ...inheritedEnvironment(), PORT: String(port), WORKERS: String(setup.workers) },
    cwd: root,
    port,
    readyPath: '/ready',
    logFile: join(workDir, `ceiling-${setup.id}.log`),
  });
  return server;
}
