// Each role's dashboard from live data: the admin's charts of sign-ins and hand-ins per day of the
// department (tallied by migration 0011's triggers), the accounts locked now; a lecturer's subjects
// with what waits, the week's exercises and the news they may read; a student's deadlines, released
// scores and news. Each sees only what is theirs to see.
import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { createGroup, createLecturer, createStudent } from '../../../test/factories.js';
import { Browser } from '../../../test/http.js';
import { pagesApp, signInAsNew } from '../../../test/people/page-helpers.js';
import { testDatabases, type TestDatabase } from '../../../test/services.js';
import { TEST_PASSWORD } from '../../../test/factories.js';
import { actorFromUser, findUserById } from '../auth/service.js';
import { recordAudit } from '../audit/service.js';
import { createExercise } from '../exercises/service.js';
import { releaseScores, scoreSubmission, submitExercises } from '../exercises/submissions.js';
import { createSubject } from '../subjects/service.js';
import { activityByDay } from './activity.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Far past the real clock, so the sign-ins of setting up (at the real now) are outside its 90 days. */
const NOW = new Date('2031-01-15T10:00:00Z');

/** The figure of one day in a chart of the page: its row's data-value. */
function figureOf(body: string, chart: string, day: string): number {
  const figure = body.slice(body.indexOf(`id="${chart}"`));
  const row = new RegExp(`<time datetime="${day}">[^<]*</time></th><td class="text-end" data-value="(\\d+)"`).exec(figure);
  assert.ok(row, `${chart} has a row for ${day}`);
  return Number(row[1]);
}

/**
 * CS-101 and PH-101; Databases for CS-101 taught by Horvat, Algorithms for PH-101 taught by Petrova;
 * a student in each group. The clock at NOW, in Yerevan's time (UTC+4, no summer time).
 */
async function department(t: TestContext, database: TestDatabase) {
  const built = await pagesApp(t, database, { TIMEZONE: 'Asia/Yerevan' });
  const { app, system, clock } = built;
  clock.set(NOW);
  const cs = await createGroup(system, { name: 'CS-101' });
  const ph = await createGroup(system, { name: 'PH-101' });
  const horvat = await createLecturer(system, { lastName: 'Horvat', firstName: 'Ivan', email: 'ivan.horvat@example.edu' });
  const petrova = await createLecturer(system, { lastName: 'Petrova', firstName: 'Ana', email: 'ana.petrova@example.edu' });
  const databases = await createSubject(system, { name: 'Databases', description: '', groupIds: [cs.id], lecturerIds: [horvat.lecturer.id] });
  const algorithms = await createSubject(system, { name: 'Algorithms', description: '', groupIds: [ph.id], lecturerIds: [petrova.lecturer.id] });
  const sara = await createStudent(system, { groupId: cs.id, firstName: 'Sara', lastName: 'Novak' });
  const marko = await createStudent(system, { groupId: ph.id, firstName: 'Marko', lastName: 'Ilić' });
  const asUser = async (userId: number) => ({ ...system, actor: actorFromUser((await findUserById(system, userId))!) });
  const admin = new Browser(app);
  await admin.signIn(built.adminUser.username, TEST_PASSWORD);
  return { ...built, admin, cs, ph, horvat, petrova, databases, algorithms, sara, marko, asUser };
}

