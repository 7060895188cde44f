// The students list's totals at any size (issue 11, ADR 0015): the whole list shows the kept count,
// exact; a search counts only as far as 1,000 rows past the page being read and says "more than";
// the page numbers go as far as was counted and "Next" goes on; the admin's dashboard shows the kept
// figures. On SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { testDatabases } from '../../../test/services.js';
import { pagesApp } from '../../../test/people/page-helpers.js';

const STUDENTS = 1_060;

for (const database of await testDatabases()) {
  describe(`the students list's totals with ${STUDENTS} students on ${database}`, () => {
    test('exact for the whole list, "more than" for a broad search, pages as far as counted, and the dashboard from the kept figures', async (t) => {
      const { admin, db } = await pagesApp(t, database);
      const now = new Date();
      // Written directly, in a few statements: the triggers count them as any writer's rows.
      const rows = Array.from({ length: STUDENTS }, (_, i) => ({
        studentNumber: `T${String(i).padStart(5, '0')}`,
        firstName: 'Ana',
        lastName: i % 2 === 0 ? 'Novak' : 'Horvat',
        patronymic: '',
        searchText: `t${String(i).padStart(5, '0')} ${i % 2 === 0 ? 'novak' : 'horvat'} ana`,
        teachingSearchText: `t${String(i).padStart(5, '0')} ${i % 2 === 0 ? 'novak' : 'horvat'} ana`,
        sortName: `${i % 2 === 0 ? 'novak' : 'horvat'} ana ${String(i).padStart(5, '0')}`,
        createdAt: now,
        updatedAt: now,
      }));
      for (let i = 0; i < rows.length; i += 250) await db.insertInto('students').values(rows.slice(i, i + 250)).execute();

      const summary = (body: string) => /data-testid="list-summary"[^>]*>([^<]*)</.exec(body)?.[1];
      const whole = await admin.get('/students');
      assert.equal(summary(whole.body), 'Showing 1–50 of 1,060 students');
      assert.match(whole.body, /aria-label="Pages"[\s\S]*>22<\/a>/, 'the last page is offered');

      const broad = await admin.get('/students?q=ana');
      assert.equal(summary(broad.body), 'Showing 1–50 of more than 1,000 students');
      const numbers = (body: string) => [...body.matchAll(/<a class="page-link" href="[^"]*"(?: aria-current="page")?>([\d,]+)<\/a>/g)].map((m) => m[1]);
      assert.deepEqual(numbers(broad.body), ['1', '2', '3'], 'no last page is offered when the count stopped short');
      assert.match(broad.body, /<span class="page-link">…<\/span><\/li><li class="page-item"><a class="page-link" href="[^"]*page=2/, 'a gap, then Next');
      assert.match(broad.body, /<li class="page-item"><a class="page-link" href="[^"]*page=2[^"]*" aria-label="Next page"/);

      // Further on, the count goes 1,000 rows past the page: exact again here.
      const later = await admin.get('/students?q=ana&page=20');
      assert.equal(summary(later.body), 'Showing 951–1,000 of 1,060 students');
      const last = await admin.get('/students?q=ana&page=22');
      assert.equal(summary(last.body), 'Showing 1,051–1,060 of 1,060 students');
      assert.match(last.body, /<li class="page-item disabled"><a class="page-link" href="[^"]*" aria-label="Next page"/);

      const narrow = await admin.get('/students?q=novak');
      assert.equal(summary(narrow.body), 'Showing 1–50 of 530 students');

      const dashboard = await admin.get('/dashboard');
      assert.equal(dashboard.statusCode, 200);
      assert.match(dashboard.body, /1,060/, 'the dashboard shows the kept count of students');
    });
  });
}
