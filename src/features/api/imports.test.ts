// POST /api/v1/imports/students|lecturers: multipart file, dry run, all-or-nothing apply, the
// large-change confirmation and the plan check, admins only.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildTestApp } from '../../../test/build-test-app.js';
import { smallDepartment } from '../../../test/factories.js';
import { testDatabases } from '../../../test/services.js';
import { assertError, type InjectResponse } from './testing.js';

interface Injector {
  inject(options: { method: string; url: string; headers: Record<string, string>; payload: Buffer }): Promise<InjectResponse>;
}

/** A multipart/form-data body with one file in the field `file` (or another field name). */
function multipart(content: string | Buffer, options: { field?: string; filename?: string; type?: string } = {}) {
  const boundary = `----fms-test-${Math.random().toString(16).slice(2)}`;
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="${options.field ?? 'file'}"; filename="${options.filename ?? 'people.csv'}"\r\nContent-Type: ${options.type ?? 'text/csv'}\r\n\r\n`;
  return { boundary, payload: Buffer.concat([Buffer.from(head), Buffer.from(content), Buffer.from(`\r\n--${boundary}--\r\n`)]) };
}

function upload(app: Injector, token: string | null, url: string, content: string | Buffer, options: Parameters<typeof multipart>[1] = {}) {
  const { boundary, payload } = multipart(content, options);
  return app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    payload,
  });
}

const header = 'Student number,Last name,First name,Birth date,Email,Phone,Group';
const newStudents = ['2026-0100,Kovac,Mila,2006-01-02,mila@example.org,,CS-101', '2026-0101,Horvat,Luka,2005-11-30,,+385 1 222,MA-201'];
// Sara (2026-0001) gets a new phone number.
const saraUpdated = '2026-0001,Novak,Sara,2005-04-01,sara@example.org,+359 88 999,CS-101';

async function studentNumbers(app: { inject: (o: { url: string; headers: Record<string, string> }) => Promise<InjectResponse> }, token: string) {
  const list = await app.inject({ url: '/api/v1/students?sort=number&limit=500', headers: { authorization: `Bearer ${token}` } });
  return list.json().items.map((s: { studentNumber: string }) => s.studentNumber) as string[];
}

for (const database of await testDatabases()) {
  describe(`API imports on ${database}`, () => {
    test('a dry run reports and writes nothing; the real run applies every row and hands out the accounts', async (t) => {
      const { app, ctx } = await buildTestApp(t, { database });
      const { tokens } = await smallDepartment(ctx);
      // Enough existing students that one update stays under the large-change threshold.
      for (let i = 0; i < 4; i++) {
        const created = await app.inject({ method: 'POST', url: '/api/v1/students', headers: { authorization: `Bearer ${tokens.admin}` }, payload: { studentNumber: `2026-09${i}`, firstName: 'Extra', lastName: `Student${i}` } });
        assert.equal(created.statusCode, 201, created.body);
      }
      const csv = [header, ...newStudents, saraUpdated].join('\n');
      const before = await studentNumbers(app, tokens.admin);

      const dry = await upload(app, tokens.admin, '/api/v1/imports/students?dryRun=true', csv);
      assert.equal(dry.statusCode, 200, dry.body);
      const planned = dry.json();
      assert.equal(planned.applied, false);
      assert.deepEqual(planned.accounts, []);
      assert.deepEqual(planned.report.counts, { create: 2, update: 1, unchanged: 0, rowsWithErrors: 0 });
      assert.equal(planned.report.canApply, true);
      assert.deepEqual(planned.report.updates[0].changes.map((c: { field: string; after: string }) => [c.field, c.after]), [['phone', '+359 88 999']]);
      assert.deepEqual(await studentNumbers(app, tokens.admin), before, 'the dry run wrote nothing');

      const applied = await upload(app, tokens.admin, `/api/v1/imports/students?planHash=${planned.report.planHash}`, csv);
      assert.equal(applied.statusCode, 200, applied.body);
      const result = applied.json();
      assert.equal(result.applied, true);
      assert.equal(result.report.planHash, planned.report.planHash);
      assert.deepEqual(
        result.accounts.map((a: { row: number; key: string; username: string; oneTimePassword: string }) => [a.row, a.key, a.username, a.oneTimePassword.length >= 10]),
        [
          [2, '2026-0100', 'm.kovac', true],
          [3, '2026-0101', 'l.horvat', true],
        ],
      );
      assert.deepEqual(await studentNumbers(app, tokens.admin), ['2026-0001', '2026-0002', '2026-0100', '2026-0101', '2026-090', '2026-091', '2026-092', '2026-093']);
      const sara = (await app.inject({ url: '/api/v1/students?q=sara', headers: { authorization: `Bearer ${tokens.admin}` } })).json().items[0];
      assert.equal(sara.phone, '+359 88 999');

      const again = await upload(app, tokens.admin, '/api/v1/imports/students', csv);
      assert.equal(again.statusCode, 200);
      assert.deepEqual(again.json().report.counts, { create: 0, update: 0, unchanged: 3, rowsWithErrors: 0 }, 'importing the same file twice changes nothing');
    });

    test('a file with errors is refused with its report (row and column) and nothing is written', async (t) => {
      const { app, ctx } = await buildTestApp(t, { database });
      const { tokens } = await smallDepartment(ctx);
      const before = await studentNumbers(app, tokens.admin);
      const csv = [header, newStudents[0], '2026-0102,Petrov,Pavel,2006-02-30,,,NO-SUCH-GROUP', '2026-0103,Petrova,,,,,CS-101'].join('\n');
      const refused = await upload(app, tokens.admin, '/api/v1/imports/students', csv);
      assertError(refused, 422, 'import_invalid', 'file');
      const { report } = refused.json();
      assert.equal(report.canApply, false);
      const issues = report.errors.map((e: { row: number; column: string; code: string }) => [e.row, e.column, e.code]);
      for (const expected of [
        [3, 'Birth date', 'invalid'],
        [3, 'Group', 'unknown_group'],
        [4, 'First name', 'missing'],
      ]) {
        assert.ok(issues.some((i: unknown[]) => JSON.stringify(i) === JSON.stringify(expected)), `${JSON.stringify(expected)} in ${JSON.stringify(issues)}`);
      }
      assert.equal(report.counts.rowsWithErrors, 2);
      assert.deepEqual(await studentNumbers(app, tokens.admin), before, 'no row was written, not even the good one');

      const dry = await upload(app, tokens.admin, '/api/v1/imports/students?dryRun=true', csv);
      assert.equal(dry.statusCode, 200, 'a dry run answers the report with its errors');
      assert.equal(dry.json().report.counts.rowsWithErrors, 2);
    });

    test('a large change needs confirmLargeChange; a plan that changed since the dry run is refused', async (t) => {
      const { app, ctx } = await buildTestApp(t, { database });
      const { tokens } = await smallDepartment(ctx);
      const csv = [header, saraUpdated, '2026-0002,Ivanov,Ivan,2004-12-31,ivan@example.org,,MA-201'].join('\n');

      const unconfirmed = await upload(app, tokens.admin, '/api/v1/imports/students', csv);
      assertError(unconfirmed, 409, 'confirmation_required', 'confirmLargeChange');
      assert.equal(unconfirmed.json().report.largeChange, true);
      assert.equal(unconfirmed.json().report.changedShare, 1);

      const dry = (await upload(app, tokens.admin, '/api/v1/imports/students?dryRun=true', csv)).json();
      // Someone changes Ivan between the dry run and the import.
      const ivan = (await app.inject({ url: '/api/v1/students?q=ivanov', headers: { authorization: `Bearer ${tokens.admin}` } })).json().items[0];
      await app.inject({ method: 'PATCH', url: `/api/v1/students/${ivan.id}`, headers: { authorization: `Bearer ${tokens.admin}` }, payload: { phone: '+1 555 0100' } });
      const changed = await upload(app, tokens.admin, `/api/v1/imports/students?confirmLargeChange=true&planHash=${dry.report.planHash}`, csv);
      assertError(changed, 409, 'import_changed');
      assert.notEqual(changed.json().report.planHash, dry.report.planHash, 'the answer carries the new plan');

      const confirmed = await upload(app, tokens.admin, `/api/v1/imports/students?confirmLargeChange=true&planHash=${changed.json().report.planHash}`, csv);
      assert.equal(confirmed.statusCode, 200, confirmed.body);
      assert.deepEqual(confirmed.json().report.counts, { create: 0, update: 2, unchanged: 0, rowsWithErrors: 0 });
      assert.deepEqual(confirmed.json().accounts, []);
    });

    test('lecturers are imported the same way', async (t) => {
      const { app, ctx } = await buildTestApp(t, { database });
      const { tokens } = await smallDepartment(ctx);
      const csv = ['First name,Last name,Email,Academic degree,Position', 'Maja,Horvat,maja@example.org,PhD,Assistant', 'Petar,Petrov,petar@example.org,,Lecturer'].join('\n');
      const result = await upload(app, tokens.admin, '/api/v1/imports/lecturers', csv);
      assert.equal(result.statusCode, 200, result.body);
      assert.deepEqual(
        result.json().accounts.map((a: { username: string; key: string }) => [a.username, a.key]),
        [
          ['m.horvat', 'maja@example.org'],
          ['p.petrov', 'petar@example.org'],
        ],
      );
      const list = await app.inject({ url: '/api/v1/lecturers?q=horvat', headers: { authorization: `Bearer ${tokens.admin}` } });
      assert.equal(list.json().items[0].academicDegree, 'PhD');
    });

    test('only admins import; bad requests name what to fix', async (t) => {
      const { app, ctx } = await buildTestApp(t, { database, env: { MAX_CONTENT_LENGTH: '4096' } });
      const { tokens } = await smallDepartment(ctx);
      const csv = [header, ...newStudents].join('\n');
      assertError(await upload(app, tokens.lecturer, '/api/v1/imports/students?dryRun=true', csv), 403, 'forbidden');
      assertError(await upload(app, tokens.student, '/api/v1/imports/lecturers', csv), 403, 'forbidden');
      assertError(await upload(app, null, '/api/v1/imports/students', csv), 401, 'unauthenticated');
      assertError(await upload(app, tokens.admin, '/api/v1/imports/groups', csv), 404, 'not_found');
      assertError(await upload(app, tokens.admin, '/api/v1/imports/students?dryRun=yes', csv), 422, 'invalid', 'dryRun');
      assertError(await upload(app, tokens.admin, '/api/v1/imports/students?planHash=abc', csv), 422, 'invalid', 'planHash');
      assertError(await upload(app, tokens.admin, '/api/v1/imports/students', csv, { field: 'spreadsheet' }), 422, 'invalid', 'file');
      assertError(await upload(app, tokens.admin, '/api/v1/imports/students', ''), 422, 'invalid', 'file');
      assertError(await upload(app, tokens.admin, '/api/v1/imports/students', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 1, 2, 3, 4]), { filename: 'old.xls' }), 422, 'invalid', 'file');
      assertError(await upload(app, tokens.admin, '/api/v1/imports/students', `${header}\n${'x'.repeat(5000)}`), 413, 'too_large', 'file');
      const json = await app.inject({ method: 'POST', url: '/api/v1/imports/students', headers: { authorization: `Bearer ${tokens.admin}` }, payload: { file: 'a,b' } });
      assertError(json, 422, 'invalid', 'file');
      assert.deepEqual(await studentNumbers(app, tokens.admin), ['2026-0001', '2026-0002'], 'nothing was imported');
    });
  });
}
