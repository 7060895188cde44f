// How many SQL statements each page runs (issue 11): the same at N and at 3N records, so that no page
// runs a statement per row it shows (an N+1), and no more than its budget. A count, not a timing: it
// holds on any machine. test/query-plans.test.ts EXPLAINs the same pages' statements at scale.
// FMS_PRINT_QUERIES=1 prints each page's statements, to set a budget after a deliberate change.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { systemActor } from '../src/access.js';
import type { ServiceContext } from '../src/context.js';
import { databaseSessionStore } from '../src/features/auth/session-store.js';
import { Readable } from 'node:stream';
import { actorFromUser, findUserById } from '../src/features/auth/service.js';
import { createExercise } from '../src/features/exercises/service.js';
import { createNews } from '../src/features/news/service.js';
import { submitExercises } from '../src/features/exercises/submissions.js';
import { archiveStudent, updateStudent } from '../src/features/students/service.js';
import { addMaterials } from '../src/features/subjects/materials.js';
import { newStorageKey, type Storage } from '../src/storage/index.js';
import { buildTestApp } from './build-test-app.js';
import { createApiToken, createGroup, createLecturer, createStudent, createUser, teach, TEST_PASSWORD } from './factories.js';
import { listing, QueryLog } from './query-log.js';
import { newsCursorAfter } from '../src/features/news/service.js';
import { recordThesis } from '../src/features/theses/service.js';
import { browsersFor, unanswered, visitPages, watchedPages, type PageId } from './query-pages.js';
import { testDatabases } from './services.js';

interface Expected {
  /**
   * Most statements the page may send: what it sent on both engines when this suite was written
   * (the comment says what they are, after the first two). An upper bound: a change that saves a statement passes; one that adds
   * one raises the budget here, where a reviewer sees it. Every signed-in page starts with two:
   * the maintenance switch (read on every request here; production caches it), and the session or
   * the API token read with its account (one statement).
   */
  budget: number;
  /** The page shows more rows at 3N than at N, so a statement per row would change its count. */
  grows: boolean;
}

