// An exercise's brief: its subject's lecturers attach one file on the exercise page (streamed into
// storage), replace or remove it; the exercise's groups' students, its lecturers and admins download
// it from the page and from My exercises; nobody else learns it exists. The same through the API.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test, type TestContext } from 'node:test';
import { createApiToken, createGroup, createLecturer, createStudent } from '../../../test/factories.js';
import { multipart, pagesApp, postMultipart, signInAsNew } from '../../../test/people/page-helpers.js';
import { testDatabases, type TestDatabase } from '../../../test/services.js';
import { assertError, type InjectResponse } from '../api/testing.js';
import { createSubject } from '../subjects/service.js';
import { createExercise } from './service.js';

const pdf = Buffer.from('%PDF-1.4\n' + 'brief '.repeat(900) + '\n%%EOF\n');
const revised = Buffer.from('%PDF-1.4\nthe revised brief\n%%EOF\n');
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const asFile = (filename: string, bytes: Buffer, type = 'application/pdf') => ({ field: 'file', filename, type, bytes });

/**
 * Databases, taken by CS-101 and MA-101, taught by Horvat; its exercise Joins is set for CS-101
 * only. Petrova teaches nothing here. A student in each group.
 */
async function department(t: TestContext, database: TestDatabase, env: Record<string, string> = {}) {
  const built = await pagesApp(t, database, env);
  const { app, system } = built;
  const cs = await createGroup(system, { name: 'CS-101' });
  const ma = await createGroup(system, { name: 'MA-101' });
  const horvat = await createLecturer(system, { lastName: 'Horvat', firstName: 'Ivan', email: 'ivan.horvat@example.edu' });
  const petrova = await createLecturer(system, { lastName: 'Petrova', firstName: 'Ana', email: 'ana.petrova@example.edu' });
  const subject = await createSubject(system, { name: 'Databases', groupIds: [cs.id, ma.id], lecturerIds: [horvat.lecturer.id] });
  const exercise = await createExercise(system, { subjectId: subject.id, groupIds: [cs.id], title: 'Joins', text: 'Read the brief.' });
  const inGroup = await createStudent(system, { groupId: cs.id });
  const otherGroup = await createStudent(system, { groupId: ma.id });
  const signIn = (account: { username: string; oneTimePassword: string }) => signInAsNew(app, account.username, account.oneTimePassword);
  return {
    ...built,
    exercise,
    page: `/exercises/${exercise.id}`,
    brief: `/exercises/${exercise.id}/brief`,
    accounts: { horvat: horvat.account, petrova: petrova.account, student: inGroup.account, stranger: otherGroup.account },
    horvat: await signIn(horvat.account),
    petrova: await signIn(petrova.account),
    student: await signIn(inGroup.account),
    stranger: await signIn(otherGroup.account),
  };
}

type Department = Awaited<ReturnType<typeof department>>;

async function storedKeys(d: Department): Promise<string[]> {
  const keys: string[] = [];
  for await (const object of d.app.deps.storage.list()) keys.push(object.key);
  return keys.sort();
}

async function briefKey(d: Department): Promise<string | null> {
  const row = await d.db.selectFrom('exercises').leftJoin('files', 'files.id', 'exercises.attachmentFileId').select('files.storageKey').where('exercises.id', '=', d.exercise.id).executeTakeFirstOrThrow();
  return row.storageKey;
}

async function auditOf(d: Department) {
  const rows = await d.db.selectFrom('auditLog').select(['action', 'before', 'after']).where('entity', '=', 'exercise').where('entityId', '=', String(d.exercise.id)).orderBy('id').execute();
  return rows.map((r) => ({ action: r.action, before: r.before ? JSON.parse(r.before) : null, after: r.after ? JSON.parse(r.after) : null }));
}

