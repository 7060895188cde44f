// The exercise pages: a subject's lecturer sets an exercise from the subject page, typing its due
// time in the department's zone (TIMEZONE); its students read it, other groups' students and other
// lecturers do not find it; the lecturer changes it, releases its scores and deletes it.
import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { createGroup, createLecturer, createStudent } from '../../../test/factories.js';
import type { Browser } from '../../../test/http.js';
import { pagesApp, signInAsNew } from '../../../test/people/page-helpers.js';
import { testDatabases, type TestDatabase } from '../../../test/services.js';
import { formatDeadline, timeFromNow } from '../../lib/department-time.js';

const ZONE = 'Europe/Zagreb';

/** The messages a refused form shows, to say why in a failed assertion. */
const feedback = (body: string) => [...body.matchAll(/class="(?:invalid-feedback[^"]*|alert alert-danger)"[^>]*>([^<]+)</g)].map((m) => m[1]).join(' | ');

/** The message under one field of a refused form. */
const fieldError = (body: string, field: string) => new RegExp(`id="field-${field}-error"[^>]*>([^<]+)<`).exec(body)?.[1];

/**
 * Posts a form as the browser does, fields in order and some repeated (the ticked groups), with the
 * CSRF token of the page `from`.
 */
async function postForm(browser: Browser, url: string, fields: [string, string][], from: string) {
  const token = await browser.csrfToken(from);
  const response = await browser.app.inject({
    method: 'POST',
    url,
    headers: { cookie: [...browser.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; '), 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams([['_csrf', token], ...fields]).toString(),
  });
  for (const c of response.cookies as { name: string; value: string }[]) if (c.value) browser.cookies.set(c.name, c.value);
  return response;
}

/** The exercise form's fields: the groups ticked one by one, as checkboxes send them. */
function exerciseForm(values: { subjectId?: number; title: string; text?: string; groupIds: number[]; dueAt?: string; scoreRelease?: string }): [string, string][] {
  return [
    ...(values.subjectId !== undefined ? [['subjectId', String(values.subjectId)] as [string, string]] : []),
    ['title', values.title],
    ['text', values.text ?? ''],
    ...values.groupIds.map((id) => ['groupIds', String(id)] as [string, string]),
    ['dueAt', values.dueAt ?? ''],
    ['scoreRelease', values.scoreRelease ?? 'on-scoring'],
  ];
}

/**
 * A department in Zagreb: Databases taken by CS-101 and MA-101 and taught by Horvat; Algorithms
 * taught by Petrova; PH-101 takes neither. A student in each group.
 */
async function zagreb(t: TestContext, database: TestDatabase) {
  const built = await pagesApp(t, database, { TIMEZONE: ZONE });
  const { app, admin, system } = built;
  const cs = await createGroup(system, { name: 'CS-101' });
  const ma = await createGroup(system, { name: 'MA-101' });
  const ph = await createGroup(system, { name: 'PH-101' });
  const horvat = await createLecturer(system, { lastName: 'Horvat', firstName: 'Ivan', email: 'ivan.horvat@example.edu' });
  const petrova = await createLecturer(system, { lastName: 'Petrova', firstName: 'Ana', email: 'ana.petrova@example.edu' });
  const made = await admin.post('/subjects', { name: 'Databases', description: '', groups: 'CS-101\nMA-101', lecturers: 'ivan.horvat@example.edu' }, { from: '/subjects/new' });
  assert.equal(made.statusCode, 303, feedback(made.body));
  const other = await admin.post('/subjects', { name: 'Algorithms', description: '', groups: 'PH-101', lecturers: 'ana.petrova@example.edu' }, { from: '/subjects/new' });
  assert.equal(other.statusCode, 303, feedback(other.body));
  const subjectUrl = String(made.headers.location);
  const subjectId = Number(subjectUrl.split('/').pop());
  const signIn = (account: { username: string; oneTimePassword: string }) => signInAsNew(app, account.username, account.oneTimePassword);
  return {
    ...built,
    groups: { cs, ma, ph },
    subjectId,
    subjectUrl,
    horvat: await signIn(horvat.account),
    horvatId: horvat.lecturer.id,
    petrova: await signIn(petrova.account),
    csStudent: await signIn((await createStudent(system, { groupId: cs.id })).account),
    maStudent: await signIn((await createStudent(system, { groupId: ma.id })).account),
    phStudent: await signIn((await createStudent(system, { groupId: ph.id })).account),
  };
}

for (const database of await testDatabases()) {
  describe(`exercise pages on ${database}`, () => {
    test("a lecturer sets an exercise from the subject page with a due time in the department's zone: stored as the right instant, shown with the zone named", async (t) => {
      const { db, clock, admin, horvat, groups, subjectId, subjectUrl } = await zagreb(t, database);
      const subjectPage = await horvat.get(subjectUrl);
      assert.equal(subjectPage.statusCode, 200);
      assert.match(subjectPage.body, /data-testid="exercises-card"/);
      assert.match(subjectPage.body, /No exercises yet\./);
      assert.match(subjectPage.body, new RegExp(`href="/exercises/new\\?subject=${subjectId}"`));

      const form = await horvat.get(`/exercises/new?subject=${subjectId}`);
      assert.equal(form.statusCode, 200);
      assert.match(form.body, /Due \(Europe\/Zagreb\)/, 'the label names the zone the time is typed in');
      assert.match(form.body, /type="datetime-local"/);
      const offered = [...form.body.matchAll(/name="groupIds" value="(\d+)"/g)].map((m) => Number(m[1])).sort();
      assert.deepEqual(offered, [groups.cs.id, groups.ma.id].sort(), "the subject's groups, nobody else's");

      const created = await postForm(
        horvat,
        '/exercises',
        exerciseForm({ subjectId, title: 'Joins', text: 'Write **three** joins. <script>alert(1)</script>', groupIds: [groups.cs.id, groups.ma.id], dueAt: '2026-12-10T23:59', scoreRelease: 'manual' }),
        `/exercises/new?subject=${subjectId}`,
      );
      assert.equal(created.statusCode, 303, feedback(created.body));
      const location = String(created.headers.location);
      const id = Number(/^\/exercises\/(\d+)$/.exec(location)?.[1]);
      const row = await db.selectFrom('exercises').select(['dueAt', 'title', 'scoreRelease', 'subjectId']).where('id', '=', id).executeTakeFirstOrThrow();
      assert.equal(new Date(row.dueAt!).toISOString(), '2026-12-10T22:59:00.000Z', '23:59 in Zagreb in winter is 22:59 UTC');
      assert.deepEqual([row.title, row.scoreRelease, row.subjectId], ['Joins', 'manual', subjectId]);
      const setFor = (await db.selectFrom('exerciseGroups').select('groupId').where('exerciseId', '=', id).execute()).map((r) => r.groupId).sort();
      assert.deepEqual(setFor, [groups.cs.id, groups.ma.id].sort());

      const page = await horvat.get(location);
      assert.equal(page.statusCode, 200);
      const due = new Date('2026-12-10T22:59:00Z');
      assert.match(page.body, /Thu, 10 Dec 2026, 23:59 Europe\/Zagreb/);
      assert.equal(formatDeadline(due, ZONE), 'Thu, 10 Dec 2026, 23:59 Europe/Zagreb');
      assert.ok(page.body.includes(`(${timeFromNow(due, clock.now())})`), 'how far it is from now');
      assert.match(page.body, /<strong>three<\/strong>/, 'the text is Markdown');
      assert.doesNotMatch(page.body, /<script>alert/, 'raw HTML in the text is shown as text');
      assert.match(page.body, /&lt;script&gt;alert\(1\)/);
      assert.match(page.body, /name="dueAt"[^>]*value="2026-12-10T23:59"|value="2026-12-10T23:59"[^>]*name="dueAt"/, 'the edit form shows the wall time in the zone');
      assert.match(page.body, /Release scores/);
      assert.doesNotMatch(page.body, /data-testid="record-history"/, "the history is the admins'");

      const card = /data-testid="exercises-card">([\s\S]*?)<\/section>/.exec((await horvat.get(subjectUrl)).body)![1]!;
      assert.match(card, new RegExp(`<a class="fw-semibold" href="/exercises/${id}">Joins</a>`));
      assert.match(card, /CS-101, MA-101/);
      assert.match(card, /Thu, 10 Dec 2026, 23:59 Europe\/Zagreb/);

      const asAdmin = await admin.get(location);
      assert.match(asAdmin.body, /data-testid="record-history"/);
      assert.match(/data-testid="record-history"[\s\S]*$/.exec(asAdmin.body)![0], /<code>exercise\.created<\/code>/);
    });

    test('refused input is shown again with what was typed: a group outside the subject, an unreadable due time, no group, no title; nothing is set', async (t) => {
      const { db, horvat, groups, subjectId } = await zagreb(t, database);
      const from = `/exercises/new?subject=${subjectId}`;
      const outside = await postForm(horvat, '/exercises', exerciseForm({ subjectId, title: 'Elsewhere', groupIds: [groups.cs.id, groups.ph.id], dueAt: '2026-12-10T23:59' }), from);
      assert.equal(outside.statusCode, 422);
      assert.match(fieldError(outside.body, 'groupIds') ?? '', /Choose among the groups you may set it for: CS-101, MA-101\./);
      assert.match(outside.body, /value="Elsewhere"/, 'the title stays');
      assert.match(outside.body, new RegExp(`name="groupIds" value="${groups.cs.id}" checked`), 'the ticked group stays ticked');

      const unreadable = await postForm(horvat, '/exercises', exerciseForm({ subjectId, title: '', text: 'Keep _this_', groupIds: [], dueAt: '10.12.2026 23:59' }), from);
      assert.equal(unreadable.statusCode, 422);
      assert.match(fieldError(unreadable.body, 'dueAt') ?? '', /Give the due date and time in Europe\/Zagreb/, feedback(unreadable.body));
      assert.match(fieldError(unreadable.body, 'groupIds') ?? '', /Tick one or more of the groups\./);
      assert.match(fieldError(unreadable.body, 'title') ?? '', /Enter a title/);
      assert.match(unreadable.body, /Keep _this_<\/textarea>/);
      assert.match(unreadable.body, /Check the highlighted fields\./);

      assert.equal((await db.selectFrom('exercises').select('id').execute()).length, 0);
    });

    test("its groups' students read it and are sent to My exercises; another group's student, another subject's lecturer and a student acting as a lecturer are refused, and nothing changes", async (t) => {
      const { db, horvat, petrova, csStudent, maStudent, phStudent, groups, subjectId, subjectUrl } = await zagreb(t, database);
      const created = await postForm(horvat, '/exercises', exerciseForm({ subjectId, title: 'Joins', text: 'Write joins.', groupIds: [groups.cs.id], dueAt: '2026-12-10T23:59' }), `/exercises/new?subject=${subjectId}`);
      assert.equal(created.statusCode, 303, feedback(created.body));
      const location = String(created.headers.location);
      const id = Number(location.split('/').pop());

      const read = await csStudent.get(location);
      assert.equal(read.statusCode, 200);
      assert.match(read.body, /Write joins\./);
      assert.match(read.body, /Thu, 10 Dec 2026, 23:59 Europe\/Zagreb/);
      assert.match(read.body, /<a class="btn btn-primary" href="\/my-exercises">\s*Send it from My exercises\s*<\/a>/);
      assert.doesNotMatch(read.body, /data-testid="exercise-form"/, 'read-only');
      assert.doesNotMatch(read.body, /Release scores|\/delete"/);
      const card = /data-testid="exercises-card">([\s\S]*?)<\/section>/.exec((await csStudent.get(subjectUrl)).body)![1]!;
      assert.match(card, /Joins/);
      assert.doesNotMatch(card, /New exercise/);

      // MA-101 takes the subject, but the exercise is not set for it.
      assert.equal((await maStudent.get(location)).statusCode, 404);
      assert.doesNotMatch((await maStudent.get(subjectUrl)).body, /Joins/);
      assert.equal((await phStudent.get(location)).statusCode, 404);
      assert.equal((await petrova.get(location)).statusCode, 404, 'a lecturer who does not teach the subject does not find it');
      assert.equal((await petrova.get(`/exercises/new?subject=${subjectId}`)).statusCode, 404);
      assert.equal((await csStudent.get(`/exercises/new?subject=${subjectId}`)).statusCode, 403, 'a student sees the subject but may not set its exercises');
      assert.equal((await horvat.get('/exercises/new')).statusCode, 404, 'no subject named');

      const from = '/subjects';
      const change = exerciseForm({ title: 'Taken over', groupIds: [groups.cs.id] });
      assert.equal((await postForm(petrova, location, change, from)).statusCode, 404);
      assert.equal((await postForm(petrova, `${location}/delete`, [], from)).statusCode, 404);
      assert.equal((await postForm(petrova, `${location}/release-scores`, [], from)).statusCode, 404);
      assert.equal((await postForm(petrova, '/exercises', exerciseForm({ subjectId, title: 'Mine', groupIds: [groups.cs.id] }), from)).statusCode, 404);
      assert.equal((await postForm(csStudent, location, change, from)).statusCode, 403);
      assert.equal((await postForm(csStudent, `${location}/delete`, [], from)).statusCode, 403);
      assert.equal((await postForm(csStudent, '/exercises', exerciseForm({ subjectId, title: 'Mine', groupIds: [groups.cs.id] }), from)).statusCode, 403);

      const rows = await db.selectFrom('exercises').select(['id', 'title']).execute();
      assert.deepEqual(rows, [{ id, title: 'Joins' }], 'nothing changed');
      const actions = (await db.selectFrom('auditLog').select('action').where('entity', '=', 'exercise').execute()).map((r) => r.action);
      assert.deepEqual(actions, ['exercise.created']);
    });

    test('the lecturer changes the exercise (a summer due time, fewer groups, none), releases its scores once, and deletes it back to the subject', async (t) => {
      const { db, horvat, maStudent, groups, subjectId, subjectUrl } = await zagreb(t, database);
      const created = await postForm(horvat, '/exercises', exerciseForm({ subjectId, title: 'Joins', groupIds: [groups.cs.id, groups.ma.id], dueAt: '2026-12-10T23:59' }), `/exercises/new?subject=${subjectId}`);
      const location = String(created.headers.location);
      const id = Number(location.split('/').pop());

      const edited = await postForm(horvat, location, exerciseForm({ title: 'Outer joins', text: 'Now _outer_.', groupIds: [groups.cs.id], dueAt: '2026-07-01T09:00', scoreRelease: 'manual' }), location);
      assert.equal(edited.statusCode, 303, feedback(edited.body));
      let row = await db.selectFrom('exercises').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      assert.equal(new Date(row.dueAt!).toISOString(), '2026-07-01T07:00:00.000Z', '09:00 in Zagreb in summer is 07:00 UTC');
      assert.deepEqual([row.title, row.text, row.scoreRelease], ['Outer joins', 'Now _outer_.', 'manual']);
      assert.deepEqual((await db.selectFrom('exerciseGroups').select('groupId').where('exerciseId', '=', id).execute()).map((r) => r.groupId), [groups.cs.id]);
      assert.equal((await maStudent.get(location)).statusCode, 404, 'MA-101 is no longer set it');

      const refused = await postForm(horvat, location, exerciseForm({ title: 'Outer joins', groupIds: [], dueAt: 'tomorrow' }), location);
      assert.equal(refused.statusCode, 422);
      assert.ok(fieldError(refused.body, 'dueAt'), feedback(refused.body));
      assert.ok(fieldError(refused.body, 'groupIds'));
      assert.match(refused.body, /value="tomorrow"/, 'what was typed stays');
      assert.equal((await db.selectFrom('exercises').select('title').where('id', '=', id).executeTakeFirstOrThrow()).title, 'Outer joins');

      let page = await horvat.get(location);
      assert.match(page.body, /Wed, 1 Jul 2026, 09:00 Europe\/Zagreb/);
      assert.match(page.body, /When released: not released yet/);
      assert.match(page.body, /action="\/exercises\/\d+\/release-scores"/);
      const released = await postForm(horvat, `${location}/release-scores`, [], location);
      assert.equal(released.statusCode, 303);
      assert.equal(released.headers.location, location);
      row = await db.selectFrom('exercises').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      assert.ok(row.scoresReleasedAt, 'released');
      page = await horvat.get(location);
      assert.match(page.body, /are released: its students see them now/);
      assert.match(page.body, /When released: released /);
      assert.doesNotMatch(page.body, /action="\/exercises\/\d+\/release-scores"/, 'released once');

      const undated = await postForm(horvat, location, exerciseForm({ title: 'Outer joins', groupIds: [groups.cs.id], dueAt: '', scoreRelease: 'manual' }), location);
      assert.equal(undated.statusCode, 303, feedback(undated.body));
      assert.equal((await db.selectFrom('exercises').select('dueAt').where('id', '=', id).executeTakeFirstOrThrow()).dueAt, null);
      assert.match((await horvat.get(location)).body, /No due time/);

      const deleted = await postForm(horvat, `${location}/delete`, [], location);
      assert.equal(deleted.statusCode, 303);
      assert.equal(deleted.headers.location, subjectUrl);
      assert.match((await horvat.get(subjectUrl)).body, /Deleted the exercise Outer joins/);
      assert.equal((await db.selectFrom('exercises').select('id').execute()).length, 0);
      assert.equal((await horvat.get(location)).statusCode, 404);
      const actions = (await db.selectFrom('auditLog').select('action').where('entity', '=', 'exercise').where('entityId', '=', String(id)).orderBy('id').execute()).map((r) => r.action);
      assert.deepEqual(actions, ['exercise.created', 'exercise.updated', 'exercise.scores_released', 'exercise.updated', 'exercise.deleted']);
    });

    test("a lecturer who teaches the subject to one of its groups keeps another lecturer's group when changing the exercise", async (t) => {
      const { db, admin, horvat, horvatId, groups, subjectId } = await zagreb(t, database);
      // Horvat teaches Databases to CS-101 only; MA-101's teacher is someone else.
      await db.deleteFrom('teaching').where('subjectId', '=', subjectId).where('lecturerId', '=', horvatId).where('groupId', '=', groups.ma.id).execute();
      const created = await postForm(admin, '/exercises', exerciseForm({ subjectId, title: 'Joins', groupIds: [groups.cs.id, groups.ma.id] }), `/exercises/new?subject=${subjectId}`);
      assert.equal(created.statusCode, 303, feedback(created.body));
      const location = String(created.headers.location);
      const id = Number(location.split('/').pop());

      const page = await horvat.get(location);
      assert.match(page.body, new RegExp(`id="field-groupIds-${groups.ma.id}" value="${groups.ma.id}" checked disabled`), "MA-101 is shown, not Horvat's to change");
      assert.match(page.body, /Greyed groups were set by another lecturer/);
      const renamed = await postForm(horvat, location, exerciseForm({ title: 'Inner joins', groupIds: [groups.cs.id] }), location);
      assert.equal(renamed.statusCode, 303, feedback(renamed.body));
      const setFor = (await db.selectFrom('exerciseGroups').select('groupId').where('exerciseId', '=', id).execute()).map((r) => r.groupId).sort();
      assert.deepEqual(setFor, [groups.cs.id, groups.ma.id].sort(), 'both groups stay');
      assert.equal((await db.selectFrom('exercises').select('title').where('id', '=', id).executeTakeFirstOrThrow()).title, 'Inner joins');
    });
  });
}