const expected: Record<PageId, Expected> = {
  'sign-in': { budget: 1, grows: false }, // the maintenance switch
  'dashboard-admin': { budget: 8, grows: false }, // + kept counts, the charts' tallies (past days once, today), recent history, locked accounts and their bounded count
  'dashboard-lecturer': { budget: 7, grows: true }, // + teaching with its waiting entries, the week's exercises and their groups, the latest news and their groups
  'dashboard-student': { budget: 9, grows: true }, // + the student and group, subjects with lecturers, the deadlines ahead, the overdue count, the released scores, the latest news and their groups
  students: { budget: 5, grows: false }, // + group choices, the page, the kept total
  'students-page': { budget: 6, grows: true }, // + the page's first key
  'students-search': { budget: 6, grows: true }, // a bounded count for the kept total; the trigram index is asked first
  'students-group': { budget: 6, grows: true }, // + the chosen group
  'students-archived': { budget: 5, grows: true },
  'students-lecturer': { budget: 5, grows: true },
  lecturers: { budget: 7, grows: true }, // + group choices, the page, the total, degrees, groups taught
  groups: { budget: 3, grows: true }, // the page with its group sizes
  accounts: { budget: 4, grows: false }, // the page, the kept totals
  'accounts-lecturers': { budget: 4, grows: true }, // the page, the bounded count
  'accounts-search': { budget: 8, grows: true }, // the matches gathered in one union, the page, the bounded count; SQLite asks three trigram indexes first (usernames, students', lecturers')
  'accounts-search-students': { budget: 8, grows: true }, // the same, one role
  audit: { budget: 3, grows: false },
  'audit-groups': { budget: 3, grows: true },
  'student-record': { budget: 8, grows: true }, // the record (read twice), its account, its history; + the group's subjects with their lecturers, the exercises with the student's submissions (one each, whatever their number: students/studies.ts)
  'student-record-lecturer': { budget: 5, grows: true }, // the record within the lecturer's groups, the subjects, the exercises of the subjects they teach there
  'student-record-own': { budget: 5, grows: true }, // the record, the subjects, My exercises' reading
  'lecturer-record': { budget: 8, grows: true }, // the record (read twice), groups taught, the account, history, the teaching with its waiting counts (one statement)
  'api-students': { budget: 3, grows: false }, // the token with its account, maintenance, the page
  'api-students-500': { budget: 3, grows: true },
  'api-search': { budget: 4, grows: true }, // the trigram index is asked first
  subjects: { budget: 5, grows: true }, // the page, its groups, its teaching
  'subjects-lecturer': { budget: 5, grows: true },
  'subjects-student': { budget: 6, grows: true }, // + the cards' materials
  subject: { budget: 10, grows: true }, // the subject (its groups, teaching), materials, exercises (their groups), the form's lecturer labels, history
  'waiting-room': { budget: 4, grows: true }, // the entries, the students' ratings
  'my-exercises': { budget: 3, grows: true }, // the exercises with the student's submissions
  'api-waiting-room': { budget: 4, grows: true },
  gradebook: { budget: 8, grows: true }, // the subject (its groups, teaching), the students, the exercises, the submissions
  news: { budget: 4, grows: true }, // the page with its authors' names, the groups of its articles for groups (one statement)
  'news-student': { budget: 4, grows: true },
  'news-student-category': { budget: 4, grows: true },
  'news-lecturer': { budget: 4, grows: true },
  'news-lecturer-older': { budget: 4, grows: true },
  'news-article': { budget: 4, grows: false }, // the article with its author's name, its groups
  'news-feed': { budget: 2, grows: true }, // the maintenance switch, the public articles (no session: a feed reader has none)
  'api-public-news': { budget: 2, grows: true },
  theses: { budget: 3, grows: true }, // the page with the students' and supervisors' names
  'theses-lecturer': { budget: 5, grows: true }, // the ids supervised, the ids of the taught groups' students, the page
  'theses-student': { budget: 5, grows: true }, // the theses' version, every title (the index, built once per change: its first search), the student's own
  'api-theses-similar': { budget: 4, grows: true }, // the token with its account, maintenance, the theses' version, every title (the first search)
  // The assistant's answers list a few items each (answers.ts LISTED), however many there are.
  // A student's or lecturer's page also names one of their subjects in its examples: the first subject with its groups and teaching (3).
  'assistant-student': { budget: 8, grows: false }, // the deadlines ahead, the overdue count, the released scores (studentOutlook), the examples' subject
  'assistant-student-scores': { budget: 11, grows: false }, // + the student's subjects with their groups and teaching (a subject named anywhere in the question?), then studentOutlook
  'assistant-lecturer': { budget: 6, grows: false }, // teaching with its waiting entries (waitingByTeachingOf), the examples' subject
  'assistant-admin': { budget: 3, grows: false }, // the department's waiting entries
};

/** The department the parts join: a home group taught by the signed-in lecturer, with the signed-in student in it. */
interface Department {
  system: ServiceContext & { sessions: ReturnType<typeof databaseSessionStore>; storage: Storage };
  homeGroupId: number;
  lecturerId: number;
  studentId: number;
  parts: number;
  /** The subjects the signed-in lecturer teaches the home group, one a part. */
  lecturerSubjectIds: number[];
  /** Who publishes news: the signed-in admin and lecturer. */
  admin: ServiceContext;
  lecturer: ServiceContext;
}

/** The word the searches look for: two students of every part carry it in their surname. */
const SEARCHED = 'novak';

/**
 * One part of a department: a group of 15 students (one of them archived, two named Novak…), 5 more
 * students in the home group, a lecturer teaching the new group and a subject of the home group,
 * another subject of the home group for the signed-in lecturer, one change to the signed-in
 * student's record, and six articles: four by the admin (public, everyone, students, lecturers), one
 * by the signed-in lecturer to the home group, one by the new lecturer to the new group; six theses
 * (the home group's five new students', one of the new group's). Every page
 * marked `grows` below shows more rows with every part (the news lists up to their 20).
 */
