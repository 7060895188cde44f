// How createDb opens an SQLite file: private to its owner whatever the umask, statements reused.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { sql } from 'kysely';
import { createDb, preparedStatementsOf } from './index.js';

function folder(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'fms-sqlite-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function mode(file: string): string {
  return (statSync(file).mode & 0o777).toString(8).padStart(4, '0');
}

test('a new database file and its -wal and -shm files are 0600 under umask 022, in a new folder 0700', async (t) => {
  const file = join(folder(t), 'data', 'fms.sqlite');
  const previous = process.umask(0o022);
  t.after(() => process.umask(previous));
  const db = createDb({ kind: 'sqlite', file, url: `sqlite:${file}` });
  t.after(() => db.destroy());
  await sql`create table notes (body text)`.execute(db);
  await sql`insert into notes values ('written through the WAL')`.execute(db);
  assert.equal(mode(file), '0600', 'the database file');
  assert.equal(mode(`${file}-wal`), '0600', 'its write-ahead log');
  assert.equal(mode(`${file}-shm`), '0600', 'its shared-memory index');
  assert.equal(mode(dirname(file)), '0700', 'the folder made for it');
});

test('an existing database file keeps the mode its operator gave it', async (t) => {
  const file = join(folder(t), 'fms.sqlite');
  const first = createDb({ kind: 'sqlite', file, url: `sqlite:${file}` });
  await sql`create table notes (body text)`.execute(first);
  await first.destroy();
  chmodSync(file, 0o640);
  const again = createDb({ kind: 'sqlite', file, url: `sqlite:${file}` });
  t.after(() => again.destroy());
  assert.deepEqual((await sql<{ n: number }>`select count(*) as n from notes`.execute(again)).rows, [{ n: 0 }], 'the same database opened again');
  assert.equal(mode(file), '0640');
});

test('a file that is not a database is refused with SQLite\'s own code', (t) => {
  const file = join(folder(t), 'notes.txt');
  writeFileSync(file, 'this is not an SQLite database, only some text long enough to hold a header page. '.repeat(20));
  assert.throws(() => createDb({ kind: 'sqlite', file, url: `sqlite:${file}` }), { code: 'SQLITE_NOTADB' });
});

test('a query run again reuses its prepared statement', async (t) => {
  const file = join(folder(t), 'fms.sqlite');
  const db = createDb({ kind: 'sqlite', file, url: `sqlite:${file}` });
  t.after(() => db.destroy());
  for (let i = 0; i < 50; i++) await sql`select ${i} as n`.execute(db);
  await db.transaction().execute(async (trx) => {
    await sql`select 1`.execute(trx);
  });
  // select ?, begin, select 1, commit.
  assert.equal(preparedStatementsOf(db), 4);
});
