// The query log (test/query-log.ts) lists what ran, and which statements ran at the same time: the
// bench's ceiling replays that grouping, so a query that never ran must not skew it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { openTestDatabase } from './build-test-app.js';
import { QueryLog } from './query-log.js';
import { testDatabases } from './services.js';

for (const database of await testDatabases()) {
  describe(`the query log on ${database}`, () => {
    test('lists the statements that ran in the order they started, those awaited together under one number; a subquery or a failed query is neither listed nor joins the next', async (t) => {
      const { db } = await openTestDatabase(t, database);
      const log = new QueryLog();
      const observed = log.observe(db);
      const step = (name: string) => observed.selectNoFrom(sql.lit(name).as('step'));

      const { statements } = await log.during(async () => {
        // Kysely transforms the subquery as it builds the outer query, which alone runs.
        await observed.selectNoFrom([sql.lit('outer').as('step'), step('inner').as('sub')]).execute();
        await Promise.all([step('first of two').execute(), step('second of two').execute()]);
        await assert.rejects(sql`select * from no_such_table`.execute(observed));
        await step('last').execute();
      });

      const named = (s: { sql: string }) => /'([^']+)' as "step"/.exec(s.sql)?.[1];
      assert.deepEqual(
        statements.map((s) => [named(s), s.together]),
        [
          ['outer', 1],
          ['first of two', 2],
          ['second of two', 2],
          ['last', 3],
        ],
        statements.map((s) => s.sql).join('\n'),
      );
      assert.equal((await log.during(() => step('alone').execute())).statements[0]?.together, 1, 'each request numbers from one');
    });
  });
}
