import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { NO_MIGRATIONS, sql } from 'kysely';
import { openTestDatabase } from '../../test/build-test-app.js';
import { testDatabases } from '../../test/services.js';
import { dialectOf, schemaOf, type Db } from './index.js';
import { createMigrator, migrateDownOne, migrateOrThrow, pendingMigrations } from './migrator.js';
import { migrations } from './migrations/index.js';
import { containsIgnoringCase, escapeLike } from './search.js';

// DESIGN.md's data model: every table the first migration promises.
const modelTables = [
  'users',
  'groups',
  'students',
  'lecturers',
  'files',
  'subjects',
  'subject_groups',
  'teaching',
  'subject_materials',
  'exercises',
  'exercise_groups',
  'submissions',
  'news',
  'theses',
  'audit_log',
  'sessions',
  'api_tokens',
  'settings',
];
const bookkeeping = new Set(['fms_migrations', 'fms_migrations_lock', 'sqlite_sequence']);

async function tables(db: Db): Promise<string[]> {
  const query =
    dialectOf(db) === 'postgres'
      ? sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema()`
      : sql<{ name: string }>`select name from sqlite_master where type = 'table'`;
  const { rows } = await query.execute(db);
  return rows.map((r) => r.name).filter((name) => !bookkeeping.has(name)).sort();
}

async function insertUser(db: Db, username: string, at: Date) {
  return db
    .insertInto('users')
    .values({
      username,
      passwordHash: '$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo',
      role: 'lecturer',
      isAdmin: true,
      displayName: 'Lena Test',
      mustChangePassword: false,
      disabled: false,
      lockedUntil: new Date(at.getTime() + 15 * 60_000),
      lastLoginAt: null,
      passwordChangedAt: at,
      createdAt: at,
      updatedAt: at,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

for (const database of await testDatabases()) {
  describe(`migrations on ${database}`, () => {
    test('a fresh database has every migration pending and no tables', async (t) => {
      const { db } = await openTestDatabase(t, database);
      assert.deepEqual(await pendingMigrations(db), Object.keys(migrations));
      assert.deepEqual(await tables(db), []);
    });

    test('up creates the data model; running it again changes nothing', async (t) => {
      const { db } = await openTestDatabase(t, database);
      assert.deepEqual(await migrateOrThrow(db), Object.keys(migrations));
      const created = await tables(db);
      for (const table of modelTables) assert.ok(created.includes(table), `table ${table} exists`);
      assert.deepEqual(await pendingMigrations(db), []);
      assert.deepEqual(await migrateOrThrow(db), [], 'a second run applies nothing');
    });

    test('booleans come back as booleans and instants as Dates', async (t) => {
      const { db } = await openTestDatabase(t, database);
      await migrateOrThrow(db);
      const at = new Date('2024-09-30T22:15:42.123Z');
      const returned = await insertUser(db, 'l.test', at);
      const read = await db.selectFrom('users').selectAll().where('username', '=', 'l.test').executeTakeFirstOrThrow();
      for (const row of [returned, read]) {
        assert.equal(row.isAdmin, true);
        assert.equal(row.mustChangePassword, false);
        assert.equal(row.disabled, false);
        assert.equal(row.failedLogins, 0, 'the column default applies');
        assert.equal(typeof row.id, 'number');
        assert.ok(row.createdAt instanceof Date, `createdAt is a ${typeof row.createdAt}`);
        assert.equal(row.createdAt.getTime(), at.getTime(), 'the instant survives to the millisecond');
        assert.ok(row.lockedUntil instanceof Date);
        assert.equal(row.lockedUntil.getTime(), at.getTime() + 15 * 60_000);
        assert.equal(row.lastLoginAt, null, 'null stays null');
      }

      // Booleans and Dates work as query parameters too, and compare as instants.
      const byFlags = await db.selectFrom('users').select('username').where('isAdmin', '=', true).where('disabled', '=', false).execute();
      assert.deepEqual(byFlags, [{ username: 'l.test' }]);
      assert.equal((await db.selectFrom('users').select('id').where('disabled', '=', true).execute()).length, 0);
      const stillLocked = await db.selectFrom('users').select('username').where('lockedUntil', '>', new Date(at.getTime() + 60_000)).execute();
      assert.equal(stillLocked.length, 1);
      const unlocked = await db.selectFrom('users').select('username').where('lockedUntil', '>', new Date(at.getTime() + 16 * 60_000)).execute();
      assert.equal(unlocked.length, 0);

      // An update with a boolean and a Date reads back the same way.
      const later = new Date(at.getTime() + 3_600_000);
      await db.updateTable('users').set({ disabled: true, lastLoginAt: later }).where('id', '=', read.id).execute();
      const updated = await db.selectFrom('users').select(['disabled', 'lastLoginAt']).where('id', '=', read.id).executeTakeFirstOrThrow();
      assert.equal(updated.disabled, true);
      assert.ok(updated.lastLoginAt instanceof Date);
      assert.equal(updated.lastLoginAt.getTime(), later.getTime());

      // Counts are numbers, and calendar dates stay YYYY-MM-DD on both engines.
      const { n } = await db.selectFrom('users').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
      assert.equal(n, 1);
      await db
        .insertInto('students')
        .values({ studentNumber: 'S1', groupId: null, firstName: 'Sam', lastName: 'Test', patronymic: '', birthDate: '2005-04-01', email: null, phone: null, address: null, photoFileId: null, createdAt: at, updatedAt: at })
        .execute();
      const student = await db.selectFrom('students').select(['birthDate', 'archived', 'createdAt']).executeTakeFirstOrThrow();
      assert.equal(student.birthDate, '2005-04-01');
      assert.equal(student.archived, false);
      assert.ok(student.createdAt instanceof Date);
    });

    test('down removes every table; up again restores a working schema', async (t) => {
      const { db } = await openTestDatabase(t, database);
      await migrateOrThrow(db);
      await insertUser(db, 'before.down', new Date());

      const down = await createMigrator(db).migrateTo(NO_MIGRATIONS);
      assert.equal(down.error, undefined, String(down.error));
      assert.deepEqual(
        (down.results ?? []).map((r) => [r.migrationName, r.direction, r.status]),
        Object.keys(migrations).reverse().map((name) => [name, 'Down', 'Success']),
      );
      assert.deepEqual(await tables(db), [], 'no table of the data model is left behind');
      assert.deepEqual(await pendingMigrations(db), Object.keys(migrations));
      await assert.rejects(db.selectFrom('users').select('id').execute());

      assert.deepEqual(await migrateOrThrow(db), Object.keys(migrations));
      const created = await tables(db);
      for (const table of modelTables) assert.ok(created.includes(table), `table ${table} exists again`);
      assert.equal((await db.selectFrom('users').select('id').execute()).length, 0, 'the old rows went with the tables');
      const again = await insertUser(db, 'after.up', new Date());
      assert.equal(again.isAdmin, true);
    });

    test('migrating down one step at a time also works', async (t) => {
      const { db } = await openTestDatabase(t, database);
      await migrateOrThrow(db);
      for (let i = 0; i < Object.keys(migrations).length; i++) {
        const step = await migrateDownOne(db);
        assert.equal(step.error, undefined, String(step.error));
      }
      assert.deepEqual(await tables(db), []);
    });
  });

  describe(`search on ${database}`, () => {
    const names = ['100% sure', '100 percent', 'snake_case', 'snakeXcase', 'back\\slash', 'backslash', 'Ana Ivanova', 'Šarić Petra', 'Петрова Елена'];

    async function searchDb(t: Parameters<typeof openTestDatabase>[0]) {
      const { db } = await openTestDatabase(t, database);
      await migrateOrThrow(db);
      const now = new Date();
      let i = 0;
      for (const displayName of names) {
        await db
          .insertInto('users')
          .values({ username: `u${i++}`, passwordHash: 'x', role: 'student', displayName, passwordChangedAt: now, createdAt: now, updatedAt: now })
          .execute();
      }
      return async (text: string) =>
        (await db.selectFrom('users').select('displayName').where((eb) => containsIgnoringCase(eb.ref('displayName'), text)).orderBy('id').execute()).map(
          (r) => r.displayName,
        );
    }

    test('% and _ in what the user types are plain characters', async (t) => {
      const search = await searchDb(t);
      assert.deepEqual(await search('%'), ['100% sure']);
      assert.deepEqual(await search('100%'), ['100% sure']);
      assert.deepEqual(await search('_'), ['snake_case']);
      assert.deepEqual(await search('e_c'), ['snake_case']);
      assert.deepEqual(await search('\\'), ['back\\slash']);
      assert.deepEqual(await search('k\\s'), ['back\\slash']);
    });

    test('matching ignores case and finds text anywhere', async (t) => {
      const search = await searchDb(t);
      assert.deepEqual(await search('SNAKE'), ['snake_case', 'snakeXcase']);
      assert.deepEqual(await search('ivan'), ['Ana Ivanova']);
      assert.deepEqual(await search('nobody'), []);
      assert.deepEqual(await search(''), names, 'an empty search matches everyone');
    });

    test('matching ignores case in names beyond ASCII', async (t) => {
      const search = await searchDb(t);
      assert.deepEqual(await search('Šarić'), ['Šarić Petra']);
      assert.deepEqual(await search('šarić'), ['Šarić Petra']);
      assert.deepEqual(await search('петрова'), ['Петрова Елена']);
      assert.deepEqual(await search('ПЕТРОВА'), ['Петрова Елена']);
    });
  });
}

test('escapeLike escapes the LIKE wildcards and the escape character itself', () => {
  assert.equal(escapeLike('50%_off\\now'), '50\\%\\_off\\\\now');
  assert.equal(escapeLike('plain text'), 'plain text');
});

describe('other schemas of the same PostgreSQL database', async () => {
  const postgres = (await testDatabases()).includes('postgres');
  test("are out of the migrator's sight: it lists our schema's tables only", { skip: !postgres && 'PostgreSQL is not running' }, async (t) => {
    const { db } = await openTestDatabase(t, 'postgres');
    const { db: other } = await openTestDatabase(t, 'postgres');
    await migrateOrThrow(other);
    // Kysely's own listing read every column of every schema and resolved each table by name, so a
    // schema that another process dropped meanwhile failed our migration ("relation
    // "t_x.sign_in_failures" does not exist"). What it does not list cannot vanish under it.
    assert.deepEqual(await db.introspection.getTables({ withInternalKyselyTables: true }), [], "another schema's users, fms_migrations… are not ours");
    await migrateOrThrow(db);
    const ours = await db.introspection.getTables({ withInternalKyselyTables: true });
    assert.deepEqual(new Set(ours.map((table) => table.schema)), new Set([schemaOf(db)]));
    assert.deepEqual(ours.map((table) => table.name).filter((name) => !bookkeeping.has(name)).sort(), await tables(db));
    assert.ok(ours.some((table) => table.name === 'fms_migrations'), 'the migrator finds its own table');
    const users = ours.find((table) => table.name === 'users')!;
    assert.ok(users.columns.some((column) => column.name === 'username' && !column.isNullable && !column.isAutoIncrementing));
    assert.equal(users.columns.find((column) => column.name === 'id')?.isAutoIncrementing, true, 'a serial key is told apart');
    assert.equal((await db.introspection.getTables()).some((table) => table.name === 'fms_migrations'), false, 'left out unless asked for');
  });
});
