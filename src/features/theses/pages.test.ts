// The thesis pages: "Find similar theses" without and with htmx; a student's proposal, warned of a
// close title; the staff's list in their sight and the record form, refusing what it cannot find.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createGroup, createLecturer, createStudent } from '../../../test/factories.js';
import { Browser } from '../../../test/http.js';
import { pagesApp, signInAsNew } from '../../../test/people/page-helpers.js';
import { testDatabases } from '../../../test/services.js';
import { createSubject } from '../subjects/service.js';

const feedback = (body: string) => [...body.matchAll(/class="(?:invalid-feedback[^"]*|alert alert-[a-z]+[^"]*)"[^>]*>([^<]+)</g)].map((m) => m[1]!.trim().replaceAll('&#39;', "'"));

for (const database of await testDatabases()) {
  describe(`thesis pages on ${database}`, () => {
    test('a student proposes a title, is warned of a close one, and finds similar titles; staff record and list theses', async (t) => {
      const { app, admin, system } = await pagesApp(t, database);
      const cs = await createGroup(system, { name: 'CS-101' });
      const ma = await createGroup(system, { name: 'MA-101' });
      const horvat = await createLecturer(system, { lastName: 'Horvat', firstName: 'Ivan', email: 'ivan.horvat@example.edu' });
      await createSubject(system, { name: 'Databases', description: '', groupIds: [cs.id], lecturerIds: [horvat.lecturer.id] });
      const sara = await createStudent(system, { groupId: cs.id, firstName: 'Sara', lastName: 'Novak', studentNumber: '2026-0001' });
      await createStudent(system, { groupId: ma.id, firstName: 'Ivan', lastName: 'Ilić', studentNumber: '2026-0002' });

      // An admin records Ivan's thesis through the form, naming the supervisor by e-mail.
      assert.equal((await admin.get('/theses/new')).statusCode, 200);
      const wrong = await admin.post('/theses', { studentNumber: '2099-9999', title: 'x', supervisorEmail: 'nobody@example.edu', year: 'soon' }, { from: '/theses/new' });
      assert.equal(wrong.statusCode, 422);
      assert.deepEqual(feedback(wrong.body), [
        'Check the highlighted fields.',
        'No student you may see has this number: check it on the students list.',
        'Enter a title of 3–300 characters, e.g. Recognising handwritten Armenian letters with neural networks.',
        'No active lecturer has this e-mail: check it on the lecturers list, or leave it empty.',
        'Give the year it is defended, from 1990 to 2100 (e.g. 2027), or none.',
      ], 'every field at once');
      const blank = await admin.post('/theses', { studentNumber: '', title: '', supervisorEmail: 'horvat', year: '' }, { from: '/theses/new' });
      assert.deepEqual(feedback(blank.body).slice(1), [
        "Enter the student's number, as the students list shows it.",
        'Enter a title of 3–300 characters, e.g. Recognising handwritten Armenian letters with neural networks.',
        "Enter the supervisor's e-mail, e.g. ivan.horvat@example.edu, or leave it empty.",
      ]);
      assert.match(wrong.body, /name="year"[^>]*value="soon"/, 'what was typed comes back');
      const badYear = await admin.post('/theses', { studentNumber: '2026-0002', title: 'x', supervisorEmail: '', year: 'soon' }, { from: '/theses/new' });
      assert.equal(badYear.statusCode, 422);
      assert.deepEqual(feedback(badYear.body).slice(1).sort(), ['Enter a title of 3–300 characters, e.g. Recognising handwritten Armenian letters with neural networks.', 'Give the year it is defended, from 1990 to 2100 (e.g. 2027), or none.'].sort());
      const recorded = await admin.post('/theses', { studentNumber: '2026-0002', title: 'Recognising handwritten Armenian letters with neural networks', supervisorEmail: 'IVAN.HORVAT@example.edu', year: '2027' }, { from: '/theses/new' });
      assert.equal(recorded.statusCode, 303, feedback(recorded.body).join(' | '));
      const list = await admin.get('/theses');
      assert.match(list.body, /Recorded &#34;Recognising handwritten Armenian letters with neural networks&#34; for Ivan Ilić\./);
      assert.match(list.body, /<td>Recognising handwritten Armenian letters with neural networks<\/td><td><a href="\/students\/\d+">Ivan Ilić<\/a><\/td><td>Ivan Horvat<\/td><td>2027<\/td>/);

      // Sara proposes a title close to Ivan's: it is saved, and she is told which title it is close to.
      const student = await signInAsNew(app, sara.account.username, sara.account.oneTimePassword);
      const empty = await student.post('/theses/proposal', { title: '', year: '' }, { from: '/theses' });
      assert.equal(empty.statusCode, 422);
      assert.match(feedback(empty.body).join(' | '), /Enter a title of 3–300 characters/);
      const proposed = await student.post('/theses/proposal', { title: 'Handwritten Armenian letters recognised with neural networks', year: '2027' }, { from: '/theses' });
      assert.equal(proposed.statusCode, 303, feedback(proposed.body).join(' | '));
      const own = await student.get('/theses');
      assert.match(own.body, /Proposed &#34;Handwritten Armenian letters recognised with neural networks&#34;/);
      assert.match(own.body, /Your title is close to an existing one: &#34;Recognising handwritten Armenian letters with neural networks&#34; \(\d+% alike\)/);
      assert.match(own.body, /Proposed by you, not yet recorded · 2027/);
      assert.doesNotMatch(own.body, /data-testid="theses-list"|Ivan Ilić/, "a student sees no one else's thesis or name");

      // Find similar theses: the page without JavaScript, and htmx's fragment as the title is typed.
      const search = await student.get(`/theses?title=${encodeURIComponent('neural networks for letters')}&threshold=0.2`);
      assert.equal(search.statusCode, 200);
      assert.match(search.body, /data-testid="similar-theses"/);
      const titles = [...search.body.matchAll(/<tr><td>([^<]+)<\/td><td class="text-end"><span class="badge [^"]+">(\d+)%<\/span>/g)].map((m) => m[1]);
      assert.deepEqual(titles, ['Recognising handwritten Armenian letters with neural networks'], 'her own proposal is left out of her search');
      const staffSearch = await admin.get(`/theses?title=${encodeURIComponent('neural networks for letters')}&threshold=0.2`);
      assert.equal([...staffSearch.body.matchAll(/<tr><td>[^<]+<\/td><td class="text-end"><span class="badge/g)].length, 2, 'the staff find the proposal too');
      const fragment = await student.get(`/theses/similar?title=${encodeURIComponent('exam scheduling')}&threshold=0.3`, { 'hx-request': 'true' });
      assert.equal(fragment.statusCode, 200);
      assert.match(fragment.body, /^<div id="similar-results" aria-live="polite"><p class="text-secondary mb-0">No thesis title is 30% or more like it\.<\/p><\/div>$/);
      const refused = await student.get('/theses?title=networks&threshold=7');
      assert.match(feedback(refused.body).join(' | '), /Give a threshold from 0 to 1/);

      // The lecturer teaches CS-101: Sara's proposal is in her list, Ivan's (MA-101, but supervised by him) too.
      const lecturer = await signInAsNew(app, horvat.account.username, horvat.account.oneTimePassword);
      const theirs = await lecturer.get('/theses');
      assert.match(theirs.body, /Sara Novak/);
      assert.match(theirs.body, /Ivan Ilić/);
      const outOfSight = await lecturer.post('/theses', { studentNumber: '2026-0002', title: 'Another title here', supervisorEmail: '', year: '' }, { from: '/theses/new' });
      assert.equal(outOfSight.statusCode, 422, 'Ivan is not in a group he teaches');
      assert.match(feedback(outOfSight.body).join(' | '), /No student you may see has this number/);
      assert.equal((await student.get('/theses/new')).statusCode, 404, 'students record nothing');

      const visitor = new Browser(app);
      const away = await visitor.get('/theses');
      assert.equal(away.statusCode, 303);
      assert.match(String(away.headers.location), /^\/login/);
    });
  });
}