async function addPart(d: Department): Promise<void> {
  const k = ++d.parts;
  const { system } = d;
  const group = await createGroup(system, { name: `Part-${k}` });
  const lecturer = await createLecturer(system, { lastName: `Teacher${k}` });
  await teach(system, lecturer.lecturer.id, group.id);
  const homeSubject = await teach(system, lecturer.lecturer.id, d.homeGroupId);
  d.lecturerSubjectIds.push((await teach(system, d.lecturerId, d.homeGroupId)).id);
  // The group takes the subject (what a student's dashboard lists), written as the factories write
  // teaching (test/factories.ts teach): directly, so a part adds no audit entries of its own.
  await system.db.insertInto('subjectGroups').values({ subjectId: homeSubject.id, groupId: d.homeGroupId }).execute();
  for (let i = 0; i < 20; i++) {
    const lastName = i < 2 ? `Novakovic${k}x${i}` : `Student${k}x${i}`;
    const { student } = await createStudent(system, { lastName, groupId: i < 15 ? group.id : d.homeGroupId });
    if (i === 2) await archiveStudent(system, student.id);
    // Theses: the home group's five (in the lecturer's list) and one of the new group, all alike enough for the similarity searches.
    if (i >= 15) await recordThesis(system, { studentId: student.id, title: `Neural networks for routing in sensor networks, part ${k}, study ${i}`, supervisorId: null, year: 2027 });
    if (i === 0) await recordThesis(system, { studentId: student.id, title: `Graph algorithms for scheduling of university exams, part ${k}`, supervisorId: lecturer.lecturer.id, year: 2026 });
  }
  await updateStudent(system, d.studentId, { address: `Street ${k}` });
  // The signed-in lecturer's subject of the home group gets an exercise, a material and the home
  // students' submissions: the Waiting Room, the student's exercises and the cards grow with them.
  await system.db.insertInto('subjectGroups').values({ subjectId: d.lecturerSubjectIds.at(-1)!, groupId: d.homeGroupId }).execute();
  // The first subject (the subject page watched) gets the part's exercise and material.
  const exercise = await createExercise(system, { subjectId: d.lecturerSubjectIds[0]!, groupIds: [d.homeGroupId], title: `Exercise ${k}` });
  const bytes = Buffer.from(`notes ${k}`);
  const key = newStorageKey(system.clock.now());
  const stored = await system.storage.put(key, Readable.from([bytes]), { contentType: 'text/plain', size: bytes.length });
  await addMaterials(system, d.lecturerSubjectIds[0]!, [{ storageKey: key, originalName: `notes-${k}.txt`, contentType: 'text/plain', ...stored }]);
  const publish = (ctx: ServiceContext, audience: string, category: string, groupIds?: number[]) =>
    createNews(ctx, { category, title: `Part ${k}: ${audience}`, body: `News of part **${k}** for ${audience}.`, audience, ...(groupIds ? { groupIds } : {}) });
  await publish(d.admin, 'public', 'event');
  await publish(d.admin, 'everyone', 'general');
  await publish(d.admin, 'students', 'exam');
  await publish(d.admin, 'lecturers', 'announcement');
  await publish(d.lecturer, 'groups', 'exam', [d.homeGroupId]);
  await publish({ ...system, actor: actorFromUser((await findUserById(system, lecturer.account.userId))!) }, 'groups', 'exam', [group.id]);
  const homeStudents = await system.db.selectFrom('students').innerJoin('users', 'users.studentId', 'students.id').select('users.id').where('students.groupId', '=', d.homeGroupId).where('students.archived', '=', false).execute();
  for (const { id } of homeStudents) {
    const user = (await findUserById(system, id))!;
    const sent = await submitExercises({ ...system, actor: actorFromUser(user) }, { exerciseIds: [exercise.id] });
    await sent.afterCommit();
  }
}

