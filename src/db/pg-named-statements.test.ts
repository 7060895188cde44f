// PostgreSQL only: FMS's queries run as named statements on each pooled connection (parsed once),
// searches and transaction statements unnamed, and a statement whose table changed under it still
// answers.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { sql } from 'kysely';
import { randomToken } from '../lib/secrets.js';
import { isPostgresAvailable, postgresUrl } from '../../test/services.js';
import { createDb, type Db } from './index.js';

const available = await isPostgresAvailable();

describe('PostgreSQL: named statements', { skip: !available && 'PostgreSQL is not reachable' }, () => {
  const schema = `t_${randomToken(9).toLowerCase().replace(/[^a-z0-9]/g, 'x')}`;
  let db: Db;
  const admin = new pg.Client({ connectionString: postgresUrl });

  before(async () => {
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.query(`create table ${schema}.things (id serial primary key, name text not null)`);
    await admin.query(`insert into ${schema}.things (name) values ('Horvat'), ('Novak')`);
    // One connection, so every statement below meets the ones before it.
    db = createDb({ kind: 'postgres', url: postgresUrl }, { searchPath: schema, poolSize: 1 });
  });

  after(async () => {
    await db?.destroy();
    await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.end();
  });

  /** The texts this connection holds prepared under a name. */
  const prepared = async () => (await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(db)).rows.map((r) => r.statement);

  test('a query is parsed once under a name; a search and the transaction statements are not', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await sql<{ name: string }>`select name from things where id = ${1}`.execute(db)).rows[0]?.name, 'Horvat');
    assert.equal((await sql<{ name: string }>`select name from things where name like ${'Nov%'}`.execute(db)).rows[0]?.name, 'Novak');
    await db.transaction().execute(async (trx) => {
      await sql`update things set name = ${'Horvat'} where id = ${1}`.execute(trx);
    });
    const texts = await prepared();
    assert.ok(texts.includes('select name from things where id = $1'), `named: ${texts.join(' | ')}`);
    const runs = await sql<{ runs: number }>`select (generic_plans + custom_plans)::int as runs from pg_prepared_statements where statement = ${'select name from things where id = $1'}`.execute(db);
    assert.deepEqual(runs.rows, [{ runs: 3 }], 'one preparation, run three times');
    assert.ok(texts.includes('update things set name = $1 where id = $2'));
    assert.ok(!texts.some((t) => /like/i.test(t)), 'the search runs unnamed');
    assert.ok(!texts.some((t) => /^(begin|commit)/i.test(t)), 'so do begin and commit');
  });

  test('a value pg cannot send fails that query alone: the statement still runs on the connection after', async () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const read = (value: unknown) => sql<{ name: string }>`select name from things where id = ${1} and ${value}::text is not null`.execute(db);
    assert.equal((await read('x')).rows[0]?.name, 'Horvat');
    await assert.rejects(read(circular), /circular/i);
    assert.equal((await read('y')).rows[0]?.name, 'Horvat', 'the named statement is still prepared');
  });

  test('a statement whose table gained a column still answers, with the column, outside a transaction', async () => {
    const read = () => sql<Record<string, unknown>>`select * from things where id = ${2}`.execute(db);
    assert.deepEqual((await read()).rows, [{ id: 2, name: 'Novak' }]);
    assert.deepEqual((await read()).rows, [{ id: 2, name: 'Novak' }]);
    await admin.query(`alter table ${schema}.things add column note text not null default 'n'`);
    assert.deepEqual((await read()).rows, [{ id: 2, name: 'Novak', note: 'n' }]);
    assert.deepEqual((await read()).rows, [{ id: 2, name: 'Novak', note: 'n' }], 'and from then on');
  });

  test('inside a transaction such a statement fails once, writing nothing; then it is prepared again', async () => {
    const read = (trx: Db) => sql<Record<string, unknown>>`select * from things where id = ${1} and id > ${0}`.execute(trx);
    await db.transaction().execute(async (trx) => void (await read(trx)));
    await admin.query(`alter table ${schema}.things add column extra integer not null default 7`);
    await assert.rejects(
      db.transaction().execute(async (trx) => {
        await sql`update things set name = ${'Written'} where id = ${1}`.execute(trx);
        await read(trx);
      }),
      /cached plan must not change result type/,
    );
    assert.equal((await sql<{ name: string }>`select name from things where id = ${1}`.execute(db)).rows[0]?.name, 'Horvat', 'the transaction wrote nothing');
    const rows = await db.transaction().execute(async (trx) => (await read(trx)).rows);
    assert.equal(rows[0]?.extra, 7);
    const text = 'select * from things where id = $1 and id > $2';
    assert.equal((await prepared()).filter((t) => t === text).length, 2, 'prepared again under a new name (the old one stays unused)');
  });
});
