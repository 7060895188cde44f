// Query plans at scale (issue 11): every statement the watched pages send (test/query-pages.ts) is
// EXPLAINed on the database it ran on, and none may read a whole table that grows with the
// department, or walk an index in its order, unless the lists below say why (test/query-plan-reads.ts
// says which plan steps are which). A plan, not a timing: it holds on any machine.
//
// SQLite's planner uses no statistics unless ANALYZE ran (FMS runs neither it nor PRAGMA optimize),
// so its plans are the same for 500 students as for 100,000: the `small` department suffices.
// PostgreSQL's planner weighs the statistics of the data, so it gets the `medium` one (10,000
// students, 200 groups, 300 lecturers, 20,000 audit entries, 2,000 news articles) and ANALYZE, as
// autovacuum runs after a seed (VACUUM too: the trigram indexes' pending entries make them look dear
// until it runs). `large` takes minutes to seed (132–159 s on SQLite, 490–603 s on PostgreSQL, on two
// cores shared with other work), too long for the suite; PLAN_CHECK_SCALE=large runs the check there (its
// plans at `large`, the news pages' included, raised nothing the lists below do not name).
// FMS_PRINT_PLANS=1 prints every statement with its plan.
import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { sql } from 'kysely';
import { systemActor } from '../src/access.js';
import { takenUsernames } from '../src/features/auth/service.js';
import type { ServiceContext } from '../src/context.js';
import { dialectOf, type Db } from '../src/db/index.js';
import { demoScales, seedDepartmentAtScale, type DemoScale } from '../src/seeds/scale.js';
import { buildTestApp } from './build-test-app.js';
import { createApiToken, TEST_PASSWORD } from './factories.js';
import { listing, QueryLog, type Statement } from './query-log.js';
import { browsersFor, findPageTargets, signInAs, unanswered, visitPages, watchedPages, type PageId, type WatchedPage } from './query-pages.js';
import { growingTables, pgPlan, sqlitePlan, type Plan, type PlanRead } from './query-plan-reads.js';
import { testDatabases, type TestDatabase } from './services.js';

type PlannedPage = PageId | 'students-search-short' | 'group-choices-unmatched';

interface Accepted {
  pages: readonly PlannedPage[] | 'every page';
  /** With 'every page': the pages it does not cover (another entry says why they read more). */
  except?: readonly PlannedPage[];
  table: string;
  /** Absent only with `step`: whichever way the index named there is read. */
  kind?: PlanRead['kind'];
  /** Only on these engines (their planners choose differently); both when absent. */
  engines?: readonly TestDatabase[];
  /** Only a step that names this (an index): another read of the same table and kind stays reported. */
  step?: RegExp;
  why: string;
}

/**
 * Index walks that a LIMIT stops after a page, because (nearly) every row they meet passes the
 * statement's other filters.
 */