/** Rows a page shows: table rows, list items and news cards of an HTML page, entries of a feed, items of a JSON list. */
function rowsShown(response: LightMyRequestResponse): number {
  if (String(response.headers['content-type']).startsWith('application/json')) {
    const body = response.json() as { items?: unknown[] };
    return body.items?.length ?? 0;
  }
  return (response.body.match(/<tr[\s>]|<li class="list-group-item|<article class="[^"]*\bnews-card\b|<entry>/g) ?? []).length;
}

for (const database of await testDatabases()) {
  describe(`statements per page on ${database}`, () => {
    test('every page runs as many statements at 3N records as at N (no statement per row), within its budget', async (t) => {
      const log = new QueryLog();
      const { app, ctx } = await buildTestApp(t, { database, queryLog: log });
      const system = { ...ctx, actor: systemActor, storage: app.deps.storage, sessions: databaseSessionStore(ctx.db) };
      const home = await createGroup(system, { name: 'Home' });
      const lecturer = await createLecturer(system, { firstName: 'Elena', lastName: 'Petrova' }, { password: TEST_PASSWORD });
      const firstSubject = await teach(system, lecturer.lecturer.id, home.id);
      await system.db.insertInto('subjectGroups').values({ subjectId: firstSubject.id, groupId: home.id }).execute();
      const student = await createStudent(system, { firstName: 'Sara', lastName: 'Home', groupId: home.id }, { password: TEST_PASSWORD });
      const admin = await createUser(system, { role: 'admin', username: 'chief' });
      const actor = async (userId: number): Promise<ServiceContext> => ({ ...system, actor: actorFromUser((await findUserById(system, userId))!) });
      const department: Department = {
        system,
        homeGroupId: home.id,
        lecturerId: lecturer.lecturer.id,
        studentId: student.student.id,
        parts: 0,
        lecturerSubjectIds: [firstSubject.id],
        admin: await actor(admin.id),
        lecturer: await actor(lecturer.account.userId),
      };
      // The article the student opens: the lecturer's to the home group.
      const article = await createNews(department.lecturer, { category: 'announcement', title: 'Welcome', body: 'The **first** lecture is on Monday.', audience: 'groups', groupIds: [home.id] });

      const browsers = await browsersFor(app, {
        admin: { username: admin.username, password: TEST_PASSWORD },
        lecturer: { username: lecturer.account.username, password: TEST_PASSWORD },
        student: { username: student.account.username, password: TEST_PASSWORD },
        apiToken: await createApiToken(system, admin.id),
      });
      // Page 2 holds 8 students at N (3 parts) and 50 at 3N (9 parts).
      // The news' Older page from a minute after the articles (all published at the clock's now): its
      // statements are any Older page's, and it shows the articles as the parts add them.
      const newsCursor = newsCursorAfter({ publishedAt: new Date(ctx.clock.now().getTime() + 60_000), id: 1 });
      const pages = watchedPages({ groupId: home.id, studentId: student.student.id, searched: SEARCHED, pageNumber: 2, subjectId: firstSubject.id, lecturerId: lecturer.lecturer.id, newsId: article.id, newsCursor });

      for (let i = 0; i < 3; i++) await addPart(department);
      const atN = await visitPages(log, browsers, pages);
      for (let i = 0; i < 6; i++) await addPart(department);
      const at3N = await visitPages(log, browsers, pages);

      for (const page of pages) {
        const { grows, budget } = expected[page.id];
        await t.test(page.label, () => {
          const n = atN.get(page.id)!;
          const n3 = at3N.get(page.id)!;
          for (const problem of [unanswered(n), unanswered(n3)]) if (problem) assert.fail(problem);
          if (process.env.FMS_PRINT_QUERIES)
            process.stderr.write(`# ${page.id}: ${n.statements.length} / ${n3.statements.length} statements, ${rowsShown(n.response)} / ${rowsShown(n3.response)} rows\n${listing(n3.statements)}\n`);
          if (grows)
            assert.ok(rowsShown(n3.response) > rowsShown(n.response), `${page.label} should show more rows at 3N than at N (${rowsShown(n.response)}, then ${rowsShown(n3.response)}), or this comparison cannot find a statement per row`);
          assert.equal(
            n3.statements.length,
            n.statements.length,
            `${page.label} (GET ${page.path}) sent ${n.statements.length} statements at N and ${n3.statements.length} at 3N: a statement per row?\nAt N:\n${listing(n.statements)}\nAt 3N:\n${listing(n3.statements)}`,
          );
          assert.ok(
            n3.statements.length <= budget,
            `${page.label} (GET ${page.path}) sent ${n3.statements.length} statements, over its budget of ${budget}:\n${listing(n3.statements)}`,
          );
        });
      }
    });
  });
}
