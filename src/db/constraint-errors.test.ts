// A unique index's refusal reads the same on both engines: the column at fault, as a field name.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openTestDatabase } from '../../test/build-test-app.js';
import { testDatabases } from '../../test/services.js';
import { uniqueViolation } from './constraint-errors.js';
import { migrateOrThrow } from './migrator.js';

for (const database of await testDatabases()) {
  describe(`unique violations on ${database}`, () => {
    test('name the table and the camelCase field; other errors are not violations', async (t) => {
      const { db } = await openTestDatabase(t, database);
      await migrateOrThrow(db);
      const now = new Date();
      const student = { studentNumber: '2026-01', firstName: 'A', lastName: 'B', patronymic: '', birthDate: null, email: null, phone: null, address: null, groupId: null, photoFileId: null, createdAt: now, updatedAt: now };
      await db.insertInto('students').values(student).execute();
      const error = await db.insertInto('students').values(student).execute().then(() => null, (e: unknown) => e);
      assert.deepEqual(uniqueViolation(error), { table: 'students', field: 'studentNumber' });
      const notNull = await db.insertInto('groups').values({ name: null as unknown as string, description: '', createdAt: now, updatedAt: now }).execute().then(() => null, (e: unknown) => e);
      assert.ok(notNull, 'the insert failed');
      assert.equal(uniqueViolation(notNull), null);
      assert.equal(uniqueViolation(new Error('boom')), null);
    });
  });
}