const stopsEarly: Accepted[] = [
  {
    pages: ['students-group', 'students-lecturer'],
    table: 'students',
    kind: 'walk',
    why: "One group's students in name order through students_group_name_idx (group_id, archived, sort_name, id), migration 0005: every row the walk meets is the group's, so it stops after the page (a lecturer's groups: one such walk per group).",
  },
  {
    pages: ['accounts-lecturers'],
    table: 'users',
    kind: 'walk',
    why: "One role's accounts in username order through users_role_username_idx (role, username), migration 0005: the page stops after 50 rows and the bounded count after 1,001.",
  },
  {
    pages: ['audit-groups'],
    table: 'audit_log',
    kind: 'walk',
    why: "One record type's entries newest first through audit_log_entity_at_idx (entity, at, id), migration 0005: the walk stops after the page.",
  },
  {
    pages: 'every page',
    except: ['group-choices-unmatched'],
    table: 'groups',
    kind: 'walk',
    why: 'The group choices (20) and the groups list (100) in name order: nearly every group is active, so the walk stops after its page (and there are 2,000 groups at `large`).',
  },
  {
    pages: ['students', 'students-archived', 'api-students', 'api-students-500'],
    table: 'students',
    kind: 'walk',
    why: 'The list in name order from its start: every active student (or, in the archived list, every archived one: the key names them) passes, so the walk stops after the page (51 rows; 501 through the API).',
  },
  {
    pages: ['lecturers'],
    table: 'lecturers',
    kind: 'walk',
    why: 'Active lecturers in name order from the start: the walk stops after 51.',
  },
  {
    pages: ['subjects'],
    table: 'subjects',
    kind: 'walk',
    why: "Every running subject in name order through subjects_archived_name_idx (archived, name, id), migration 0006: nearly all pass, so the walk stops after the page (101). A lecturer's or a student's list starts from their own subjects instead.",
  },
  {
    pages: ['subject'],
    table: 'audit_log',
    engines: ['postgres'],
    step: /audit_log_entity_at_idx/,
    why: "A subject's history: PostgreSQL walks the subjects' entries newest first through audit_log_entity_at_idx (entity, at, id) until the page's 20 of this subject: it reads subjects' entries only (a few per subject, a few thousand at `large`), never the people's.",
  },
  {
    pages: ['api-waiting-room'],
    table: 'submissions',
    kind: 'walk',
    why: "An admin's Waiting Room is every waiting entry, oldest first, through submissions_status_idx (status, submitted_at): each entry the walk meets is shown, and it stops at 501. A lecturer's starts from the exercises of the subjects they teach.",
  },
  {
    pages: ['accounts'],
    table: 'users',
    kind: 'walk',
    why: 'Every account in username order, unfiltered: the walk stops after 50.',
  },
  {
    pages: ['accounts-search', 'accounts-search-students'],
    table: 'users',
    step: /users_unlinked_idx/,
    why: "The accounts with no student or lecturer, whose display names the search reads, through their partial index users_unlinked_idx (migration 0005): every entry, but only the department's few admins' accounts are in it.",
  },
  {
    pages: ['dashboard-admin', 'audit'],
    table: 'audit_log',
    kind: 'walk',
    why: "The newest entries first. SQLite's index on `at` ends in the rowid, which is the id, so it gives the (at, id) order and stops after the page; PostgreSQL has audit_log_at_id_idx (at, id), migration 0005, for the same.",
  },
  {
    pages: ['news', 'news-student', 'news-lecturer', 'news-lecturer-older', 'dashboard-lecturer', 'dashboard-student'],
    table: 'news',
    kind: 'walk',
    step: /news_published_idx/,
    why: "The news newest first through news_published_idx (published_at, id), migration 0001, from the start or from an Older link's position: an admin reads every article, a student three in four (the public, everyone's, students' and their group's), a lecturer more than half (the public, everyone's, lecturers', their own and their groups'), so the walk stops after the page's 21 (about 28 entries for a student, 40 for a lecturer; the dashboards' latest 6, about 8 and 12).",
  },
  {
    pages: ['theses'],
    table: 'theses',
    step: /^SCAN theses$|theses_pkey/,
    why: "Every thesis newest first, by its key: SQLite walks the rowid backwards (its plan says SCAN, with no sort after it), PostgreSQL theses_pkey backwards; an admin reads every thesis, so the walk stops after the page's 51.",
  },
  {
    pages: ['assistant-admin'],
    table: 'submissions',
    kind: 'walk',
    why: "The department's waiting entries through submissions_status_idx (status, submitted_at), as an admin asks the assistant how many wait: every entry the walk meets is waiting, so the bounded count stops after 1,001.",
  },
  {
    pages: ['dashboard-admin'],
    table: 'users',
    kind: 'walk',
    step: /users_locked_until_idx/,
    why: 'The accounts locked now through users_locked_until_idx (locked_until), migration 0011: the range past now holds only the locked accounts (a lock lasts minutes), so the list stops after 5 and the bounded count after 1,001.',
  },
  {
    pages: ['news-student-category'],
    table: 'news',
    kind: 'walk',
    step: /news_category_published_idx/,
    why: "One category's news newest first through news_category_published_idx (category, published_at, id), migration 0010: a student reads three in four of them, so the walk stops after about 28 of the category's (a sixth of the news).",
  },
  {
    pages: ['news-feed', 'api-public-news'],
    table: 'news',
    kind: 'walk',
    step: /news_audience_published_idx/,
    why: 'The public news newest first through news_audience_published_idx (audience, published_at, id), migration 0010: every entry of the key is a public article, so the walk stops after the feed\'s 31 or the page\'s 11.',
  },
  {
    pages: ['student-record', 'subject'],
    table: 'users',
    kind: 'walk',
    engines: ['postgres'],
    why: "The history's actors through a merge join: the users' primary key is read only up to the highest actor id of the record's entries (the planner picks it when those ids are low, a nested loop otherwise).",
  },
];

/**
 * Reads that grow with the department and remain for now. Each says what it costs at `large`
 * (100,000 students with accounts, 2,000 groups, 3,000 lecturers, 214,000 audit entries, 20,000 news
 * articles) and the fix; each was reported on issue 11. Remove an entry when its fix lands: the test
 * then keeps it fixed.
 */
