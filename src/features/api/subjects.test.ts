// /api/v1/subjects and their materials: the pages' rules, JSON in and out, files streamed both ways.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildTestApp } from '../../../test/build-test-app.js';
import { smallDepartment } from '../../../test/factories.js';
import { testDatabases } from '../../../test/services.js';
import { assertError, callApi } from './testing.js';

/** A multipart body with the files in the field `file`, as the API takes them. */
async function filesBody(files: { name: string; type: string; bytes: Buffer }[], fields: Record<string, string> = {}) {
  const form = new FormData();
  for (const f of files) form.append('file', new Blob([new Uint8Array(f.bytes)], { type: f.type }), f.name);
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  const response = new Response(form);
  return { payload: Buffer.from(await response.arrayBuffer()), contentType: response.headers.get('content-type')! };
}

for (const database of await testDatabases()) {
  describe(`API subjects on ${database}`, () => {
    test('an admin creates a subject with groups and lecturers; its lecturer describes it and uploads materials; its students list and download them', async (t) => {
      const { app, ctx } = await buildTestApp(t, { database });
      const { tokens, groups, lecturer } = await smallDepartment(ctx);

      const refused = await callApi(app, tokens.admin, 'POST', '/api/v1/subjects', { name: 'Databases', groupIds: [999999], lecturerIds: [lecturer.id] });
      assertError(refused, 422, 'invalid', 'groupIds');
      assertError(await callApi(app, tokens.lecturer, 'POST', '/api/v1/subjects', { name: 'Databases' }), 403, 'forbidden');

      const created = await callApi(app, tokens.admin, 'POST', '/api/v1/subjects', { name: 'Databases', description: '**SQL**', groupIds: [groups.taught.id], lecturerIds: [lecturer.id] });
      assert.equal(created.statusCode, 201, created.body);
      const subject = created.json();
      assert.equal(created.headers.location, `/api/v1/subjects/${subject.id}`);
      assert.deepEqual(subject.groups, [{ id: groups.taught.id, name: 'CS-101' }]);
      assert.deepEqual(subject.teaching, [{ groupId: groups.taught.id, lecturerId: lecturer.id }]);
      assert.equal(subject.lecturers[0].id, lecturer.id);

      const described = await callApi(app, tokens.lecturer, 'PATCH', `/api/v1/subjects/${subject.id}`, { description: 'Relational design' });
      assert.equal(described.statusCode, 200, described.body);
      assert.equal(described.json().description, 'Relational design');
      assertError(await callApi(app, tokens.lecturer, 'PATCH', `/api/v1/subjects/${subject.id}`, { name: 'Renamed' }), 403, 'forbidden');
      assertError(await callApi(app, tokens.lecturer, 'POST', `/api/v1/subjects/${subject.id}/archive`), 403, 'forbidden');
      assert.deepEqual(
        (await callApi(app, tokens.student, 'GET', '/api/v1/subjects')).json().items.map((s: { name: string }) => s.name),
        ['Databases'],
        "the student's group takes it",
      );

      const pdf = Buffer.from('%PDF-1.4\nsome slides\n%%EOF\n');
      const body = await filesBody([{ name: 'week1.pdf', type: 'application/pdf', bytes: pdf }], { title: 'Week 1' });
      const uploaded = await app.inject({ method: 'POST', url: `/api/v1/subjects/${subject.id}/materials`, headers: { authorization: `Bearer ${tokens.lecturer}`, 'content-type': body.contentType }, payload: body.payload });
      assert.equal(uploaded.statusCode, 201, uploaded.body);
      const [material] = uploaded.json().items;
      assert.equal(material.title, 'Week 1');
      assert.equal(material.size, pdf.length);
      assert.equal(material.fileUrl, `/api/v1/materials/${material.id}/file`);

      const studentUpload = await app.inject({ method: 'POST', url: `/api/v1/subjects/${subject.id}/materials`, headers: { authorization: `Bearer ${tokens.student}`, 'content-type': body.contentType }, payload: body.payload });
      assertError(studentUpload, 403, 'forbidden');

      const listed = await callApi(app, tokens.student, 'GET', `/api/v1/subjects/${subject.id}/materials`);
      assert.equal(listed.statusCode, 200, listed.body);
      assert.deepEqual(listed.json().items, [material]);
      const file = await app.inject({ method: 'GET', url: material.fileUrl, headers: { authorization: `Bearer ${tokens.student}`, range: 'bytes=9-19' } });
      assert.equal(file.statusCode, 206);
      assert.equal(file.body, 'some slides');
      assert.equal(file.headers['x-content-type-options'], 'nosniff');

      assertError(await callApi(app, tokens.student, 'DELETE', `/api/v1/materials/${material.id}`), 403, 'forbidden');
      const deleted = await callApi(app, tokens.lecturer, 'DELETE', `/api/v1/materials/${material.id}`);
      assert.equal(deleted.statusCode, 200, deleted.body);
      assertError(await callApi(app, tokens.student, 'GET', material.fileUrl), 404, 'not_found');
    });
  });
}
