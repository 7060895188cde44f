// The Waiting Room loop through the API: a lecturer sets exercises, a student sends them (late or
// not, with a note and a file), the lecturer scores or removes them; two lecturers scoring one entry
// at once: one wins, the other gets 409; scores reach the student as the exercise releases them.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildTestApp } from '../../../test/build-test-app.js';
import { createApiToken, createLecturer, smallDepartment } from '../../../test/factories.js';
import { testDatabases } from '../../../test/services.js';
import { assertError, callApi } from './testing.js';

const HOUR = 3_600_000;

for (const database of await testDatabases()) {
  describe(`API exercises and the Waiting Room on ${database}`, () => {
    test('set, send, score: one winner when two lecturers score at once, late marked, rating derived, scores released', async (t) => {
      const { app, ctx, clock } = await buildTestApp(t, { database });
      const { tokens, groups, lecturer, student } = await smallDepartment(ctx);
      const second = await createLecturer(ctx, { lastName: 'Second', firstName: 'Lena', email: 'lena@example.org' });
      const subject = (
        await callApi(app, tokens.admin, 'POST', '/api/v1/subjects', { name: 'Databases', groupIds: [groups.taught.id], lecturerIds: [lecturer.id, second.lecturer.id] })
      ).json();
      const secondToken = await createApiToken(ctx, second.account.userId);

      const now = clock.now().getTime();
      const soon = (await callApi(app, tokens.lecturer, 'POST', '/api/v1/exercises', { subjectId: subject.id, groupIds: [groups.taught.id], title: 'Joins', text: 'Write **three** joins.', dueAt: new Date(now + 24 * HOUR).toISOString() }));
      assert.equal(soon.statusCode, 201, soon.body);
      const joins = soon.json();
      const past = (await callApi(app, tokens.lecturer, 'POST', '/api/v1/exercises', { subjectId: subject.id, groupIds: [groups.taught.id], title: 'Keys', dueAt: new Date(now - HOUR).toISOString(), scoreRelease: 'manual' })).json();
      assertError(await callApi(app, tokens.lecturer, 'POST', '/api/v1/exercises', { subjectId: subject.id, groupIds: [groups.other.id], title: 'Elsewhere' }), 422, 'invalid', 'groupIds');
      assertError(await callApi(app, tokens.lecturer, 'POST', '/api/v1/submissions', { exerciseId: 1 }), 403, 'forbidden');
      assertError(await callApi(app, tokens.student, 'POST', '/api/v1/exercises', { subjectId: subject.id, groupIds: [groups.taught.id], title: 'Mine' }), 403, 'forbidden');

      const listed = (await callApi(app, tokens.student, 'GET', '/api/v1/exercises')).json().items;
      assert.deepEqual(
        listed.map((i: { exercise: { title: string }; state: string }) => [i.exercise.title, i.state]),
        [
          ['Keys', 'overdue'],
          ['Joins', 'due soon'],
        ],
      );

      const sent = await callApi(app, tokens.student, 'POST', '/api/v1/submissions', { exerciseId: joins.id, note: 'see attached' });
      assert.equal(sent.statusCode, 201, sent.body);
      assert.deepEqual({ status: sent.json().status, late: sent.json().late, version: sent.json().version }, { status: 'waiting', late: false, version: 1 });
      const lateSent = (await callApi(app, tokens.student, 'POST', '/api/v1/submissions', { exerciseId: past.id })).json();
      assert.equal(lateSent.late, true, 'sent after the due time');

      const room = (await callApi(app, tokens.lecturer, 'GET', '/api/v1/waiting-room')).json();
      assert.equal(room.items.length, 2);
      const entry = room.items.find((i: { exercise: { id: number } }) => i.exercise.id === joins.id);
      assert.equal(entry.student.studentNumber, student.studentNumber);
      assert.equal(entry.student.birthDate, '2005-04-01');
      assert.equal(entry.note, 'see attached');
      assert.equal(entry.student.rating, null, 'no score yet');
      assertError(await callApi(app, tokens.student, 'GET', '/api/v1/waiting-room'), 403, 'forbidden');

      // Two lecturers open the same entry; the first score wins, the second is told.
      const first = await callApi(app, tokens.lecturer, 'POST', `/api/v1/submissions/${entry.id}/score`, { score: 5, version: entry.version });
      assert.equal(first.statusCode, 200, first.body);
      const late = await callApi(app, secondToken, 'POST', `/api/v1/submissions/${entry.id}/score`, { score: 2, version: entry.version });
      assertError(late, 409, 'conflict');
      assert.match(late.json().error.message, /scored 5 in the meantime/);
      assertError(await callApi(app, tokens.lecturer, 'POST', `/api/v1/submissions/${lateSent.id}/score`, { score: 7, version: lateSent.version }), 422, 'invalid', 'score');
      // A field the call does not take is named, not dropped: a comment sent with a score would otherwise be lost without a word.
      const commented = await callApi(app, tokens.lecturer, 'POST', `/api/v1/submissions/${lateSent.id}/score`, { score: 4, version: lateSent.version, comment: 'Good' });
      assertError(commented, 422, 'invalid', 'comment');
      assert.equal((await ctx.db.selectFrom('submissions').select('status').where('id', '=', lateSent.id).executeTakeFirstOrThrow()).status, 'waiting', 'nothing scored');
      assertError(await callApi(app, tokens.student, 'POST', `/api/v1/submissions/${lateSent.id}/score`, { score: 6, version: lateSent.version }), 404, 'not_found');
      const stranger = await createLecturer(ctx, { lastName: 'Stranger', firstName: 'Olga', email: 'olga@example.org' });
      const strangerToken = await createApiToken(ctx, stranger.account.userId);
      assertError(await callApi(app, strangerToken, 'POST', `/api/v1/submissions/${lateSent.id}/score`, { score: 6, version: lateSent.version }), 404, 'not_found');
      assert.deepEqual((await callApi(app, strangerToken, 'GET', '/api/v1/waiting-room')).json().items, [], "a lecturer who does not teach it sees none of its entries");

      // Scored on-scoring: shown at once. The score cannot be replaced by sending again.
      const mine = (await callApi(app, tokens.student, 'GET', '/api/v1/submissions?mine=true')).json().items;
      assert.deepEqual(mine.find((m: { exerciseId: number }) => m.exerciseId === joins.id).score, 5);
      assertError(await callApi(app, tokens.student, 'POST', '/api/v1/submissions', { exerciseId: joins.id }), 409, 'conflict');

      // Manual release: the score waits for the lecturer.
      const keysEntry = (await callApi(app, tokens.lecturer, 'GET', '/api/v1/waiting-room')).json().items[0];
      assert.equal((await callApi(app, secondToken, 'POST', `/api/v1/submissions/${keysEntry.id}/score`, { score: 3, version: keysEntry.version })).statusCode, 200);
      const beforeRelease = (await callApi(app, tokens.student, 'GET', '/api/v1/exercises')).json().items.find((i: { exercise: { id: number } }) => i.exercise.id === past.id);
      assert.deepEqual([beforeRelease.state, beforeRelease.score], ['waiting', null]);
      assert.equal((await callApi(app, tokens.lecturer, 'POST', `/api/v1/exercises/${past.id}/release-scores`)).statusCode, 200);
      const afterRelease = (await callApi(app, tokens.student, 'GET', '/api/v1/exercises')).json().items.find((i: { exercise: { id: number } }) => i.exercise.id === past.id);
      assert.deepEqual([afterRelease.state, afterRelease.score], ['scored', 3]);

      // The rating is the average of the scores, computed when shown.
      const third = (await callApi(app, tokens.lecturer, 'POST', '/api/v1/exercises', { subjectId: subject.id, groupIds: [groups.taught.id], title: 'Indexes' })).json();
      await callApi(app, tokens.student, 'POST', '/api/v1/submissions', { exerciseId: third.id });
      const rated = (await callApi(app, tokens.lecturer, 'GET', '/api/v1/waiting-room')).json().items[0];
      assert.equal(rated.student.rating, 4);
      assert.equal(rated.student.scored, 2);

      // Removed with a reason: the student sees it and may send again.
      const removed = await callApi(app, tokens.lecturer, 'POST', `/api/v1/submissions/${rated.id}/dismiss`, { reason: 'Wrong file attached' });
      assert.equal(removed.statusCode, 200, removed.body);
      assertError(await callApi(app, tokens.lecturer, 'POST', `/api/v1/submissions/${rated.id}/dismiss`, { reason: '' }), 422, 'invalid', 'reason');
      const back = (await callApi(app, tokens.student, 'GET', '/api/v1/submissions?mine=true')).json().items.find((m: { exerciseId: number }) => m.exerciseId === third.id);
      assert.deepEqual([back.status, back.dismissReason], ['dismissed', 'Wrong file attached']);
      const again = await callApi(app, tokens.student, 'POST', '/api/v1/submissions', { exerciseId: third.id, note: 'the right file' });
      assert.equal(again.statusCode, 201, again.body);
      assert.equal(again.json().version, 3);
      const audit = (await ctx.db.selectFrom('auditLog').select('action').where('entity', '=', 'exercise').where('entityId', '=', String(third.id)).orderBy('id').execute()).map((r) => r.action);
      assert.deepEqual(audit, ['exercise.created', 'submission.sent', 'submission.dismissed', 'submission.replaced']);
    });

    test('a submission may carry a file (multipart); sending again replaces it and the old file goes', async (t) => {
      const { app, ctx } = await buildTestApp(t, { database });
      const { tokens, groups, lecturer } = await smallDepartment(ctx);
      const subject = (await callApi(app, tokens.admin, 'POST', '/api/v1/subjects', { name: 'Databases', groupIds: [groups.taught.id], lecturerIds: [lecturer.id] })).json();
      const exercise = (await callApi(app, tokens.lecturer, 'POST', '/api/v1/exercises', { subjectId: subject.id, groupIds: [groups.taught.id], title: 'Joins' })).json();
      const send = async (text: string) => {
        const form = new FormData();
        form.append('exerciseId', String(exercise.id));
        form.append('note', 'my answer');
        form.append('file', new Blob([text], { type: 'text/plain' }), 'answer.txt');
        const response = new Response(form);
        return app.inject({ method: 'POST', url: '/api/v1/submissions', headers: { authorization: `Bearer ${tokens.student}`, 'content-type': response.headers.get('content-type')! }, payload: Buffer.from(await response.arrayBuffer()) });
      };
      const first = await send('SELECT 1;');
      assert.equal(first.statusCode, 201, first.body);
      const key = async () => (await ctx.db.selectFrom('submissions').innerJoin('files', 'files.id', 'submissions.attachmentFileId').select('files.storageKey').executeTakeFirstOrThrow()).storageKey;
      const oldKey = await key();
      const second = await send('SELECT 2;');
      assert.equal(second.statusCode, 201, second.body);
      assert.equal(await app.deps.storage.exists(oldKey), false, 'the replaced file is deleted');
      assert.equal((await ctx.db.selectFrom('files').select('id').execute()).length, 1);
    });

    test("a shared exercise keeps another lecturer's groups when one lecturer changes it; a multipart sending of several exercises sends them all; whose Waiting Room", async (t) => {
      const { app, ctx } = await buildTestApp(t, { database });
      const { tokens, groups, lecturer } = await smallDepartment(ctx);
      const other = await createLecturer(ctx, { lastName: 'Other', firstName: 'Ola', email: 'ola@example.org' });
      const otherToken = await createApiToken(ctx, other.account.userId);
      const subject = (await callApi(app, tokens.admin, 'POST', '/api/v1/subjects', { name: 'Databases', groupIds: [groups.taught.id, groups.other.id], lecturerIds: [lecturer.id] })).json();
      // Only the other lecturer teaches it to MA-201.
      await callApi(app, tokens.admin, 'PATCH', `/api/v1/subjects/${subject.id}`, { lecturerIds: [lecturer.id, other.lecturer.id] });
      await ctx.db.deleteFrom('teaching').where('subjectId', '=', subject.id).where('lecturerId', '=', lecturer.id).where('groupId', '=', groups.other.id).execute();
      await ctx.db.deleteFrom('teaching').where('subjectId', '=', subject.id).where('lecturerId', '=', other.lecturer.id).where('groupId', '=', groups.taught.id).execute();
      const shared = (await callApi(app, tokens.admin, 'POST', '/api/v1/exercises', { subjectId: subject.id, groupIds: [groups.taught.id, groups.other.id], title: 'Shared' })).json();
      const changed = await callApi(app, tokens.lecturer, 'PATCH', `/api/v1/exercises/${shared.id}`, { groupIds: [groups.taught.id], title: 'Shared, renamed' });
      assert.equal(changed.statusCode, 200, changed.body);
      assert.deepEqual(changed.json().groups.map((g: { id: number }) => g.id).sort(), [groups.taught.id, groups.other.id].sort(), "the other lecturer's group stays");
      // A misspelt field answers 422 naming it (and what else is wrong), not 200 for a change that never happened.
      const misspelt = await callApi(app, tokens.lecturer, 'PATCH', `/api/v1/exercises/${shared.id}`, { titel: 'Typo', dueAt: 'tomorrow' });
      assertError(misspelt, 422, 'invalid', 'titel');
      assert.deepEqual(Object.keys(misspelt.json().error.fields).sort(), ['dueAt', 'titel']);
      assert.equal((await callApi(app, tokens.lecturer, 'GET', `/api/v1/exercises/${shared.id}`)).json().title, 'Shared, renamed');

      const second = (await callApi(app, tokens.lecturer, 'POST', '/api/v1/exercises', { subjectId: subject.id, groupIds: [groups.taught.id], title: 'Second' })).json();
      const commas = await callApi(app, tokens.student, 'POST', '/api/v1/submissions', { exerciseIds: `${shared.id},${second.id}`, note: 'first' });
      assert.equal(commas.statusCode, 201, commas.body);
      assert.equal(commas.json().items.length, 2, '"1,2" in one value names both');
      const form = new FormData();
      form.append('exerciseIds', String(shared.id));
      form.append('exerciseIds', String(second.id));
      form.append('file', new Blob(['answers']), 'answers.txt');
      const encoded = new Response(form);
      const sent = await app.inject({ method: 'POST', url: '/api/v1/submissions', headers: { authorization: `Bearer ${tokens.student}`, 'content-type': encoded.headers.get('content-type')! }, payload: Buffer.from(await encoded.arrayBuffer()) });
      assert.equal(sent.statusCode, 201, sent.body);
      assert.deepEqual(sent.json().items.map((i: { exerciseId: number }) => i.exerciseId).sort(), [shared.id, second.id].sort(), 'both ticked exercises are sent');

      // A lecturer's own queue; an admin's every entry; the other lecturer teaches none of the student's group.
      assert.equal((await callApi(app, tokens.lecturer, 'GET', '/api/v1/waiting-room')).json().items.length, 2);
      assert.equal((await callApi(app, tokens.admin, 'GET', '/api/v1/waiting-room')).json().items.length, 2);
      assert.equal((await callApi(app, otherToken, 'GET', '/api/v1/waiting-room')).json().items.length, 0);

      // Pages of the Waiting Room, oldest first, by cursor.
      const first = (await callApi(app, tokens.lecturer, 'GET', '/api/v1/waiting-room?limit=1')).json();
      assert.equal(first.items.length, 1);
      assert.equal(first.more, true);
      const next = (await callApi(app, tokens.lecturer, 'GET', `/api/v1/waiting-room?limit=1&cursor=${encodeURIComponent(first.nextCursor)}`)).json();
      assert.equal(next.items.length, 1);
      assert.notEqual(next.items[0].id, first.items[0].id);
      assert.equal(next.nextCursor, null);
      assertError(await callApi(app, tokens.lecturer, 'GET', '/api/v1/waiting-room?cursor=not-a-cursor'), 422, 'invalid', 'cursor');

      // One file went with both exercises: deleting one keeps it for the other; deleting both drops it.
      const fileKeys = async () => (await ctx.db.selectFrom('files').select('storageKey').execute()).map((f) => f.storageKey);
      const [key] = await fileKeys();
      assert.equal((await callApi(app, tokens.admin, 'DELETE', `/api/v1/exercises/${second.id}`)).statusCode, 200);
      assert.deepEqual(await fileKeys(), [key], 'the other exercise still names it');
      assert.equal(await app.deps.storage.exists(key!), true);
      assert.equal((await callApi(app, tokens.admin, 'DELETE', `/api/v1/exercises/${shared.id}`)).statusCode, 200);
      assert.deepEqual(await fileKeys(), [], 'no submission names it any more');
      assert.equal(await app.deps.storage.exists(key!), false);
    });
  });
}
