// Migration 0004 on a department that already has look-alike group names (made before F8 was
// fixed): the upgrade goes through, the oldest look-alike holds the key, no new look-alike can be
// made, and down and up again work, on SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { systemActor } from '../../access.js';
import type { Db } from '../../db/index.js';
import { createMigrator } from '../../db/migrator.js';
import { Conflict } from '../../lib/errors.js';
import { openTestDatabase } from '../../../test/build-test-app.js';
import { testDatabases } from '../../../test/services.js';
import { createGroup, groupIdsByName, groupNameKey, updateGroup } from './service.js';

const quietLog = { info() {}, warn() {}, error() {}, debug() {} };

async function keys(db: Db) {
  const rows = await db.withTables<{ groups: { nameKey: string | null } }>().selectFrom('groups').select(['name', 'nameKey']).orderBy('id').execute();
  return rows.map((r) => [r.name, r.nameKey]);
}

for (const database of await testDatabases()) {
  describe(`migration 0004 (group name keys) on ${database}`, () => {
    test('existing groups get their keys; old look-alikes keep working, the oldest holding the key; down and up again', async (t) => {
      const { db } = await openTestDatabase(t, database);
      const migrator = createMigrator(db);
      // Up to this migration only: a later one must not change what this test sees.
      const migrateTo0004 = async () => {
        const { error, results } = await migrator.migrateTo('0004_add_group_name_keys');
        assert.equal(error, undefined, String(error));
        return (results ?? []).map((r) => r.migrationName);
      };
      const before = await migrator.migrateTo('0003_add_sign_in_failures');
      assert.equal(before.error, undefined, String(before.error));
      const now = new Date();
      for (const name of ['CS-101', 'ＣＳ-101', 'cs\u2010101\u200b', 'Šarić 2'.normalize('NFD'), 'MA-201'])
        await db.insertInto('groups').values({ name, description: '', createdAt: now, updatedAt: now }).execute();

      assert.deepEqual(await migrateTo0004(), ['0004_add_group_name_keys']);
      assert.deepEqual(await keys(db), [
        ['CS-101', 'cs-101'],
        ['ＣＳ-101', null],
        ['cs\u2010101\u200b', null],
        ['Šarić 2'.normalize('NFD'), 'šarić 2'],
        ['MA-201', 'ma-201'],
      ]);

      const ctx = { db, actor: systemActor, clock: { now: () => new Date() }, log: quietLog, ip: null } as never;
      await assert.rejects(createGroup(ctx, { name: 'cs-101' }), Conflict, 'no new look-alike');
      await assert.rejects(createGroup(ctx, { name: 'Šarić 2' }), Conflict, 'NFC against the NFD row');
      // The look-alikes still resolve (students keep their group), and renaming one gives it its key.
      const byName = await groupIdsByName(ctx);
      assert.equal(byName.size, 5);
      assert.equal(byName.get(groupNameKey('ＣＳ-101'))?.name, 'CS-101', 'a file naming CS-101 in any spelling finds the oldest');
      const lookAlike = [...byName.values()].find((g) => g.name === 'ＣＳ-101')!;
      await updateGroup(ctx, lookAlike.id, { name: 'CS-101 (evening)' });
      assert.deepEqual((await keys(db))[1], ['CS-101 (evening)', 'cs-101 (evening)']);

      // A row written around the service is still refused by the index once it has a key.
      await assert.rejects(
        db.withTables<{ groups: { nameKey: string | null } }>().insertInto('groups').values({ name: 'x', nameKey: 'ma-201', description: '', createdAt: now, updatedAt: now }).execute(),
      );

      const down = await migrator.migrateDown();
      assert.equal(down.error, undefined, String(down.error));
      assert.deepEqual(await migrateTo0004(), ['0004_add_group_name_keys']);
      assert.equal((await keys(db)).filter(([, key]) => key === null).length, 1, 'up again: only the remaining look-alike is without a key');
    });
  });
}