/** An API call with a multipart body of one file in `file`. */
async function apiUpload(d: Department, token: string, url: string, file: ReturnType<typeof asFile>): Promise<InjectResponse> {
  const body = await multipart({}, file);
  return d.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${token}`, 'content-type': body.contentType }, payload: body.payload });
}

for (const database of await testDatabases()) {
  describe(`an exercise's brief on ${database}`, () => {
    test("a lecturer attaches a brief on the exercise page; the exercise's students, lecturers and admins download it, others get 404; the page and My exercises link it", async (t) => {
      const d = await department(t, database);
      assert.equal((await d.student.get(d.brief)).statusCode, 404, 'no brief yet');
      const before = await d.horvat.get(d.page);
      assert.match(before.body, /data-testid="exercise-brief-form"/);
      assert.match(before.body, /No brief attached\./);
      assert.doesNotMatch(before.body, /data-testid="exercise-brief-link"/);
      assert.doesNotMatch((await d.student.get('/my-exercises')).body, /data-testid="my-exercise-brief-link"/);

      const attached = await postMultipart(d.horvat, d.brief, d.page, {}, asFile('../Joins – brief.pdf', pdf));
      assert.equal(attached.statusCode, 303, attached.body.slice(0, 500));
      assert.equal(attached.headers.location, d.page);
      const row = await d.db.selectFrom('exercises').innerJoin('files', 'files.id', 'exercises.attachmentFileId').select(['originalName', 'contentType', 'size', 'sha256']).where('exercises.id', '=', d.exercise.id).executeTakeFirstOrThrow();
      assert.deepEqual([row.originalName, row.contentType, Number(row.size), row.sha256], ['Joins – brief.pdf', 'application/pdf', pdf.length, sha256(pdf)], 'recorded without the client path');

      const whole = await d.student.get(d.brief);
      assert.equal(whole.statusCode, 200);
      assert.deepEqual(whole.rawPayload, pdf);
      assert.equal(whole.headers['content-type'], 'application/pdf');
      assert.equal(whole.headers['x-content-type-options'], 'nosniff');
      assert.match(String(whole.headers['content-disposition']), /^attachment;.*filename\*=UTF-8''Joins%20%E2%80%93%20brief\.pdf/);
      const part = await d.student.get(d.brief, { range: 'bytes=0-8' });
      assert.equal(part.statusCode, 206);
      assert.equal(part.body, '%PDF-1.4\n');
      assert.equal((await d.admin.get(d.brief)).statusCode, 200, 'an admin');
      assert.equal((await d.horvat.get(d.brief)).statusCode, 200, 'its lecturer');
      assert.equal((await d.stranger.get(d.brief)).statusCode, 404, "a student of a group it is not set for (the subject's other group)");
      assert.equal((await d.petrova.get(d.brief)).statusCode, 404, 'a lecturer who does not teach the subject');
      assert.equal((await d.student.get('/exercises/999999/brief')).statusCode, 404);

      const studentPage = await d.student.get(d.page);
      assert.match(studentPage.body, new RegExp(`<a class="fw-semibold" href="${d.brief}" data-testid="exercise-brief-link">\\s*Brief\\s*</a>`));
      assert.match(studentPage.body, /Joins – brief\.pdf, 5 KB/);
      assert.doesNotMatch(studentPage.body, /data-testid="exercise-brief-form"/, 'students do not change it');
      assert.match((await d.horvat.get(d.page)).body, /Replace the brief/);
      assert.match((await d.student.get('/my-exercises')).body, new RegExp(`href="${d.brief}" data-testid="my-exercise-brief-link"`));

      // Only its teachers change it: refused before a byte is stored.
      const keys = await storedKeys(d);
      assert.equal((await postMultipart(d.student, d.brief, d.page, {}, asFile('mine.pdf', revised))).statusCode, 403);
      assert.equal((await postMultipart(d.petrova, d.brief, '/subjects', {}, asFile('mine.pdf', revised))).statusCode, 404);
      assert.equal((await d.student.post(`${d.brief}/delete`, {}, { from: d.page })).statusCode, 403);
      assert.deepEqual(await storedKeys(d), keys, 'nothing of theirs is kept');
      assert.deepEqual((await d.student.get(d.brief)).rawPayload, pdf);

      const audit = await auditOf(d);
      assert.deepEqual(
        audit.map((a) => a.action),
        ['exercise.created', 'exercise.brief_attached'],
      );
      assert.deepEqual(audit[1]!.after, { file: 'Joins – brief.pdf', contentType: 'application/pdf', size: pdf.length, sha256: sha256(pdf) });
      assert.match((await d.admin.get(d.page)).body, /<code>exercise\.brief_attached<\/code>/, "the exercise's history shows it");
    });

    test("a replaced brief takes the old one's place and its object leaves storage; a removed one leaves nothing; both are in the history", async (t) => {
      const d = await department(t, database);
      assert.equal((await postMultipart(d.horvat, d.brief, d.page, {}, asFile('brief.pdf', pdf))).statusCode, 303);
      const oldKey = (await briefKey(d))!;
      assert.equal(await d.app.deps.storage.exists(oldKey), true);

      const replaced = await postMultipart(d.horvat, d.brief, d.page, {}, asFile('brief-v2.pdf', revised));
      assert.equal(replaced.statusCode, 303, replaced.body.slice(0, 500));
      assert.deepEqual((await d.student.get(d.brief)).rawPayload, revised);
      assert.equal(await d.app.deps.storage.exists(oldKey), false, 'the old object is gone');
      const newKey = (await briefKey(d))!;
      assert.deepEqual(await storedKeys(d), [newKey]);
      assert.equal((await d.db.selectFrom('files').select('id').execute()).length, 1, "the old file's row is gone too");

      const removed = await d.horvat.post(`${d.brief}/delete`, {}, { from: d.page });
      assert.equal(removed.statusCode, 303);
      assert.equal((await d.student.get(d.brief)).statusCode, 404);
      assert.equal(await briefKey(d), null);
      assert.deepEqual(await storedKeys(d), []);
      assert.equal((await d.db.selectFrom('files').select('id').execute()).length, 0, 'no file row is left behind');
      assert.doesNotMatch((await d.student.get(d.page)).body, /data-testid="exercise-brief-link"/);
      assert.equal((await d.horvat.post(`${d.brief}/delete`, {}, { from: d.page })).statusCode, 404, 'nothing left to remove');

      const audit = await auditOf(d);
      assert.deepEqual(
        audit.map((a) => a.action),
        ['exercise.created', 'exercise.brief_attached', 'exercise.brief_attached', 'exercise.brief_removed'],
      );
      assert.deepEqual([audit[2]!.before.file, audit[2]!.after.file], ['brief.pdf', 'brief-v2.pdf'], 'the replacement records what was and what is');
      assert.equal(audit[3]!.before.sha256, sha256(revised));
    });

    test('a brief over MAX_CONTENT_LENGTH is refused with 413 and nothing is kept; the brief there was stays', async (t) => {
      const d = await department(t, database, { MAX_CONTENT_LENGTH: String(64 * 1024) });
      assert.equal((await postMultipart(d.horvat, d.brief, d.page, {}, asFile('brief.pdf', pdf))).statusCode, 303);
      const kept = await storedKeys(d);
      const refused = await postMultipart(d.horvat, d.brief, d.page, {}, asFile('big.pdf', Buffer.alloc(100 * 1024, 7)));
      assert.equal(refused.statusCode, 413);
      assert.match(refused.body, /larger than the limit/, 'said on the page, above the form');
      assert.match(refused.body, /data-testid="exercise-brief-form"/);
      assert.deepEqual(await storedKeys(d), kept, 'no object is left of the refused file');
      assert.equal((await d.db.selectFrom('files').select('id').execute()).length, 1);
      assert.deepEqual((await d.student.get(d.brief)).rawPayload, pdf);
      assert.deepEqual(
        (await auditOf(d)).map((a) => a.action),
        ['exercise.created', 'exercise.brief_attached'],
      );

      const api = await apiUpload(d, await createApiToken(d.system, d.accounts.horvat.userId), `/api/v1/exercises/${d.exercise.id}/brief`, asFile('big.pdf', Buffer.alloc(100 * 1024, 7)));
      assertError(api, 413, 'too_large', 'file');
      assert.deepEqual(await storedKeys(d), kept, 'nor through the API');

      const empty = await postMultipart(d.horvat, d.brief, d.page, {}, asFile('empty.pdf', Buffer.alloc(0)));
      assert.equal(empty.statusCode, 422);
      assert.match(empty.body, /is empty/);
    });

    test("deleting the exercise deletes its brief's file", async (t) => {
      const d = await department(t, database);
      assert.equal((await postMultipart(d.horvat, d.brief, d.page, {}, asFile('brief.pdf', pdf))).statusCode, 303);
      assert.equal((await storedKeys(d)).length, 1);
      const deleted = await d.horvat.post(`${d.page}/delete`, {}, { from: d.page });
      assert.equal(deleted.statusCode, 303);
      assert.deepEqual(await storedKeys(d), []);
      assert.equal((await d.db.selectFrom('files').select('id').execute()).length, 0);
    });

    test('through the API: POST attaches or replaces (multipart), GET downloads for whoever sees the exercise, DELETE removes; My exercises says there is one', async (t) => {
      const d = await department(t, database);
      const tokens = {
        horvat: await createApiToken(d.system, d.accounts.horvat.userId),
        petrova: await createApiToken(d.system, d.accounts.petrova.userId),
        student: await createApiToken(d.system, d.accounts.student.userId),
        stranger: await createApiToken(d.system, d.accounts.stranger.userId),
      };
      const url = `/api/v1/exercises/${d.exercise.id}/brief`;
      const call = (token: string, method: string) => d.app.inject({ method, url, headers: { authorization: `Bearer ${token}` } });
      assertError(await call(tokens.student, 'GET'), 404, 'not_found');
      const mine = async () => (await d.app.inject({ url: '/api/v1/exercises', headers: { authorization: `Bearer ${tokens.student}` } })).json().items[0];
      assert.equal((await mine()).hasBrief, false);

      const attached = await apiUpload(d, tokens.horvat, url, asFile('brief.pdf', pdf));
      assert.equal(attached.statusCode, 200, attached.body);
      const brief = attached.json();
      assert.deepEqual(
        { ...brief, createdAt: typeof brief.createdAt },
        { exerciseId: d.exercise.id, originalName: 'brief.pdf', contentType: 'application/pdf', size: pdf.length, sha256: sha256(pdf), createdAt: 'string', fileUrl: url },
      );
      assert.equal((await mine()).hasBrief, true);

      const download = await call(tokens.student, 'GET');
      assert.equal(download.statusCode, 200);
      assert.deepEqual(download.rawPayload, pdf);
      assert.equal(download.headers.etag, `"${sha256(pdf)}"`);
      assertError(await call(tokens.stranger, 'GET'), 404, 'not_found');
      assertError(await call(tokens.petrova, 'GET'), 404, 'not_found');

      assertError(await apiUpload(d, tokens.student, url, asFile('mine.pdf', revised)), 403, 'forbidden');
      assertError(await apiUpload(d, tokens.petrova, url, asFile('mine.pdf', revised)), 404, 'not_found');
      assertError(await apiUpload(d, tokens.horvat, url, asFile('empty.pdf', Buffer.alloc(0))), 422, 'invalid', 'file');
      const replaced = await apiUpload(d, tokens.horvat, url, asFile('brief-v2.pdf', revised));
      assert.equal(replaced.statusCode, 200, replaced.body);
      assert.equal(replaced.json().sha256, sha256(revised));
      assert.deepEqual((await call(tokens.student, 'GET')).rawPayload, revised);
      assert.equal((await storedKeys(d)).length, 1, 'the replaced object is gone');

      assertError(await call(tokens.student, 'DELETE'), 403, 'forbidden');
      const removed = await call(tokens.horvat, 'DELETE');
      assert.equal(removed.statusCode, 200, removed.body);
      assert.equal(removed.json().originalName, 'brief-v2.pdf');
      assertError(await call(tokens.student, 'GET'), 404, 'not_found');
      assertError(await call(tokens.horvat, 'DELETE'), 404, 'not_found');
      assert.deepEqual(await storedKeys(d), []);

      const doc = (await d.app.inject({ url: '/api/docs/openapi.json' })).json();
      assert.ok(doc.paths['/exercises/{id}/brief'].get && doc.paths['/exercises/{id}/brief'].post && doc.paths['/exercises/{id}/brief'].delete, 'in the OpenAPI document');
      assert.ok(doc.components.schemas.Brief);
    });
  });
}