const knownWholeReads: Accepted[] = [
  {
    pages: ['api-waiting-room'],
    table: 'submissions',
    kind: 'whole',
    engines: ['postgres'],
    why: "The ratings of an admin's Waiting Room page (up to 500 students): at `medium` (29,000 submissions) PostgreSQL prefers hashing the 500 ids against one scan of every submission to 500 lookups by submissions_student_idx, which it takes for a lecturer's few students. Not measured at `large`. Fix if it shows: ratings read per student (a lateral join), or kept per student.",
  },
  {
    pages: ['students-page'],
    table: 'students',
    kind: 'walk',
    why: "A page by number finds its first row's key by OFFSET over the name index (covering: no table rows): page p reads 50·p entries, the middle page at `large` (1,000) 50,000. The page then reads 51 rows from that key.",
  },
  {
    pages: ['students-search-short'],
    table: 'students',
    kind: 'walk',
    why: 'A word of one or two letters has no trigram, so no index finds its candidates: the page walks the students in name order until 51 match, and the count until 1,001 match or the list ends. A common pair stops early; a rare one reads all 100,000.',
  },
  {
    pages: ['students-search-short'],
    table: 'students',
    kind: 'whole',
    engines: ['postgres'],
    why: 'As the walk above: with no trigram, PostgreSQL counts the matches (up to 1,001) by a sequential scan, all 100,000 rows when the pair is rare.',
  },
  {
    pages: ['group-choices-unmatched'],
    table: 'groups',
    kind: 'walk',
    why: "The picker's type-ahead filters the groups in name order by a substring of their name key, which no index serves: a text no name contains walks all of them before answering none (2,000 at `large`: 0.5 ms on SQLite; PostgreSQL scans them, under the size this test counts). Fix: a trigram index over the name key, as for students.",
  },
  {
    pages: ['lecturers'],
    table: 'lecturers',
    kind: 'whole',
    why: "The degree filter's choices, `select distinct academic_degree`, read every lecturer (3,000) on every view of the list. Fix: keep the degrees (a small table, or record_counts-like upkeep), or a type-ahead as for groups.",
  },
];

function scaleOf(database: TestDatabase): DemoScale {
  const asked = process.env.PLAN_CHECK_SCALE;
  if (asked) {
    if (!Object.hasOwn(demoScales, asked)) throw new Error(`PLAN_CHECK_SCALE=${asked}: choose one of ${Object.keys(demoScales).join(', ')}`);
    return asked as DemoScale;
  }
  return database === 'sqlite' ? 'small' : 'medium';
}

/** A PostgreSQL table's size as the planner sees it (after ANALYZE). */
async function pgTableRows(db: Db): Promise<(table: string) => number> {
  const { rows } = await sql<{ name: string; n: number }>`select relname as name, greatest(reltuples, 0)::int as n from pg_class where relkind = 'r' and relnamespace = current_schema()::regnamespace`.execute(db);
  const sizes = new Map(rows.map((r) => [r.name, Number(r.n)]));
  return (table) => sizes.get(table) ?? 0;
}

/**
 * An import's check of 500 usernames (450 taken) looks each one up by the unique index. PostgreSQL 15
 * answered the former `username in ($1, …, $500)` through users_username_trgm while seeding `large`
 * (3 s a check, 19,000 accounts). At `medium` its planner kept the unique index for that statement
 * too, so this guards the shape of the plan rather than reproducing that choice.
 */
async function checkUsernameLookups(t: TestContext, db: Db, log: QueryLog, system: ServiceContext, when: string): Promise<void> {
  await t.test(`an import's check of 500 usernames uses the unique index (${when})`, async () => {
    const existing = await db.selectFrom('users').select('username').orderBy('id', 'desc').limit(450).execute();
    const names = [...existing.map((u) => u.username), ...Array.from({ length: 50 }, (_, i) => `nobody.${i}`)];
    const { result, statements } = await log.during(() => takenUsernames(system, names));
    assert.equal(result.size, existing.length);
    assert.equal(statements.length, 1, listing(statements));
    const statement = statements[0]!;
    const plan = await (await plannerOf(db))(statement);
    if (process.env.FMS_PRINT_PLANS) t.diagnostic(plan.text);
    const shown = `${listing([statement])}\n${plan.text}`;
    assert.match(plan.text, /users_username_key|sqlite_autoindex_users/, `not through the unique index:\n${shown}`);
    assert.doesNotMatch(plan.text, /_trgm/, `through a trigram index:\n${shown}`);
    assert.deepEqual(plan.reads, [], `the usernames' check reads more than its names:\n${shown}`);
  });
}

/** EXPLAINs a statement as the page checks read plans, with the tables as large as they are now. */
async function plannerOf(db: Db): Promise<(s: Pick<Statement, 'sql' | 'parameters'>) => Promise<Plan>> {
  const tables = dialectOf(db) === 'sqlite' ? await growingTables(db) : new Set<string>();
  const rowsOf = dialectOf(db) === 'postgres' ? await pgTableRows(db) : () => 0;
  // A table of 5,000 rows or more at this scale is read as the planner reads it at `large`.
  return (s) => (dialectOf(db) === 'postgres' ? pgPlan(db, s, rowsOf, 5_000) : sqlitePlan(db, s, tables));
}

