// Which real services the suites can use. SQLite always; PostgreSQL and Redis when reachable at
// FMS_TEST_POSTGRES_URL / FMS_TEST_REDIS_URL (scripts/start-test-services.sh starts both). Under
// CI=true a missing service is a failure, never a silent skip.
import { createServer } from 'node:net';
import pg from 'pg';
import { Redis } from 'ioredis';

export type TestDatabase = 'sqlite' | 'postgres';

export const postgresUrl = process.env.FMS_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:55432/postgres';
export const redisUrl = process.env.FMS_TEST_REDIS_URL ?? 'redis://127.0.0.1:56379';
const inCi = process.env.CI === 'true';

async function reachable(check: () => Promise<void>, name: string, url: string): Promise<boolean> {
  try {
    await check();
    return true;
  } catch (error) {
    const message = `${name} is not reachable at ${url} (${(error as Error).message}). Start it with: eval "$(scripts/start-test-services.sh)"`;
    if (inCi) throw new Error(`CI=true requires ${message}`);
    process.stderr.write(`# skipping ${name} suites: ${message}\n`);
    return false;
  }
}

let postgresAvailable: Promise<boolean> | null = null;
export function isPostgresAvailable(): Promise<boolean> {
  postgresAvailable ??= reachable(
    async () => {
      const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 3000 });
      await client.connect();
      await client.end();
    },
    'PostgreSQL',
    postgresUrl,
  );
  return postgresAvailable;
}

let redisAvailable: Promise<boolean> | null = null;
export function isRedisAvailable(): Promise<boolean> {
  redisAvailable ??= reachable(
    async () => {
      const client = new Redis(redisUrl, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null });
      try {
        await client.connect();
        await client.ping();
      } finally {
        client.disconnect();
      }
    },
    'Redis',
    redisUrl,
  );
  return redisAvailable;
}

/** The databases every database-touching suite runs on: SQLite, plus PostgreSQL when it is up. */
export async function testDatabases(): Promise<TestDatabase[]> {
  return (await isPostgresAvailable()) ? ['sqlite', 'postgres'] : ['sqlite'];
}

/** A port on 127.0.0.1 where nothing listens: a service that is down. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
