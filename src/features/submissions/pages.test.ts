// The Waiting Room pages: a student ticks exercises and sends them; the lecturer scores an entry
// without a page reload (htmx gets the row's outcome), or by a plain form post; a stale score is
// refused in the row; the student sees the score and the reason of a removal.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createGroup, createLecturer, createStudent } from '../../../test/factories.js';
import { pagesApp, signInAsNew } from '../../../test/people/page-helpers.js';
import { testDatabases } from '../../../test/services.js';

for (const database of await testDatabases()) {
  describe(`Waiting Room pages on ${database}`, () => {
    test('a student sends two exercises at once; the lecturer scores one with htmx and removes the other; the student sees both outcomes', async (t) => {
      const { app, admin, system, clock } = await pagesApp(t, database, { TIMEZONE: 'Europe/Zagreb' });
      const cs = await createGroup(system, { name: 'CS-101' });
      const teacher = await createLecturer(system, { lastName: 'Horvat', firstName: 'Ivan', email: 'ivan.horvat@example.edu' });
      const created = await admin.post('/subjects', { name: 'Databases', description: '', groups: 'CS-101', lecturers: 'ivan.horvat@example.edu' }, { from: '/subjects/new' });
      const subjectId = Number(String(created.headers.location).split('/').pop());
      const pupil = await createStudent(system, { groupId: cs.id, firstName: 'Sara', lastName: 'Novak', birthDate: '2005-04-01' });
      const lecturer = await signInAsNew(app, teacher.account.username, teacher.account.oneTimePassword);
      const student = await signInAsNew(app, pupil.account.username, pupil.account.oneTimePassword);
      const { createExercise } = await import('../exercises/service.js');
      const asAdmin = { ...system, actor: { ...system.actor!, isAdmin: true } };
      const due = new Date(clock.now().getTime() + 36 * 3_600_000);
      const joins = await createExercise(asAdmin, { subjectId, groupIds: [cs.id], title: 'Joins', dueAt: due.toISOString() });
      const keys = await createExercise(asAdmin, { subjectId, groupIds: [cs.id], title: 'Keys' });

      const page = await student.get('/my-exercises');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /You have 2 exercises to send\. Due times are in Europe\/Zagreb\./);
      assert.match(page.body, /due soon/);
      const nothing = await student.post('/my-exercises', { note: 'x' }, { from: '/my-exercises' });
      assert.equal(nothing.statusCode, 422);
      assert.match(nothing.body, /Tick one or more exercises to send/);
      assert.match(nothing.body, /name="note"[^>]*>x<\/textarea>/, 'the note typed comes back with the refusal');

      // Sent as the page's form sends it: multipart, both boxes ticked, one file for both.
      const form = new FormData();
      form.append('_csrf', await student.csrfToken('/my-exercises'));
      form.append('exerciseIds', String(joins.id));
      form.append('exerciseIds', String(keys.id));
      form.append('note', 'both done');
      form.append('file', new Blob(['SELECT 1;']), 'answers.sql');
      const encoded = new Response(form);
      const sent = await app.inject({ method: 'POST', url: '/my-exercises', headers: { cookie: [...student.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; '), 'content-type': encoded.headers.get('content-type')! }, payload: Buffer.from(await encoded.arrayBuffer()) });
      assert.equal(sent.statusCode, 303, sent.body.slice(0, 300));
      for (const c of sent.cookies as { name: string; value: string }[]) student.cookies.set(c.name, c.value);
      assert.match((await student.get('/my-exercises')).body, /Sent 2 exercises to the Waiting Room\./);

      const room = await lecturer.get('/waiting-room');
      assert.equal(room.statusCode, 200);
      assert.match(room.body, /born <span>2005-04-01<\/span>/);
      const entries = [...room.body.matchAll(/<tr id="entry-(\d+)"/g)].map((m) => Number(m[1]));
      assert.equal(entries.length, 2);
      const version = (id: number) => /name="version" value="(\d+)"/.exec(room.body.slice(room.body.indexOf(`id="entry-${id}"`)))![1]!;

      // Only the student who sent it, its lecturers and admins open what was sent.
      const classmate = await createStudent(system, { groupId: cs.id, firstName: 'Mia', lastName: 'Kovač' });
      const other = await signInAsNew(app, classmate.account.username, classmate.account.oneTimePassword);
      const stranger = await createLecturer(system, { lastName: 'Stranger', firstName: 'Olga', email: 'olga@example.edu' });
      const outsider = await signInAsNew(app, stranger.account.username, stranger.account.oneTimePassword);
      const own = await student.get(`/submissions/${entries[0]}/file`);
      assert.equal(own.statusCode, 200);
      assert.equal(own.body, 'SELECT 1;');
      assert.equal((await lecturer.get(`/submissions/${entries[0]}/file`)).statusCode, 200, 'its lecturer opens it');
      assert.equal((await other.get(`/submissions/${entries[0]}/file`)).statusCode, 404, "a classmate never learns of another's submission");
      assert.equal((await outsider.get(`/submissions/${entries[0]}/file`)).statusCode, 404, 'nor does a lecturer who does not teach it');
      const foreign = await outsider.post(`/submissions/${entries[0]}/score`, { score: '1', version: version(entries[0]!) }, { from: '/waiting-room', headers: { 'hx-request': 'true' } });
      assert.match(foreign.body, /table-danger.*No such entry in your Waiting Room/, 'a lecturer who does not teach it cannot score it');

      const scored = await lecturer.post(`/submissions/${entries[0]}/score`, { score: '5', version: version(entries[0]!) }, { from: '/waiting-room', headers: { 'hx-request': 'true' } });
      assert.equal(scored.statusCode, 200);
      assert.match(scored.body, new RegExp(`<tr id="entry-${entries[0]}" class="table-success"[^>]*><td colspan="6" role="status">Scored 5\\.</td></tr>`));
      const again = await lecturer.post(`/submissions/${entries[0]}/score`, { score: '2', version: version(entries[0]!) }, { from: '/waiting-room', headers: { 'hx-request': 'true' } });
      assert.equal(again.statusCode, 200, 'htmx swaps the refusal into the row');
      assert.match(again.body, /table-danger.*Not saved: it was scored 5 in the meantime/);

      const removed = await lecturer.post(`/submissions/${entries[1]}/dismiss`, { reason: 'Wrong file attached', version: version(entries[1]!) }, { from: '/waiting-room' });
      assert.equal(removed.statusCode, 303, 'without JavaScript the form posts and comes back');
      assert.match((await lecturer.get('/waiting-room')).body, /Nothing is waiting/);

      const mine = (await student.get('/my-exercises')).body;
      assert.match(mine, /Returned by the lecturer: Wrong file attached\. Send it again\./);
      assert.match(mine, /<td class="text-end fw-semibold">5<\/td>/, 'the score, released on scoring');
      assert.equal((await student.get('/waiting-room')).statusCode, 403);
    });
  });
}

describe('the demo department shows the whole loop', () => {
  test("the demo student owes, waits and has a released score; the demo lecturer's Waiting Room holds entries", async (t) => {
    const { buildTestApp } = await import('../../../test/build-test-app.js');
    const { Browser } = await import('../../../test/http.js');
    const { systemActor } = await import('../../access.js');
    const { seedDemoDepartment } = await import('../../seeds/demo.js');
    const { demoLogins } = await import('../../seeds/demo-logins.js');
    const { app, ctx } = await buildTestApp(t);
    await ctx.db.transaction().execute((trx) => seedDemoDepartment({ ...ctx, db: trx, actor: systemActor, storage: app.deps.storage }));
    const as = async (role: 'student' | 'lecturer') => {
      const login = demoLogins.find((l) => l.role === role)!;
      const browser = new Browser(app);
      await browser.signIn(login.username, login.password);
      return browser;
    };
    const mine = (await (await as('student')).get('/my-exercises')).body;
    const states = [...mine.matchAll(/<tr data-state="([^"]+)"/g)].map((m) => m[1]);
    for (const state of ['overdue', 'due soon', 'open', 'scored', 'waiting']) assert.ok(states.includes(state), `a ${state} exercise: ${states.join(', ')}`);
    assert.match(mine, /<td class="text-end fw-semibold">[1-6]<\/td>/, 'a released score');
    const room = (await (await as('lecturer')).get('/waiting-room')).body;
    assert.ok([...room.matchAll(/<tr id="entry-\d+"/g)].length >= 5, 'entries wait for l.petrova');
  });
});
