// Statements reused per SQL text, and kept from the collector on the Node versions that abort when
// it frees one (see sqlite-statements.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import SQLite from 'better-sqlite3';
import { abortsOnFreedAddonObjects, ReusedStatements } from './sqlite-statements.js';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** A full collection after this job ends (a WeakRef keeps its target alive until then). */
async function collected(ref: WeakRef<object>): Promise<boolean> {
  await new Promise((resolve) => setImmediate(resolve));
  collectGarbage();
  return ref.deref() === undefined;
}

test('the Node versions whose collector aborts on a freed better-sqlite3 object', () => {
  for (const version of ['24.19.0', 'v24.20.0', '24.21.0', '26.0.0', '26.3.1']) assert.equal(abortsOnFreedAddonObjects(version), true, version);
  for (const version of ['20.11.0', '20.20.2', '22.23.5', '24.18.1', '24.22.0', '24.22.3', '25.9.0', '26.4.0']) assert.equal(abortsOnFreedAddonObjects(version), false, version);
});

test('one statement per SQL text, used again and again', (t) => {
  const raw = new SQLite(':memory:');
  t.after(() => raw.close());
  const reused = new ReusedStatements(raw, { keepAll: false });
  const first = reused.prepare('select ? as n');
  assert.equal(reused.prepare('select ? as n'), first);
  assert.deepEqual(first.all([1]), [{ n: 1 }]);
  assert.deepEqual(reused.prepare('select ? as n').all([2]), [{ n: 2 }], 'parameters are bound afresh each time');
  assert.notEqual(reused.prepare('select 2'), first);
  assert.equal(reused.size, 2);
});

test('a statement still iterating is not handed out twice', (t) => {
  const raw = new SQLite(':memory:');
  t.after(() => raw.close());
  const reused = new ReusedStatements(raw, { keepAll: false });
  const sql = 'select value from json_each(?)';
  const open = reused.prepare(sql).iterate(['[1,2,3]']);
  assert.deepEqual(open.next().value, { value: 1 });
  const other = reused.prepare(sql);
  assert.deepEqual(other.all(['[7]']), [{ value: 7 }], 'the second query runs while the first iterates');
  assert.deepEqual([...open].map((row) => (row as { value: number }).value), [2, 3]);
  assert.equal(reused.size, 1, 'the extra statement is not cached');
});

test('a full cache pushes out the least recently used statement', (t) => {
  const raw = new SQLite(':memory:');
  t.after(() => raw.close());
  const reused = new ReusedStatements(raw, { keepAll: false, capacity: 2 });
  const one = reused.prepare('select 1');
  const two = reused.prepare('select 2');
  assert.equal(reused.prepare('select 1'), one, 'select 1 is now the most recent');
  reused.prepare('select 3');
  assert.equal(reused.size, 2);
  assert.equal(reused.prepare('select 1'), one);
  assert.notEqual(reused.prepare('select 2'), two, 'select 2 was pushed out and is prepared again');
});

test('where the collector aborts, nothing a database prepared is ever freed', async () => {
  let raw: SQLite.Database | null = new SQLite(':memory:');
  let reused: ReusedStatements | null = new ReusedStatements(raw, { keepAll: true, capacity: 1 });
  const pushedOut = new WeakRef(reused.prepare('select 1'));
  reused.prepare('select 2');
  const cached = new WeakRef(reused.prepare('select 3'));
  const database = new WeakRef(raw);
  reused.close();
  raw = null;
  reused = null;
  assert.equal(await collected(pushedOut), false, 'a statement pushed out of the cache');
  assert.equal(await collected(cached), false, 'a cached statement of a closed database');
  assert.equal(await collected(database), false, 'the closed database');
});

test('elsewhere the collector frees them as usual', async () => {
  let raw: SQLite.Database | null = new SQLite(':memory:');
  let reused: ReusedStatements | null = new ReusedStatements(raw, { keepAll: false, capacity: 1 });
  const pushedOut = new WeakRef(reused.prepare('select 1'));
  reused.prepare('select 2');
  assert.equal(await collected(pushedOut), true, 'a statement pushed out of the cache');
  const cached = new WeakRef(reused.prepare('select 3'));
  const database = new WeakRef(raw);
  reused.close();
  raw = null;
  reused = null;
  assert.equal(await collected(cached), true, 'a statement of a closed database');
  assert.equal(await collected(database), true, 'the closed database');
});
