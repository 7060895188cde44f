// Migration 0005 on both engines: the kept counts equal count(*) after every kind of write and after
// an upgrade of a database that already has rows; the indexed substring search finds exactly what
// reading every row finds, and the planner uses the index; a bounded count stops at its bound.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CompiledQuery, sql, type RootOperationNode } from 'kysely';
import { openTestDatabase } from '../../test/build-test-app.js';
import { testDatabases } from '../../test/services.js';
import { dialectOf, type Db } from './index.js';
import { migrateOrThrow, migrateTo, migrateToLatest } from './migrator.js';
import { archivedColumn, CANDIDATE_LIMIT, matchesPeopleSearch, preparePeopleSearch } from './people-search.js';
import { boundedCount, readRecordCounts, type Counted } from './record-counts.js';

const now = new Date('2026-12-01T10:00:00Z');

async function addGroup(db: Db, name: string, archived = false) {
  return (await db.insertInto('groups').values({ name, description: '', archived, createdAt: now, updatedAt: now }).returning('id').executeTakeFirstOrThrow()).id;
}

async function addStudent(db: Db, n: number, text: string, options: { archived?: boolean; groupId?: number | null } = {}) {
  const row = await db
    .insertInto('students')
    .values({
      studentNumber: `S${String(n).padStart(6, '0')}`,
      firstName: `First${n}`,
      lastName: `Last${n}`,
      patronymic: '',
      email: null,
      phone: null,
      address: null,
      photoFileId: null,
      birthDate: null,
      groupId: options.groupId ?? null,
      searchText: text,
      teachingSearchText: text.split(' ')[0]!,
      sortName: `last${n}`,
      archived: options.archived ?? false,
      createdAt: now,
      updatedAt: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

async function addUser(db: Db, username: string, disabled = false) {
  return (
    await db
      .insertInto('users')
      .values({ username, passwordHash: '!', role: 'admin', isAdmin: true, studentId: null, lecturerId: null, displayName: username, mustChangePassword: false, disabled, passwordChangedAt: now, createdAt: now, updatedAt: now })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
}

/** What count(*) says, for every kept figure. */
async function actualCounts(db: Db): Promise<Record<Counted, number>> {
  const count = async (table: 'students' | 'lecturers' | 'groups' | 'users' | 'subjects', where?: [string, boolean]) => {
    let q = db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n'));
    if (where) q = q.where(sql.ref(where[0]), '=', where[1]);
    return Number((await q.executeTakeFirstOrThrow()).n);
  };
  return {
    'students.active': await count('students', ['archived', false]),
    'students.archived': await count('students', ['archived', true]),
    'lecturers.active': await count('lecturers', ['archived', false]),
    'lecturers.archived': await count('lecturers', ['archived', true]),
    'groups.active': await count('groups', ['archived', false]),
    'groups.archived': await count('groups', ['archived', true]),
    'users.enabled': await count('users', ['disabled', false]),
    'users.disabled': await count('users', ['disabled', true]),
    'subjects.all': await count('subjects'),
  };
}

/** The ids whose search text holds every word, read the slow way: every row, in JavaScript. */
async function slowSearch(db: Db, query: string) {
  const rows = await db.selectFrom('students').select(['id', 'searchText']).execute();
  const words = query.split(' ').filter(Boolean);
  return rows.filter((r) => words.every((w) => r.searchText.includes(w))).map((r) => r.id).sort((a, b) => a - b);
}

async function indexedSearch(db: Db, query: string) {
  const search = await preparePeopleSearch(db, 'students.searchText', query);
  const rows = await db.selectFrom('students').select('id').where(matchesPeopleSearch(search!)).execute();
  return rows.map((r) => r.id).sort((a, b) => a - b);
}

async function plan(db: Db, query: { compile(): { sql: string; parameters: readonly unknown[] } }): Promise<string> {
  const compiled = query.compile();
  const explain = dialectOf(db) === 'postgres' ? 'explain ' : 'explain query plan ';
  const { rows } = await db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(explain + compiled.sql, [...compiled.parameters]));
  return rows.map((r) => String(r['QUERY PLAN'] ?? r.detail)).join('\n');
}

/** The statements `work` sends through the database it is handed, compiled as they were sent. */
async function statementsOf(db: Db, work: (watched: Db) => Promise<unknown>): Promise<CompiledQuery[]> {
  const nodes: RootOperationNode[] = [];
  const watched = db.withPlugin({ transformQuery: ({ node }) => (nodes.push(node), node), transformResult: async ({ result }) => result });
  await work(watched);
  return nodes.map((node, i) => watched.getExecutor().compileQuery(node, { queryId: `watched-${i}` }));
}

for (const database of await testDatabases()) {
  describe(`kept counts and indexed search (migration 0005) on ${database}`, () => {
    test('an upgrade counts the rows already there; down and up again keep them true', async (t) => {
      const { db } = await openTestDatabase(t, database);
      const before = await migrateTo(db, '0004_add_group_name_keys');
      assert.equal(before.error, undefined, String(before.error));
      const group = await addGroup(db, 'CS-101');
      await addGroup(db, 'Old', true);
      for (let i = 0; i < 7; i++) await addStudent(db, i, `novak${i}`, { archived: i < 2, groupId: group });
      await addUser(db, 'one');
      await addUser(db, 'two', true);
      const up = await migrateToLatest(db);
      assert.equal(up.error, undefined, String(up.error));
      const counts = await readRecordCounts(db);
      assert.deepEqual(counts, await actualCounts(db));
      assert.equal(counts['students.active'], 5);
      assert.equal(counts['students.archived'], 2);
      assert.deepEqual(await indexedSearch(db, 'novak'), await slowSearch(db, 'novak'), 'rows from before the upgrade are in the search index');
      assert.equal((await indexedSearch(db, 'novak')).length, 7);

      const down = await migrateTo(db, '0004_add_group_name_keys');
      assert.equal(down.error, undefined, String(down.error));
      await addStudent(db, 100, 'horvat');
      assert.equal((await migrateToLatest(db)).error, undefined);
      assert.deepEqual(await readRecordCounts(db), await actualCounts(db));
      assert.deepEqual(await indexedSearch(db, 'horvat'), await slowSearch(db, 'horvat'));
    });

    test('every insert, archive, restore, disable and delete keeps the counts equal to count(*)', async (t) => {
      const { db } = await openTestDatabase(t, database);
      await migrateOrThrow(db);
      const group = await addGroup(db, 'G-1');
      const ids: number[] = [];
      for (let i = 0; i < 12; i++) ids.push(await addStudent(db, i, `word${i}`, { archived: i % 5 === 0, groupId: group }));
      const users = [await addUser(db, 'a'), await addUser(db, 'b'), await addUser(db, 'c', true)];
      await db.insertInto('subjects').values({ name: 'Databases', description: '', createdAt: now, updatedAt: now }).execute();
      assert.deepEqual(await readRecordCounts(db), await actualCounts(db));

      await db.updateTable('students').set({ archived: true }).where('id', 'in', ids.slice(1, 4)).execute();
      await db.updateTable('students').set({ archived: false }).where('id', '=', ids[0]!).execute();
      // A change that leaves the flag as it is must not count twice.
      await db.updateTable('students').set({ archived: true }).where('id', '=', ids[1]!).execute();
      await db.updateTable('students').set({ firstName: 'Renamed' }).where('id', '=', ids[6]!).execute();
      await db.updateTable('users').set({ disabled: true }).where('id', '=', users[0]!).execute();
      await db.updateTable('groups').set({ archived: true }).where('id', '=', group).execute();
      await db.deleteFrom('students').where('id', 'in', ids.slice(8, 11)).execute();
      await db.deleteFrom('users').where('id', '=', users[2]!).execute();
      await db.deleteFrom('subjects').execute();
      const counts = await readRecordCounts(db);
      assert.deepEqual(counts, await actualCounts(db));
      assert.equal(counts['students.active'] + counts['students.archived'], 9);
      assert.equal(counts['users.disabled'], 1);

      // A transaction rolled back leaves the counts as they were.
      await assert.rejects(
        db.transaction().execute(async (trx) => {
          await addStudent(trx, 500, 'gone');
          throw new Error('roll back');
        }),
      );
      assert.deepEqual(await readRecordCounts(db), counts);
    });

    test('the indexed search finds exactly what reading every row finds, after inserts, edits and deletes', async (t) => {
      const { db } = await openTestDatabase(t, database);
      await migrateOrThrow(db);
      const texts = ['novak jana s000001', 'novakova ema', 'horvat luka 0911234567', 'šarić ivan', 'kovač mia_x', 'ab cd', 'novak', '100% sure'];
      const ids = [];
      for (const [i, text] of texts.entries()) ids.push(await addStudent(db, i, text));
      await db.updateTable('students').set({ searchText: 'pavić nina' }).where('id', '=', ids[1]!).execute();
      await db.deleteFrom('students').where('id', '=', ids[6]!).execute();
      for (const q of ['novak', 'nova', 'ova', 'ab', 'a', 'pavić', 'novakova', 'novak jana', 'jana novak', 'luka 0911', '4567', 'mia_x', 'a_x', '100%', '0%', 'šar', 'missing'])
        assert.deepEqual(await indexedSearch(db, q), await slowSearch(db, q), `search ${JSON.stringify(q)}`);
    });

    test('a word with more candidates than the index hands over is searched in list order, with the same answer', async (t) => {
      const { db } = await openTestDatabase(t, database);
      await migrateOrThrow(db);
      const rows = Array.from({ length: CANDIDATE_LIMIT + 40 }, (_, i) => ({
        studentNumber: `C${i}`,
        firstName: 'F',
        lastName: 'L',
        patronymic: '',
        searchText: i % 3 === 0 ? `petrova ${i}` : `petrov ${i}`,
        sortName: `l${i}`,
        createdAt: now,
        updatedAt: now,
      }));
      for (let i = 0; i < rows.length; i += 200) await db.insertInto('students').values(rows.slice(i, i + 200)).execute();
      const common = await preparePeopleSearch(db, 'students.searchText', 'petrov');
      assert.equal(common!.candidates, null, 'too many candidates: the list is walked in order');
      const counted = await db.selectFrom('students').select('id').where(archivedColumn('students', common), '=', false).where(matchesPeopleSearch(common!)).execute();
      assert.deepEqual(counted.map((r) => r.id).sort((a, b) => a - b), await slowSearch(db, 'petrov'), 'walking finds the same');
      const rarer = await preparePeopleSearch(db, 'students.searchText', 'petrova');
      assert.equal(rarer!.candidates!.length, Math.ceil(rows.length / 3), 'a rarer word is read by its candidates, on either engine');
      for (const q of ['petrov', 'petrova', 'petrova 3', 'ova'])
        assert.deepEqual(await indexedSearch(db, q), await slowSearch(db, q), `search ${JSON.stringify(q)}`);
    });

    test('the search of a rare word reads the index, not the table', async (t) => {
      const { db } = await openTestDatabase(t, database);
      await migrateOrThrow(db);
      const rows = Array.from({ length: 20000 }, (_, i) => ({
        studentNumber: `S${i}`,
        firstName: 'F',
        lastName: 'L',
        patronymic: '',
        searchText: i % 5000 === 7 ? `zoltanovic ${i}` : `name${i} common${i % 10}`,
        sortName: `l${i}`,
        createdAt: now,
        updatedAt: now,
      }));
      for (let i = 0; i < rows.length; i += 1000) await db.insertInto('students').values(rows.slice(i, i + 1000)).execute();
      // As autovacuum would: the statistics, and the GIN index's pending list merged into the index.
      if (dialectOf(db) === 'postgres') await sql`vacuum analyze students`.execute(db);
      const search = await preparePeopleSearch(db, 'students.searchText', 'zoltanovic');
      assert.equal(search!.candidates!.length, 4, 'the trigram index names the candidates');
      const query = db.selectFrom('students').select('id').where(archivedColumn('students', search), '=', false).where(matchesPeopleSearch(search!));
      assert.equal((await query.execute()).length, 4);
      // The list's query then reads the candidates by key on either engine.
      const shown = await plan(db, query);
      assert.match(shown, dialectOf(db) === 'postgres' ? /Index Scan using students_pkey/ : /SEARCH students USING INTEGER PRIMARY KEY/, shown);
      assert.doesNotMatch(shown, /Seq Scan on students|SCAN students(?!_)/, shown);
      if (dialectOf(db) === 'postgres') {
        // PostgreSQL gathers them through the trigram index. Its choice rests on statistics, and at
        // 20,000 short rows reading the table is still cheap; with that way closed the planner must
        // show the index serves the gathering.
        const gatheringSql = await statementsOf(db, (watched) => preparePeopleSearch(watched, 'students.searchText', 'zoltanovic'));
        assert.equal(gatheringSql.length, 1, 'one statement gathers the candidates');
        const gathering = await db.transaction().execute(async (trx) => {
          await sql`set local enable_seqscan = off`.execute(trx);
          return plan(trx, { compile: () => gatheringSql[0]! });
        });
        assert.match(gathering, /Bitmap Index Scan on students_search_text_trgm/, gathering);
      }
    });

    test('a bounded count stops at its bound and says so', async (t) => {
      const { db } = await openTestDatabase(t, database);
      await migrateOrThrow(db);
      for (let i = 0; i < 12; i++) await addStudent(db, i, `word${i}`);
      assert.deepEqual(await boundedCount(db, db.selectFrom('students'), 5), { total: 5, atLeast: true });
      assert.deepEqual(await boundedCount(db, db.selectFrom('students'), 12), { total: 12, atLeast: false });
      assert.deepEqual(await boundedCount(db, db.selectFrom('students').where('archived', '=', true), 5), { total: 0, atLeast: false });
    });
  });
}
