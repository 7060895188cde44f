// Database failures as the operator reads them: the engine, host, port, database and user, the
// driver's words, DATABASE_URL and the percent-encoding hint, and never a piece of the password.
// The failures are real: a closed port, an unknown role and database on the test PostgreSQL, a
// password whose @ and # send pg to a host named after a piece of it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { closedPort, isPostgresAvailable, postgresUrl } from '../../test/services.js';
import type { DatabaseTarget } from '../config/index.js';
import { databaseFailure, DatabaseUnreachable, describeDatabase, describeDatabaseFailure, isConnectionFailure } from './connection-failure.js';
import { createDb } from './index.js';

/** What `fms serve` or `fms doctor` would see first: the error of a `select 1`. */
async function failureOf(target: DatabaseTarget): Promise<unknown> {
  let db;
  try {
    db = createDb(target);
    await sql`select 1`.execute(db);
  } catch (error) {
    return error;
  } finally {
    await db?.destroy();
  }
  assert.fail(`${target.url} answered`);
}

const postgres = (url: string): DatabaseTarget => ({ kind: 'postgres', url });

describe('database connection failures', () => {
  test('a closed port: PostgreSQL, host, port, database, user, the refusal and DATABASE_URL', async () => {
    const port = await closedPort();
    const target = postgres(`postgres://fms:Secret-Pass-1@127.0.0.1:${port}/fms`);
    const error = await failureOf(target);
    assert.ok(isConnectionFailure(error));
    assert.equal(
      describeDatabaseFailure(target, error),
      `Cannot reach PostgreSQL at 127.0.0.1:${port}/fms as fms: connect ECONNREFUSED 127.0.0.1:${port}. Check DATABASE_URL (percent-encode @ : / # ? in the password).`,
    );
  });

  test('an unknown role and an unknown database on a running PostgreSQL', async (t) => {
    if (!(await isPostgresAvailable())) return t.skip('PostgreSQL is not running');
    const url = new URL(postgresUrl);
    url.username = 'no_such_role_fms';
    const role = postgres(url.href);
    const refused = await failureOf(role);
    assert.ok(isConnectionFailure(refused));
    assert.match(describeDatabaseFailure(role, refused), new RegExp(`^Cannot reach PostgreSQL at ${url.hostname}:${url.port}/\\S+ as no_such_role_fms: role "no_such_role_fms" does not exist\\. Check DATABASE_URL`));

    const missing = new URL(postgresUrl);
    missing.pathname = '/no_such_database_fms';
    const database = postgres(missing.href);
    const absent = await failureOf(database);
    assert.ok(isConnectionFailure(absent));
    assert.match(describeDatabaseFailure(database, absent), /^Cannot reach PostgreSQL at \S+:\d+\/no_such_database_fms as \S+: database "no_such_database_fms" does not exist\. Check DATABASE_URL/);
  });

  test('a password with @ and # as they are: the host meant, the hint, and no piece of the password', async () => {
    // pg reads "tpiece" (between the first @ and the #) as the host and reports ENOTFOUND tpiece.
    const target = postgres('postgres://fms:s3cr@tpiece#zq9x@127.0.0.1:5432/fms');
    const error = await failureOf(target);
    assert.ok(isConnectionFailure(error));
    assert.match(String((error as Error).message), /tpiece/, 'the driver names the piece');
    const message = describeDatabaseFailure(target, error);
    assert.match(message, /^Cannot reach PostgreSQL at 127\.0\.0\.1:5432\/fms as fms: getaddrinfo \S+ …\. Check DATABASE_URL: its password holds @ \/ \? or # as they are/);
    assert.match(message, /percent-encode @ : \/ # \? in the password \(@ is %40, : is %3A, \/ is %2F, # is %23, \? is %3F\)/);
    for (const piece of ['s3cr', 'tpiece', 'zq9x']) assert.ok(!message.includes(piece), `${piece} in ${message}`);
    assert.equal(describeDatabase(target), 'PostgreSQL at 127.0.0.1:5432/fms as fms');
  });

  test('a percent-encoded password is read as written, and never printed', () => {
    const target = postgres('postgres://fms:s3cr%40t%23x@db.example.org/fms_prod');
    assert.equal(describeDatabase(target), 'PostgreSQL at db.example.org:5432/fms_prod as fms');
    const message = describeDatabaseFailure(target, Object.assign(new Error('password authentication failed for user "fms"'), { code: '28P01' }));
    assert.equal(message, 'Cannot reach PostgreSQL at db.example.org:5432/fms_prod as fms: password authentication failed for user "fms". Check DATABASE_URL (percent-encode @ : / # ? in the password).');
    assert.equal(describeDatabase(postgres('postgres://fms@localhost/fms?host=/run/postgresql')), 'PostgreSQL at socket /run/postgresql/.s.PGSQL.5432, database fms as fms');
  });

  test('an SQLite file that is not a database names the file and DATABASE_URL', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'fms-db-failure-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'fms.sqlite');
    writeFileSync(file, 'this is not an SQLite file, but it is long enough to have a header of a hundred bytes or so...........');
    const target: DatabaseTarget = { kind: 'sqlite', file, url: `sqlite:${file}` };
    const error = await failureOf(target);
    assert.ok(isConnectionFailure(error));
    assert.equal(describeDatabaseFailure(target, error), `Cannot open SQLite database ${file}: file is not a database. Check DATABASE_URL, and that this user may read and write the file and its folder.`);
  });

  test('a CLI command that opens the database says it the same way, on one fms: line', async () => {
    const port = await closedPort();
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'maintenance', 'status'], {
      env: { PATH: process.env.PATH, FMS_CONFIG: 'development', DATABASE_URL: `postgres://fms:Secret-Pass-1@127.0.0.1:${port}/fms`, LOG_LEVEL: 'silent' },
      encoding: 'utf8',
    });
    assert.equal(run.status, 1);
    assert.equal(run.stderr, `fms: Cannot reach PostgreSQL at 127.0.0.1:${port}/fms as fms: connect ECONNREFUSED 127.0.0.1:${port}. Check DATABASE_URL (percent-encode @ : / # ? in the password).\n`);
  });

  test('start-up paths wrap connection failures only; a failed query passes unchanged', async () => {
    const port = await closedPort();
    const target = postgres(`postgres://fms@127.0.0.1:${port}/fms`);
    const wrapped = databaseFailure(target, await failureOf(target));
    assert.ok(wrapped instanceof DatabaseUnreachable);
    assert.match(wrapped.message, /^Cannot reach PostgreSQL at 127\.0\.0\.1:/);
    const query = Object.assign(new Error('relation "nothing" does not exist'), { code: '42P01' });
    assert.equal(databaseFailure(target, query), query);
  });
});
