import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { openTestDatabase } from '../../../test/build-test-app.js';
import { testDatabases, type TestDatabase } from '../../../test/services.js';
import { dialectOf, type Db } from '../../db/index.js';
import { countRows, DEFAULT_BATCH_SIZE } from '../data/rows.js';
import { openSite as openSiteOn, readEverything, seedDepartment } from '../data/testing.js';
import { copyDatabase } from './copy-database.js';

/** A fresh test database of the given engine, as a site with its own uploads folder and config. */
const openSite = async (t: TestContext, database: TestDatabase, options?: { migrate?: boolean }) => openSiteOn(t, await openTestDatabase(t, database), options);

const databases = await testDatabases();
const pairs = databases.flatMap((from) => databases.map((to) => [from, to] as const));

async function newGroupId(db: Db) {
  const row = await db.insertInto('groups').values({ name: `new ${Math.random()}`, description: '', createdAt: new Date(), updatedAt: new Date() }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

describe('db copy', () => {
  for (const [from, to] of pairs) {
    test(`${from} -> ${to} keeps every value of a department and moves the sequences past the copied ids`, async (t) => {
      const source = await openSite(t, from);
      await seedDepartment(source);
      const original = await readEverything(source.db);
      const target = await openSite(t, to, { migrate: false });
      const result = await copyDatabase(source.db, target.db);
      assert.deepEqual(await readEverything(target.db), original, 'booleans, instants, dates, NULLs, bigints and Unicode survive');
      for (const table of result.tables) assert.equal(table.source, table.target, `${table.name} counts match`);
      assert.ok(result.tables.find((t) => t.name === 'users')!.target >= 34);
      assert.equal(result.sequencesReset > 0, dialectOf(target.db) === 'postgres');
      const highest = Math.max(...(await source.db.selectFrom('groups').select('id').execute()).map((g) => g.id));
      assert.equal(await newGroupId(target.db), highest + 1, 'the next group gets the next free id');
    });
  }

  if (databases.includes('postgres')) {
    test('sqlite -> postgres -> sqlite round trip gives back the same database', async (t) => {
      const first = await openSite(t, 'sqlite');
      await seedDepartment(first);
      const middle = await openSite(t, 'postgres', { migrate: false });
      const last = await openSite(t, 'sqlite', { migrate: false });
      await copyDatabase(first.db, middle.db);
      await copyDatabase(middle.db, last.db);
      assert.deepEqual(await readEverything(last.db), await readEverything(first.db));
    });
  }

  test('refuses a target that holds data unless --force, naming the flag', async (t) => {
    const source = await openSite(t, 'sqlite');
    await seedDepartment(source);
    const target = await openSite(t, databases.at(-1)!);
    await newGroupId(target.db);
    await assert.rejects(copyDatabase(source.db, target.db), /already holds data \(groups 1\).*--force/s);
    assert.equal(await countRows(target.db, 'groups'), 1);
    await copyDatabase(source.db, target.db, { force: true });
    assert.deepEqual(await readEverything(target.db), await readEverything(source.db));
  });

  test('refuses a source without FMS tables', async (t) => {
    const source = await openSite(t, 'sqlite', { migrate: false });
    const target = await openSite(t, 'sqlite', { migrate: false });
    await assert.rejects(copyDatabase(source.db, target.db), /no FMS tables.*--from/);
  });

  for (const to of databases) {
    // What keeps this to seconds is batching: rows are read and written a batch at a time, so one
    // batch is in memory and the round trips are per batch, not per row. That is checked here; how
    // many seconds it takes is a benchmark's question, not a test's.
    test(`100,000 audit rows copy from sqlite to ${to} in batches of at most ${DEFAULT_BATCH_SIZE} rows`, async (t) => {
      const source = await openSite(t, 'sqlite');
      const at = new Date('2026-01-01T00:00:00Z');
      await source.db.transaction().execute(async (trx) => {
        for (let i = 0; i < 100_000; i += 1000) {
          const rows = Array.from({ length: 1000 }, (_, j) => ({ actorId: null, action: 'bulk.test', entity: 'row', entityId: String(i + j), before: null, after: '{"n":1}', at, ip: null }));
          await trx.insertInto('auditLog').values(rows).execute();
        }
      });
      const target = await openSite(t, to, { migrate: false });
      const batches: number[] = [];
      let copied = 0;
      const result = await copyDatabase(source.db, target.db, {
        onProgress: ({ step, done }) => {
          if (step !== 'copying tables') return;
          batches.push(done - copied);
          copied = done;
        },
      });
      t.diagnostic(`100,000 rows sqlite -> ${to}: ${result.milliseconds} ms`);
      assert.equal(await countRows(target.db, 'audit_log'), 100_000);
      assert.equal(copied, result.tables.reduce((sum, table) => sum + table.target, 0), 'every row copied was reported');
      assert.ok(Math.max(...batches) <= DEFAULT_BATCH_SIZE, `copied in batches of at most ${DEFAULT_BATCH_SIZE} rows (largest: ${Math.max(...batches)})`);
    });
  }
});