for (const database of await testDatabases()) {
  describe(`dashboards on ${database}`, () => {
    test("the admin's charts count sign-ins and hand-ins on the department's days, today's as they happen; scoring is no hand-in", async (t) => {
      const d = await department(t, database);
      const { system, clock } = d;
      const exercise = await createExercise(system, { subjectId: d.databases.id, groupIds: [d.cs.id], title: 'Joins', dueAt: new Date(NOW.getTime() + 5 * DAY).toISOString() });
      // 20:30 UTC on the 13th is 00:30 on the 14th in Yerevan; 19:30 UTC is still the 13th there.
      for (const at of ['2031-01-13T20:30:00Z', '2031-01-13T19:30:00Z', '2031-01-13T19:45:00Z']) {
        clock.set(at);
        await recordAudit(system, { action: 'auth.sign_in', entity: 'user', entityId: d.sara.account.userId, actorId: d.sara.account.userId });
      }
      // Something else audited is no sign-in.
      await recordAudit(system, { action: 'auth.sign_in_failed', entity: 'user', entityId: d.sara.account.userId });
      // Sent three days ago, sent again in its place today, then scored: two hand-ins.
      clock.set(new Date(NOW.getTime() - 3 * DAY));
      const sara = await d.asUser(d.sara.account.userId);
      await submitExercises(sara, { exerciseIds: [exercise.id], note: 'first try' });
      clock.set(NOW);
      const [again] = (await submitExercises(sara, { exerciseIds: [exercise.id], note: 'better' })).sent;
      await scoreSubmission(await d.asUser(d.horvat.account.userId), again!.id, { score: 5, version: again!.version });

      const days = await activityByDay(system.db, NOW, 'Asia/Yerevan');
      assert.equal(days.length, 90);
      assert.equal(days.at(-1)!.day, '2031-01-15', 'today last, in Yerevan');
      assert.equal(days[0]!.day, '2030-10-18', '90 days in all');
      const on = (day: string) => days.find((x) => x.day === day)!;
      assert.deepEqual([on('2031-01-13').signIns, on('2031-01-14').signIns], [2, 1], "each sign-in on the department's day, not UTC's");
      assert.equal(on('2031-01-12').handIns, 1, 'the first hand-in on its day');
      assert.equal(on('2031-01-15').handIns, 1, 'sending again counts as a hand-in; scoring does not');
      assert.equal(on('2031-01-15').signIns, 1, "today: the admin's sign-in");
      assert.equal(
        days.reduce((n, x) => n + x.signIns, 0),
        4,
        'nothing else counted as a sign-in',
      );

      // Today is read on every view, though the finished days are kept: a sign-in now shows at once.
      await signInAsNew(d.app, d.marko.account.username, d.marko.account.oneTimePassword);
      const page = await d.admin.get('/dashboard');
      assert.equal(page.statusCode, 200);
      assert.equal(figureOf(page.body, 'chart-sign-ins', '2031-01-15'), 2, "today's sign-ins: the admin's and Marko's");
      assert.equal(figureOf(page.body, 'chart-sign-ins', '2031-01-13'), 2);
      assert.equal(figureOf(page.body, 'chart-hand-ins', '2031-01-12'), 1);
      assert.match(page.body, /<caption class="visually-hidden">Sign-ins per day, last 90 days: 5 in 90 days, the most on /, 'the table says what the chart shows');
      assert.match(page.body, /<div class="chart-plot" aria-hidden="true"><\/div>/);
      assert.match(page.body, /uplot\.[0-9a-f]{12}\.js[^>]*defer><\/script><script src="\/static\/charts\.[0-9a-f]{12}\.js"/, 'uPlot, then the script that draws from the tables');

      // Nobody else gets the charts or the admin's figures.
      const student = await signInAsNew(d.app, d.sara.account.username, d.sara.account.oneTimePassword);
      const own = await student.get('/dashboard');
      assert.equal(own.statusCode, 200);
      assert.doesNotMatch(own.body, /chart-sign-ins|uplot|Accounts locked now|Recent activity/);
    });

    test('the admin sees the accounts locked now, each until its lock ends', async (t) => {
      const d = await department(t, database);
      const none = await d.admin.get('/dashboard');
      assert.match(none.body, /None: no account is locked after failed sign-ins\./);
      // Locked the way failed sign-ins lock it: a time the lock ends.
      await d.system.db.updateTable('users').set({ lockedUntil: new Date(NOW.getTime() + 15 * 60_000) }).where('id', '=', d.sara.account.userId).execute();
      await d.system.db.updateTable('users').set({ lockedUntil: new Date(NOW.getTime() - 60_000) }).where('id', '=', d.marko.account.userId).execute();
      const locked = await d.admin.get('/dashboard');
      assert.match(locked.body, /Accounts locked now: 1</);
      assert.match(locked.body, new RegExp(`<a href="/admin/accounts/${d.sara.account.userId}">Sara Novak \\(${d.sara.account.username}\\)</a>`));
      assert.doesNotMatch(locked.body, new RegExp(d.marko.account.username), 'a lock that has ended is not shown');
      d.clock.advance(16 * 60_000);
      assert.match((await d.admin.get('/dashboard')).body, /None: no account is locked/);
    });

    test("a lecturer's dashboard: their subjects with what waits, their exercises due within the week, the news they may read", async (t) => {
      const d = await department(t, database);
      const { system } = d;
      const at = (days: number) => new Date(NOW.getTime() + days * DAY).toISOString();
      const soon = await createExercise(system, { subjectId: d.databases.id, groupIds: [d.cs.id], title: 'Joins', dueAt: at(2) });
      await createExercise(system, { subjectId: d.databases.id, groupIds: [d.cs.id], title: 'Keys, next week', dueAt: at(8) });
      await createExercise(system, { subjectId: d.databases.id, groupIds: [d.cs.id], title: 'Views, past', dueAt: at(-1) });
      await createExercise(system, { subjectId: d.algorithms.id, groupIds: [d.ph.id], title: 'Sorting, not hers', dueAt: at(1) });
      await submitExercises(await d.asUser(d.sara.account.userId), { exerciseIds: [soon.id], note: '' });
      for (const [title, audience, extra] of [
        ['For lecturers', 'lecturers', {}],
        ['For students', 'students', {}],
        ['For PH-101', 'groups', { groups: 'PH-101' }],
      ] as const) {
        const made = await d.admin.post('/news', { category: 'general', title, body: '', audience, ...extra }, { from: '/news/new' });
        assert.equal(made.statusCode, 303);
      }
      const horvat = await signInAsNew(d.app, d.horvat.account.username, d.horvat.account.oneTimePassword);
      const page = await horvat.get('/dashboard');
      assert.equal(page.statusCode, 200);
      const panel = (id: string) => page.body.slice(page.body.indexOf(`data-testid="${id}"`), page.body.indexOf('</section>', page.body.indexOf(`data-testid="${id}"`)));
      assert.match(panel('my-subjects'), new RegExp(`<a href="/subjects/${d.databases.id}">Databases</a></td><td>CS-101</td><td class="text-end"><span class="badge text-bg-warning">1</span>`));
      assert.doesNotMatch(panel('my-subjects'), /Algorithms/);
      const due = panel('due-this-week');
      assert.match(due, /Joins/);
      assert.match(due, /in 2 days/);
      assert.doesNotMatch(due, /next week|past|not hers/, 'only the next seven days, only their subjects');
      const news = panel('latest-news');
      assert.match(news, /For lecturers/);
      assert.doesNotMatch(news, /For students|For PH-101/, "only the news a lecturer of CS-101 may read");
    });

    test("a student's dashboard: deadlines ahead soonest first with time left, overdue counted, released scores only, their news", async (t) => {
      const d = await department(t, database);
      const { system } = d;
      const at = (hours: number) => new Date(NOW.getTime() + hours * HOUR).toISOString();
      const later = await createExercise(system, { subjectId: d.databases.id, groupIds: [d.cs.id], title: 'Keys', dueAt: at(5 * 24) });
      await createExercise(system, { subjectId: d.databases.id, groupIds: [d.cs.id], title: 'Joins', dueAt: at(30) });
      await createExercise(system, { subjectId: d.databases.id, groupIds: [d.cs.id], title: 'Views', dueAt: at(-2) });
      const scored = await createExercise(system, { subjectId: d.databases.id, groupIds: [d.cs.id], title: 'Normal forms', dueAt: at(-48) });
      const held = await createExercise(system, { subjectId: d.databases.id, groupIds: [d.cs.id], title: 'Indexes', dueAt: at(-24), scoreRelease: 'manual' });
      await createExercise(system, { subjectId: d.algorithms.id, groupIds: [d.ph.id], title: 'Sorting', dueAt: at(3) });
      const sara = await d.asUser(d.sara.account.userId);
      const horvat = await d.asUser(d.horvat.account.userId);
      const { sent } = await submitExercises(sara, { exerciseIds: [scored.id, held.id, later.id], note: '' });
      for (const s of sent.slice(0, 2)) await scoreSubmission(horvat, s.id, { score: s.exerciseId === scored.id ? 5 : 2, version: s.version });
      const made = await d.admin.post('/news', { category: 'general', title: 'For PH-101 only', body: '', audience: 'groups', groups: 'PH-101' }, { from: '/news/new' });
      assert.equal(made.statusCode, 303);

      const student = await signInAsNew(d.app, d.sara.account.username, d.sara.account.oneTimePassword);
      const body = (await student.get('/dashboard')).body;
      const panel = (id: string) => body.slice(body.indexOf(`data-testid="${id}"`), body.indexOf('</section>', body.indexOf(`data-testid="${id}"`)));
      const deadlines = panel('upcoming-deadlines');
      assert.deepEqual([...deadlines.matchAll(/class="fw-semibold text-decoration-none">([^<]+)</g)].map((m) => m[1]), ['Joins'], 'what is still to send, ahead; Keys is sent already');
      assert.match(deadlines, /<strong>30 hours<\/strong> left · due <time datetime="2031-01-16T16:00:00.000Z">Thu, 16 Jan 2031, 20:00 Asia\/Yerevan<\/time>/);
      assert.match(deadlines, />1 overdue with nothing sent</);
      assert.doesNotMatch(body, /Sorting/, "another group's exercise");
      const scores = panel('latest-scores');
      assert.match(scores, /Normal forms[\s\S]*>5</);
      assert.doesNotMatch(scores, /Indexes/, 'a score not yet released');
      d.clock.advance(HOUR);
      await releaseScores(horvat, held.id);
      const released = (await student.get('/dashboard')).body;
      assert.match(released.slice(released.indexOf('data-testid="latest-scores"')), /Indexes[\s\S]*>2<[\s\S]*Normal forms/, 'released now, so the latest');
      assert.doesNotMatch(body, /For PH-101 only/);
    });
  });
}
