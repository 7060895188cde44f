// The benchmark's PostgreSQL databases: one per scale, made on the server at BENCH_POSTGRES_URL (or
// FMS_TEST_POSTGRES_URL) and dropped at the end; a seeded copy may be kept as a template between runs.
import pg from 'pg';
import { hidePassword } from '../../src/ops/data/database-url.js';

/** Why PostgreSQL cannot be used, or null when it answers. */
export async function postgresProblem(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (error) {
    return `PostgreSQL is not reachable at ${hidePassword(url)} (${(error as Error).message}); start it with eval "$(scripts/start-test-services.sh)" or set BENCH_POSTGRES_URL`;
  } finally {
    await client.end().catch(() => {});
  }
}

/** The URL of another database on the same server. */
export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function onServer<T>(serverUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

export function createDatabase(serverUrl: string, name: string, template?: string): Promise<void> {
  return onServer(serverUrl, async (client) => {
    await client.query(`drop database if exists ${quoted(name)}`);
    await client.query(`create database ${quoted(name)}${template ? ` template ${quoted(template)}` : ''}`);
  });
}

export function dropDatabase(serverUrl: string, name: string): Promise<void> {
  // WITH (FORCE) ends connections a killed server may have left behind (PostgreSQL 13 and newer).
  return onServer(serverUrl, async (client) => void (await client.query(`drop database if exists ${quoted(name)} with (force)`)));
}

export function renameDatabase(serverUrl: string, from: string, to: string): Promise<void> {
  return onServer(serverUrl, async (client) => void (await client.query(`alter database ${quoted(from)} rename to ${quoted(to)}`)));
}

export function databaseExists(serverUrl: string, name: string): Promise<boolean> {
  return onServer(serverUrl, async (client) => (await client.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1);
}

/** Databases whose name starts with the prefix (old cached seeds to drop). */
export function databasesStartingWith(serverUrl: string, prefix: string): Promise<string[]> {
  return onServer(serverUrl, async (client) => (await client.query<{ datname: string }>('select datname from pg_database where starts_with(datname, $1)', [prefix])).rows.map((r) => r.datname));
}

/** The server's version and its random_page_cost, which decides some plans (docs/operators.md): the results name both. */
export function postgresVersion(serverUrl: string): Promise<string> {
  return onServer(serverUrl, async (client) => {
    const version = (await client.query<{ server_version: string }>('show server_version')).rows[0]!.server_version;
    const cost = (await client.query<{ random_page_cost: string }>('show random_page_cost')).rows[0]!.random_page_cost;
    return `${version}, random_page_cost ${cost}`;
  });
}
