// A subject's materials: its lecturers upload one or many files (streamed into storage), replace and
// delete them; its groups' students, its lecturers and admins download them, with ranges; nobody
// else learns they exist.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import type { TestContext } from 'node:test';
import { createGroup, createLecturer, createStudent } from '../../../test/factories.js';
import type { Browser } from '../../../test/http.js';
import { pagesApp, signInAsNew } from '../../../test/people/page-helpers.js';
import { testDatabases, type TestDatabase } from '../../../test/services.js';

/** Posts files (and fields after them, as the upload form orders them) as `browser`. */
async function upload(browser: Browser, url: string, from: string, files: { name: string; type: string; bytes: Buffer }[], fields: Record<string, string> = {}) {
  const form = new FormData();
  form.append('_csrf', await browser.csrfToken(from));
  for (const f of files) form.append('file', new Blob([new Uint8Array(f.bytes)], { type: f.type }), f.name);
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  const response = new Response(form);
  return browser.app.inject({
    method: 'POST',
    url,
    headers: { cookie: [...browser.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; '), 'content-type': response.headers.get('content-type')! },
    payload: Buffer.from(await response.arrayBuffer()),
  });
}

const materialLinks = (body: string) => [...body.matchAll(/href="\/materials\/(\d+)\/file"[^>]*>([^<]+)</g)].map((m) => ({ id: Number(m[1]), title: m[2]! }));

async function department(t: TestContext, database: TestDatabase, env: Record<string, string> = {}) {
  const built = await pagesApp(t, database, env);
  const { app, admin, system } = built;
  const cs = await createGroup(system, { name: 'CS-101' });
  const ma = await createGroup(system, { name: 'MA-101' });
  const teacher = await createLecturer(system, { lastName: 'Horvat', firstName: 'Ivan', email: 'ivan.horvat@example.edu' });
  const outsider = await createLecturer(system, { lastName: 'Petrova', firstName: 'Ana', email: 'ana.petrova@example.edu' });
  const created = await admin.post('/subjects', { name: 'Databases', description: '', groups: 'CS-101', lecturers: 'ivan.horvat@example.edu' }, { from: '/subjects/new' });
  const subjectUrl = String(created.headers.location);
  const inGroup = await createStudent(system, { groupId: cs.id });
  const otherGroup = await createStudent(system, { groupId: ma.id });
  return {
    ...built,
    subjectUrl,
    subjectId: Number(subjectUrl.split('/').pop()),
    lecturer: await signInAsNew(app, teacher.account.username, teacher.account.oneTimePassword),
    outsider: await signInAsNew(app, outsider.account.username, outsider.account.oneTimePassword),
    student: await signInAsNew(app, inGroup.account.username, inGroup.account.oneTimePassword),
    stranger: await signInAsNew(app, otherGroup.account.username, otherGroup.account.oneTimePassword),
  };
}

const pdf = Buffer.from('%PDF-1.4\n' + 'x'.repeat(5000) + '\n%%EOF\n');
const html = Buffer.from('<html><script>alert(document.cookie)</script></html>');

for (const database of await testDatabases()) {
  describe(`subject materials on ${database}`, () => {
    test('a lecturer uploads several files at once; students of the subject download them, with byte ranges; the rest get 404', async (t) => {
      const { db, subjectUrl, subjectId, lecturer, outsider, student, stranger, admin } = await department(t, database);
      const sent = await upload(lecturer, `${subjectUrl}/materials`, subjectUrl, [
        { name: 'Lecture 1 – intro.pdf', type: 'application/pdf', bytes: pdf },
        { name: '../../evil.html', type: 'text/html', bytes: html },
      ]);
      assert.equal(sent.statusCode, 303, sent.body.slice(0, 500));
      const rows = await db.selectFrom('subjectMaterials').innerJoin('files', 'files.id', 'subjectMaterials.fileId').select(['title', 'originalName', 'size', 'sha256', 'contentType']).execute();
      rows.sort((a, b) => (a.title < b.title ? -1 : 1));
      assert.deepEqual(
        rows.map((r) => [r.title, r.originalName, Number(r.size), r.sha256, r.contentType]),
        [
          ['Lecture 1 – intro', 'Lecture 1 – intro.pdf', pdf.length, createHash('sha256').update(pdf).digest('hex'), 'application/pdf'],
          ['evil', 'evil.html', html.length, createHash('sha256').update(html).digest('hex'), 'text/html'],
        ],
        'size, type and SHA-256 are recorded; the client path is dropped from the name',
      );

      const cards = await student.get('/subjects');
      const links = materialLinks(cards.body);
      assert.deepEqual(links.map((l) => l.title).sort(), ['Lecture 1 – intro', 'evil']);
      const lecture = links.find((l) => l.title.startsWith('Lecture'))!;
      const evil = links.find((l) => l.title === 'evil')!;

      const whole = await student.get(`/materials/${lecture.id}/file`);
      assert.equal(whole.statusCode, 200);
      assert.deepEqual(whole.rawPayload, pdf);
      assert.equal(whole.headers['content-type'], 'application/pdf');
      assert.equal(whole.headers['x-content-type-options'], 'nosniff');
      assert.equal(whole.headers['accept-ranges'], 'bytes');
      assert.match(String(whole.headers['content-disposition']), /^attachment; filename="Lecture 1 - intro\.pdf"|^attachment; filename="Lecture 1 .? intro\.pdf"/);
      assert.match(String(whole.headers['content-disposition']), /filename\*=UTF-8''Lecture%201%20%E2%80%93%20intro\.pdf/);

      const part = await student.get(`/materials/${lecture.id}/file`, { range: 'bytes=0-8' });
      assert.equal(part.statusCode, 206);
      assert.equal(part.body, '%PDF-1.4\n');
      assert.equal(part.headers['content-range'], `bytes 0-8/${pdf.length}`);
      const tail = await student.get(`/materials/${lecture.id}/file`, { range: 'bytes=-7' });
      assert.equal(tail.statusCode, 206);
      assert.equal(tail.body, '%%EOF\n'.padStart(7, '\n'));

      const viewed = await student.get(`/materials/${evil.id}/file?inline=1`);
      assert.equal(viewed.statusCode, 200);
      assert.match(String(viewed.headers['content-disposition']), /^attachment;/, 'HTML is never shown inline');
      assert.notEqual(viewed.headers['content-type'], 'text/html');

      assert.equal((await stranger.get(`/materials/${lecture.id}/file`)).statusCode, 404, "another group's student");
      assert.equal((await outsider.get(`/materials/${lecture.id}/file`)).statusCode, 404, 'a lecturer who does not teach it');
      assert.equal((await admin.get(`/materials/${lecture.id}/file`)).statusCode, 200);
      assert.equal((await student.get(`/materials/999999/file`)).statusCode, 404);

      // Only its teachers change its materials.
      const refused = await upload(student, `${subjectUrl}/materials`, '/subjects', [{ name: 'x.pdf', type: 'application/pdf', bytes: pdf }]);
      assert.equal(refused.statusCode, 403);
      assert.equal((await outsider.post(`/materials/${lecture.id}/delete`, {}, { from: '/subjects' })).statusCode, 404);
      const actions = (await db.selectFrom('auditLog').select('action').where('entity', '=', 'subject').where('entityId', '=', String(subjectId)).orderBy('id').execute()).map((r) => r.action);
      assert.deepEqual(actions, ['subject.created', 'material.added', 'material.added']);
    });

    test('a replaced file takes the old one\'s place and a deleted one leaves storage; both are in the history', async (t) => {
      const { app, db, subjectUrl, subjectId, lecturer, student } = await department(t, database);
      await upload(lecturer, `${subjectUrl}/materials`, subjectUrl, [{ name: 'week1.pdf', type: 'application/pdf', bytes: pdf }], { title: 'Week 1 slides' });
      const [material] = materialLinks((await lecturer.get(subjectUrl)).body);
      assert.equal(material!.title, 'Week 1 slides', 'the title given names a single file');
      const storage = app.deps.storage;
      const keyOf = async () => (await db.selectFrom('subjectMaterials').innerJoin('files', 'files.id', 'subjectMaterials.fileId').select('storageKey').where('subjectMaterials.id', '=', material!.id).executeTakeFirstOrThrow()).storageKey;
      const oldKey = await keyOf();

      const newer = Buffer.from('%PDF-1.4\nrevised\n%%EOF\n');
      const replaced = await upload(lecturer, `/materials/${material!.id}/file`, subjectUrl, [{ name: 'week1-v2.pdf', type: 'application/pdf', bytes: newer }]);
      assert.equal(replaced.statusCode, 303);
      assert.deepEqual((await student.get(`/materials/${material!.id}/file`)).rawPayload, newer);
      assert.equal(await storage.exists(oldKey), false, 'the old object is gone');
      const newKey = await keyOf();

      const deleted = await lecturer.post(`/materials/${material!.id}/delete`, {}, { from: subjectUrl });
      assert.equal(deleted.statusCode, 303);
      assert.equal((await student.get(`/materials/${material!.id}/file`)).statusCode, 404);
      assert.equal(await storage.exists(newKey), false);
      assert.equal((await db.selectFrom('files').select('id').execute()).length, 0, 'no file row is left behind');
      const actions = (await db.selectFrom('auditLog').select('action').where('entity', '=', 'subject').where('entityId', '=', String(subjectId)).orderBy('id').execute()).map((r) => r.action);
      assert.deepEqual(actions, ['subject.created', 'material.added', 'material.replaced', 'material.deleted']);
    });

    test('a file over MAX_CONTENT_LENGTH is refused with 413 and nothing is kept', async (t) => {
      const { app, db, subjectUrl, lecturer } = await department(t, database, { MAX_CONTENT_LENGTH: String(64 * 1024) });
      const big = Buffer.alloc(100 * 1024, 7);
      const refused = await upload(lecturer, `${subjectUrl}/materials`, subjectUrl, [{ name: 'big.pdf', type: 'application/pdf', bytes: big }]);
      assert.equal(refused.statusCode, 413);
      assert.match(refused.body, /larger than the limit/);
      assert.equal((await db.selectFrom('subjectMaterials').select('id').execute()).length, 0);
      const left = [];
      for await (const object of app.deps.storage.list()) left.push(object.key);
      assert.deepEqual(left, [], 'no object is left in storage');
    });
  });
}