for (const database of await testDatabases()) {
  const scale = scaleOf(database);
  describe(`query plans at ${scale} on ${database}`, () => {
    test('no statement of a watched page reads a whole table that grows with the department', { timeout: 900_000 }, async (t) => {
      const log = new QueryLog();
      const { app, ctx, db } = await buildTestApp(t, { database, queryLog: log });
      const system: ServiceContext = { ...ctx, actor: systemActor, storage: app.deps.storage };
      const started = performance.now();
      await seedDepartmentAtScale(system, { scale, seed: 1 });
      // As a new department's first import leaves it: no VACUUM yet, so the trigram indexes' statistics are still those of empty tables.
      await checkUsernameLookups(t, db, log, { ...system, db: app.deps.db }, 'right after the seed');
      if (database === 'postgres') await sql`vacuum analyze`.execute(db);
      await checkUsernameLookups(t, db, log, { ...system, db: app.deps.db }, 'after VACUUM ANALYZE');
      t.diagnostic(`seeded ${scale} on ${database} in ${((performance.now() - started) / 1000).toFixed(1)} s`);

      const admin = await db.selectFrom('users').select('id').where('role', '=', 'admin').orderBy('id').limit(1).executeTakeFirstOrThrow();
      const found = await findPageTargets(db);
      const browsers = await browsersFor(app, {
        admin: await signInAs(system, admin.id, TEST_PASSWORD),
        lecturer: await signInAs(system, found.lecturerUserId, TEST_PASSWORD),
        student: await signInAs(system, found.studentUserId, TEST_PASSWORD),
        apiToken: await createApiToken(system, admin.id),
      });
      const short = found.searched.slice(0, 2);
      const pages: WatchedPage<PlannedPage>[] = [
        ...watchedPages(found),
        { id: 'students-search-short', label: `the students list, a search for "${short}"`, role: 'admin', path: `/students?q=${encodeURIComponent(short)}` },
        { id: 'group-choices-unmatched', label: 'the group picker\'s type-ahead for "zzz", which no group\'s name contains', role: 'admin', path: '/groups/choices?q=zzz' },
      ];
      const visits = await visitPages(log, browsers, pages);

      const planOf = await plannerOf(db);

      for (const visit of visits.values()) {
        await t.test(visit.page.label, async () => {
          const problem = unanswered(visit);
          if (problem) assert.fail(problem);
          const reports: string[] = [];
          for (const [i, statement] of visit.statements.entries()) {
            const plan = await planOf(statement);
            if (process.env.FMS_PRINT_PLANS) process.stderr.write(`\n## ${visit.page.id} #${i + 1}\n${listing([statement])}\n${plan.text}\n${plan.reads.map((r) => `=> ${r.kind}: ${r.step}`).join('\n')}\n`);
            const listed = (r: PlanRead) =>
              [...stopsEarly, ...knownWholeReads].some(
                (a) => (a.pages === 'every page' ? !a.except?.includes(visit.page.id) : a.pages.includes(visit.page.id)) && a.table === r.table && (a.kind === undefined || a.kind === r.kind) && (a.engines ?? [database]).includes(database) && (!a.step || a.step.test(r.step)),
              );
            const unexplained = plan.reads.filter((r) => !listed(r));
            if (unexplained.length)
              reports.push(`statement ${i + 1}: ${unexplained.map((r) => `${r.kind === 'walk' ? 'walks' : 'reads whole'} ${r.table}: ${r.step}`).join('; ')}\n${listing([statement])}\n  Its plan:\n${plan.text.replace(/^/gm, '    ')}`);
          }
          assert.equal(reports.length, 0, `${visit.page.label} (GET ${visit.page.path}) at ${scale} on ${database}:\n${reports.join('\n\n')}`);
        });
      }

      await t.test('the plan reader reports a count of every active student, a filter no index serves, and a walk, but not a look-up by key', async () => {
        const kindsOf = async (query: { compile(): { sql: string; parameters: readonly unknown[] } }) => {
          const { sql: text, parameters } = query.compile();
          return (await planOf({ sql: text, parameters })).reads.filter((r) => r.table === 'students' || r.table === 'users').map((r) => r.kind);
        };
        assert.deepEqual(await kindsOf(db.selectFrom('students').select((eb) => eb.fn.countAll().as('n')).where('archived', '=', false)), ['whole']);
        assert.deepEqual(await kindsOf(db.selectFrom('users').selectAll().where('displayName', '=', 'Nobody').limit(1)), ['whole']);
        assert.deepEqual(await kindsOf(db.selectFrom('students').select('id').where('archived', '=', false).orderBy('sortName').orderBy('id').limit(51)), ['walk']);
        assert.deepEqual(await kindsOf(db.selectFrom('students').selectAll().where('id', '=', found.studentId)), []);
      });
    });
  });
}
