// Bulk import of students and lecturers: the dry run's report (every kind of error, the diff), the
// all-or-nothing apply (a real database failure mid-way, through the web route, the API and the CLI),
// the large-change confirmation, the web flow with its one-time credentials,
// refused files, 10,000 rows, and the CLI — on SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Actor } from '../../access.js';
import { envSchema, secretVariables } from '../../config/schema.js';
import { readSheetRows } from '../../lib/spreadsheets.js';
import { buildZip, deflatedZeros, WORKBOOK_PARTS } from '../../../test/fixtures/spreadsheets/build-zip.js';
import { importApp } from '../../../test/fixtures/spreadsheets/import-app.js';
import { csvFile, STUDENT_HEADER, studentRows, xlsxFile, type Cell } from '../../../test/fixtures/spreadsheets/people.js';
import { createApiToken, createUser, TEST_PASSWORD } from '../../../test/factories.js';
import { Browser } from '../../../test/http.js';
import { QueryLog } from '../../../test/query-log.js';
import { testDatabases } from '../../../test/services.js';
import * as groups from '../groups/service.js';
import * as lecturers from '../lecturers/service.js';
import * as students from '../students/service.js';
import {
  applyImport,
  ImportHasErrors,
  LargeChangeUnconfirmed,
  planImport,
  type ImportIssue,
  type ImportReport,
} from './service.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

type Ctx = Awaited<ReturnType<typeof importApp>>['ctx'];

async function seedGroups(ctx: Ctx, names: string[], archived: string[] = []) {
  const ids = new Map<string, number>();
  for (const name of [...names, ...archived]) ids.set(name, (await groups.createGroup(ctx, { name })).id);
  for (const name of archived) await groups.archiveGroup(ctx, ids.get(name)!);
  return ids;
}

async function seedStudent(ctx: Ctx, values: Record<string, unknown>) {
  return (await students.createStudent(ctx, { firstName: 'Seed', lastName: 'Student', ...values })).student;
}

function inTransaction<T>(ctx: Ctx, work: (tx: Ctx) => Promise<T>): Promise<T> {
  return ctx.db.transaction().execute((trx) => work({ ...ctx, db: trx }));
}

async function counts(ctx: Ctx) {
  const count = async (table: 'students' | 'lecturers' | 'users' | 'imports' | 'files') =>
    Number((await ctx.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  return { students: await count('students'), lecturers: await count('lecturers'), users: await count('users'), imports: await count('imports'), files: await count('files') };
}

/** What an import may write: the records, their accounts, the audit trail, and the imports' state. */
async function everything(ctx: Ctx) {
  const audit = await ctx.db.selectFrom('auditLog').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const stored = await ctx.db.selectFrom('imports').select(['id', 'status', 'appliedAt']).orderBy('id').execute();
  return { ...(await counts(ctx)), auditLog: Number(audit.n), imports: stored };
}

/** Rows in the files of the mid-way tests, and the count of students at which the database fails. */
const MID_WAY_ROWS = 1_200;
const FAIL_AT_STUDENTS = 1_000;
const DISK_FULL = 'the disk is full (a trigger of this test)';

/**
 * A real failure part-way through an import, made by the database itself: a trigger refuses any
 * student once FAIL_AT_STUDENTS are in the table. It fires only if the import has already written
 * that many rows in its own transaction (batches of 500), so the failure comes mid-way, and only
 * a rollback of those batches leaves the table as it was.
 */
async function failMidWay(ctx: Ctx, database: string): Promise<() => Promise<void>> {
  if (database === 'sqlite') {
    await sql`create trigger fail_mid_import before insert on students when (select count(*) from students) >= ${sql.lit(FAIL_AT_STUDENTS)} begin select raise(abort, ${sql.lit(DISK_FULL)}); end`.execute(ctx.db);
    return async () => void (await sql`drop trigger fail_mid_import`.execute(ctx.db));
  }
  await sql`create function fail_mid_import() returns trigger language plpgsql as $$ begin if (select count(*) from students) >= ${sql.lit(FAIL_AT_STUDENTS)} then raise exception ${sql.lit(DISK_FULL)}; end if; return new; end $$`.execute(ctx.db);
  await sql`create trigger fail_mid_import before insert on students for each row execute function fail_mid_import()`.execute(ctx.db);
  return async () => void (await sql`drop trigger fail_mid_import on students`.execute(ctx.db));
}

function issuesOf(report: ImportReport) {
  return report.errors.map((e: ImportIssue) => ({ row: e.row, column: e.column, code: e.code }));
}

function storedFiles(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(d, entry.name));
      else found.push(join(d, entry.name));
    }
  };
  if (existsSync(dir)) walk(dir);
  return found;
}

/** A multipart/form-data body as a browser sends it. */
function multipart(fields: Record<string, string>, file?: { name: string; bytes: Buffer; type?: string }) {
  const boundary = `----fms${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  if (file)
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.type ?? 'application/octet-stream'}\r\n\r\n`),
      file.bytes,
      Buffer.from('\r\n'),
    );
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

async function signedInAdmin(app: FastifyInstance, ctx: Ctx) {
  const admin = await createUser(ctx, { role: 'admin' });
  const browser = new Browser(app);
  await browser.signIn(admin.username, TEST_PASSWORD);
  return { admin, browser };
}

/**
 * Uploads a file through the import page's form, the CSRF token its first field as the form sends
 * it; `tokenIn` puts it elsewhere (after the kind, or in the address), where it must not count.
 */
async function upload(
  app: FastifyInstance,
  browser: Browser,
  kind: string,
  file: { name: string; bytes: Buffer },
  options: { token?: string | null; tokenIn?: 'first field' | 'later field' | 'query' } = {},
) {
  const token = options.token === undefined ? await browser.csrfToken('/admin/imports') : options.token;
  const tokenIn = options.tokenIn ?? 'first field';
  const fields: Record<string, string> = token === null ? { kind } : tokenIn === 'first field' ? { _csrf: token, kind } : tokenIn === 'later field' ? { kind, _csrf: token } : { kind };
  const body = multipart(fields, file);
  return app.inject({
    method: 'POST',
    url: token !== null && tokenIn === 'query' ? `/admin/imports?_csrf=${encodeURIComponent(token)}` : '/admin/imports',
    headers: { 'content-type': body.contentType, cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    payload: body.payload,
  });
}

function text(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&#34;|&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

for (const database of await testDatabases()) {
  describe(`imports on ${database}`, () => {
    test('the dry run reports every kind of error by row, column and reason, and writes nothing', async (t) => {
      const { ctx } = await importApp(t, database);
      await seedGroups(ctx, ['CS-101', 'CS-102'], ['OLD-1']);
      const ana = await seedStudent(ctx, { studentNumber: '2026-0001', firstName: 'Ana', lastName: 'Kovač', email: 'ana@example.edu', birthDate: '2005-01-02' });
      await seedStudent(ctx, { studentNumber: '2026-0002', firstName: 'Bo', lastName: 'Li', email: 'bo@example.edu' });
      await seedStudent(ctx, { studentNumber: '2026-0004', firstName: 'Di', lastName: 'Ng', email: 'di@example.edu' });
      const gone = await seedStudent(ctx, { studentNumber: '2026-0003', firstName: 'Cy', lastName: 'Old', email: 'cy@example.edu' });
      await students.archiveStudent(ctx, gone.id);
      await createUser(ctx, { role: 'student', username: 'taken.name' });
      const before = await counts(ctx);

      const header = ['Student number', 'Last name', 'First name', 'Birth date', 'E-mail', 'Group', 'Username', 'Shoe size'];
      const rows: Cell[][] = [
        ['2026-0001', 'Kovač', 'Ana', '2005-01-02', 'ana.new@example.edu', 'CS-102', '', '40'], // 2: update (email, group)
        ['2026-0002', 'Li', 'Bo', null, 'bo@example.edu', null, '', ''], // 3: unchanged
        ['2026-0100', 'New', 'Nia', new Date(Date.UTC(2006, 3, 1)), 'nia@example.edu', 'cs-101', '', ''], // 4: create (group name in any case)
        ['2026-0101', '', 'Nameless', null, null, null, '', ''], // 5: missing last name
        ['2026-0102', 'Bad', 'Date', '2006-02-30', null, null, '', ''], // 6: bad date
        ['2026-0103', 'Un', 'Known', null, null, 'CS-999', '', ''], // 7: unknown group
        ['2026-0104', 'Arch', 'Ived', null, null, 'OLD-1', '', ''], // 8: archived group
        ['2026-0100', 'Twin', 'Nia', null, null, null, '', ''], // 9: duplicate student number in the file
        ['2026-0105', 'Dup', 'Mail', null, 'NIA@example.edu', null, '', ''], // 10: duplicate e-mail in the file
        ['2026-0004', 'Ng', 'Di', null, 'ana@example.edu', null, '', ''], // 11: number is Di's, e-mail is Ana's
        ['2026-0106', 'User', 'Taken', null, null, null, 'taken.name', ''], // 12: username taken in the database
        ['2026-0003', 'Old', 'Cy', null, 'cy@example.edu', null, '', ''], // 13: archived student
        ['2026-0107', 'Phone', 'Less', null, 'not-an-email', null, '', ''], // 14: invalid e-mail
      ];
      const report = await planImport(ctx, 'students', { bytes: await xlsxFile(header, rows), filename: 'students.xlsx' });
      assert.deepEqual(issuesOf(report), [
        { row: 5, column: 'Last name', code: 'missing' },
        { row: 6, column: 'Birth date', code: 'invalid' },
        { row: 7, column: 'Group', code: 'unknown_group' },
        { row: 8, column: 'Group', code: 'archived_group' },
        { row: 9, column: 'Student number', code: 'duplicate_in_file' },
        { row: 10, column: 'E-mail', code: 'duplicate_in_file' },
        { row: 11, column: 'E-mail', code: 'duplicate_in_database' },
        { row: 12, column: 'Username', code: 'duplicate_in_database' },
        { row: 13, column: 'Student number', code: 'archived_record' },
        { row: 14, column: 'E-mail', code: 'invalid' },
      ]);
      const message = (row: number) => report.errors.find((e) => e.row === row)!.message;
      assert.match(message(6), /YYYY-MM-DD/);
      assert.match(message(7), /no group named "CS-999"/);
      assert.match(message(9), /also on row 4/);
      assert.match(message(11), /ana@example\.edu belongs to Ana Kovač \(2026-0001\), but the student number 2026-0004 to Di Ng/);
      assert.match(message(12), /username taken\.name is taken/);
      assert.match(message(13), /archived student/);
      assert.deepEqual(report.counts, { create: 1, update: 1, unchanged: 1, rowsWithErrors: 10 });
      assert.deepEqual(report.creates, [{ row: 4, label: 'Nia New (2026-0100)' }]);
      assert.equal(report.updates.length, 1);
      assert.equal(report.updates[0]!.id, ana.id);
      assert.deepEqual(report.updates[0]!.changes, [
        { field: 'email', column: 'E-mail', before: 'ana@example.edu', after: 'ana.new@example.edu' },
        { field: 'groupId', column: 'Group', before: '', after: 'CS-102' },
      ]);
      assert.deepEqual(report.warnings.length, 1);
      assert.match(report.warnings[0]!, /"Shoe size" is not an import column/);
      assert.equal(report.canApply, false);
      assert.deepEqual(await counts(ctx), before, 'a dry run writes nothing');

      await assert.rejects(
        inTransaction(ctx, (tx) => applyImport(tx, 'students', { bytes: csvFile(header, rows), filename: 'students.csv' })),
        (error: unknown) => error instanceof ImportHasErrors && error.statusCode === 422 && /10 errors on 10 rows/.test(error.message),
      );
      assert.deepEqual(await counts(ctx), before, 'a file with errors writes nothing, not even its good rows');
      const unchangedAna = await students.getStudent(ctx, ana.id);
      assert.equal(unchangedAna.email, 'ana@example.edu');
    });

    test('file-level problems: missing and doubled columns; headers match ignoring case, spaces, underscores', async (t) => {
      const { ctx } = await importApp(t, database);
      const missing = await planImport(ctx, 'students', { bytes: csvFile(['Student number', 'First name'], [['1', 'A']]), filename: 'a.csv' });
      assert.deepEqual(issuesOf(missing), [{ row: null, column: 'Last name', code: 'missing_column' }]);
      assert.match(missing.errors[0]!.message, /no "Last name" column/);
      const doubled = await planImport(ctx, 'students', { bytes: csvFile(['student_number', 'LastName', 'first name', 'Email', 'mail'], [['1', 'A', 'B', 'a@x.edu', 'a@x.edu']]), filename: 'a.csv' });
      assert.deepEqual(issuesOf(doubled), [{ row: null, column: 'Email, mail', code: 'duplicate_column' }]);
      const fine = await planImport(ctx, 'students', { bytes: csvFile(['STUDENT NUMBER', 'last-name', 'First_Name', 'BirthDate'], [['7', 'Li', 'Bo', '2004-05-06']]), filename: 'a.csv' });
      assert.deepEqual(fine.errors, []);
      assert.deepEqual(fine.columns.map((c) => c.field), ['studentNumber', 'lastName', 'firstName', 'birthDate']);
      assert.equal(fine.counts.create, 1);
    });

    test('applying creates and updates in one go, with accounts and one-time passwords; an absent column is left alone', async (t) => {
      const { ctx, app } = await importApp(t, database);
      const ids = await seedGroups(ctx, ['CS-101', 'CS-102']);
      const ana = await seedStudent(ctx, { studentNumber: '2026-0001', firstName: 'Ana', lastName: 'Kovač', email: 'ana@example.edu', phone: '+385 1', groupId: ids.get('CS-101') });
      // No phone column: Ana keeps her phone. Her row matches by e-mail and gives her a new number.
      const file = csvFile(
        ['Student number', 'Last name', 'First name', 'Email', 'Group', 'Username'],
        [
          ['2026-0009', 'Kovač', 'Ana', 'ANA@example.edu', 'CS-102', ''],
          ['2026-0100', 'Šarić', 'Đuro', 'duro@example.edu', 'CS-101', ''],
          ['2026-0101', 'Li', 'Bo', '', '', 'bo.chosen'],
        ],
      );
      // One existing student, updated: 100% of them, so the large change is confirmed.
      const result = await inTransaction(ctx, (tx) => applyImport(tx, 'students', { bytes: file, filename: 'students.csv' }, { confirmLargeChange: true }));
      assert.deepEqual(result.report.counts, { create: 2, update: 1, unchanged: 0, rowsWithErrors: 0 });
      const updated = await students.getStudent(ctx, ana.id);
      assert.equal(updated.studentNumber, '2026-0009');
      assert.equal(updated.groupName, 'CS-102');
      assert.equal(updated.phone, '+385 1', 'a column the file does not have is not touched');
      assert.deepEqual(result.credentials.map((c) => [c.row, c.key, c.username]), [
        [3, '2026-0100', 'd.saric'],
        [4, '2026-0101', 'bo.chosen'],
      ]);
      const duro = (await students.listStudents(ctx, { q: 'saric' })).items[0]!;
      assert.equal(duro.groupName, 'CS-101');
      assert.equal(duro.email, 'duro@example.edu');
      // The one-time password works once and must be changed.
      const signIn = await new Browser(app).signIn('d.saric', result.credentials[0]!.oneTimePassword);
      assert.equal(signIn.headers.location, '/account/password');
      const audit = await ctx.db.selectFrom('auditLog').select('action').where('action', 'in', ['student.created', 'student.updated']).where('after', 'like', '%"via":"import"%').execute();
      assert.deepEqual(audit.map((a) => a.action).sort(), ['student.created', 'student.created', 'student.updated']);
    });

    test('a username asked for by a later row is never taken by an earlier row generated from the same name', async (t) => {
      const { ctx } = await importApp(t, database);
      const file = { bytes: csvFile(['Student number', 'Last name', 'First name', 'Username'], [['N-1', 'Novak', 'Jan', ''], ['N-2', 'Novak', 'Jana', 'j.novak']]), filename: 'students.csv' };
      const result = await inTransaction(ctx, (tx) => applyImport(tx, 'students', file));
      assert.deepEqual(result.credentials.map((c) => [c.key, c.username]), [
        ['N-1', 'j.novak2'],
        ['N-2', 'j.novak'],
      ]);
    });

    test('generated usernames skip the namesakes already there, gaps filled in order, as many as the file needs', async (t) => {
      const { ctx } = await importApp(t, database);
      // j.novak and j.novak3 exist; the file's 12 Novaks get j.novak2, then j.novak4 onwards.
      await seedStudent(ctx, { studentNumber: 'E-1', firstName: 'Jan', lastName: 'Novak' });
      await seedStudent(ctx, { studentNumber: 'E-2', firstName: 'Jan', lastName: 'Novak' });
      await seedStudent(ctx, { studentNumber: 'E-3', firstName: 'Jan', lastName: 'Novak' });
      await ctx.db.updateTable('users').set({ username: 'j.novak3-old' }).where('username', '=', 'j.novak2').execute();
      await ctx.db.updateTable('users').set({ username: 'j.novak2-old' }).where('username', '=', 'j.novak3').execute();
      await ctx.db.updateTable('users').set({ username: 'j.novak3' }).where('username', '=', 'j.novak3-old').execute();
      const rows = Array.from({ length: 12 }, (_, i) => [`M-${i}`, 'Novak', 'Jan']);
      const file = { bytes: csvFile(['Student number', 'Last name', 'First name'], rows), filename: 'novaks.csv' };
      const result = await inTransaction(ctx, (tx) => applyImport(tx, 'students', file));
      assert.deepEqual(
        result.credentials.map((c) => c.username),
        ['j.novak2', ...Array.from({ length: 11 }, (_, i) => `j.novak${i + 4}`)],
      );
    });

    test('an import of several batches hands namesakes their usernames in order, looking each name up about once', async (t) => {
      const { ctx } = await importApp(t, database);
      await seedStudent(ctx, { studentNumber: 'E-1', firstName: 'Jan', lastName: 'Novak' });
      // 1,200 Novaks are three batches of the import (500 a batch); a row of the last asks for
      // j.novak900, which no generated name may take.
      const rows = Array.from({ length: 1200 }, (_, i) => [`M-${i}`, 'Novak', 'Jan', i === 1100 ? 'j.novak900' : '']);
      const file = { bytes: csvFile(['Student number', 'Last name', 'First name', 'Username'], rows), filename: 'novaks.csv' };
      const log = new QueryLog();
      const watched = { ...ctx, db: log.observe(ctx.db) };
      const { result, statements } = await log.during(() => inTransaction(watched, (tx) => applyImport(tx, 'students', file)));
      assert.deepEqual(
        result.credentials.filter((c) => c.key !== 'M-1100').map((c) => c.username),
        Array.from({ length: 1200 }, (_, i) => `j.novak${i + 2}`).filter((name) => name !== 'j.novak900'),
      );
      assert.equal(result.credentials.find((c) => c.key === 'M-1100')?.username, 'j.novak900');
      // A later batch starts where the one before stopped: it does not look at j.novak2… again.
      const namesLookedUp = statements
        .filter((s) => /where username in/i.test(s.sql))
        .reduce((n, s) => n + (typeof s.parameters[0] === 'string' ? (JSON.parse(s.parameters[0]) as unknown[]).length : (s.parameters[0] as unknown[]).length), 0);
      assert.ok(namesLookedUp >= rows.length - 1 && namesLookedUp < 2 * rows.length, `${namesLookedUp} names looked up for ${rows.length} rows`);
    });

    test('a change to more than 20% of the existing records needs an explicit second confirmation', async (t) => {
      const { ctx } = await importApp(t, database);
      for (let i = 1; i <= 10; i++) await seedStudent(ctx, { studentNumber: `S-${i}`, firstName: `F${i}`, lastName: `L${i}` });
      const rows = [1, 2, 3].map((i) => [`S-${i}`, `L${i}`, `Renamed${i}`]);
      const file = { bytes: csvFile(['Student number', 'Last name', 'First name'], rows), filename: 'rename.csv' };
      const report = await planImport(ctx, 'students', file);
      assert.equal(report.largeChange, true);
      assert.equal(report.changedShare, 0.3);
      await assert.rejects(inTransaction(ctx, (tx) => applyImport(tx, 'students', file)), (error: unknown) => {
        assert.ok(error instanceof LargeChangeUnconfirmed);
        assert.equal(error.statusCode, 409);
        assert.match(error.message, /changes 30% of the existing students \(more than 20%\)/);
        return true;
      });
      assert.equal((await students.listStudents(ctx, { q: 'renamed' })).items.length, 0, 'nothing was written');
      await inTransaction(ctx, (tx) => applyImport(tx, 'students', file, { confirmLargeChange: true }));
      assert.equal((await students.listStudents(ctx, { q: 'renamed' })).items.length, 3);
      // Two of ten is not more than 20%: no second confirmation.
      const small = await planImport(ctx, 'students', { bytes: csvFile(['Student number', 'Last name', 'First name'], [['S-4', 'L4', 'X'], ['S-5', 'L5', 'Y']]), filename: 'small.csv' });
      assert.equal(small.largeChange, false);
    });

    test('10,000 rows import, everything is there; a failing last row leaves the database unchanged', async (t) => {
      const { ctx } = await importApp(t, database);
      await seedGroups(ctx, ['G-1', 'G-2', 'G-3']);
      const rows = studentRows(10_000, ['G-1', 'G-2', 'G-3']);
      const before = await counts(ctx);

      const broken = { bytes: await xlsxFile(STUDENT_HEADER, [...rows.slice(0, 9_999), ['2026-99999', 'Last', 'First', '2005-13-01', 'last@example.edu', 'G-1']]), filename: 'broken.xlsx' };
      await assert.rejects(
        inTransaction(ctx, (tx) => applyImport(tx, 'students', broken)),
        (error: unknown) => error instanceof ImportHasErrors && error.report.errors.length === 1 && error.report.errors[0]!.row === 10_001,
      );
      assert.deepEqual(await counts(ctx), before, 'the 9,999 good rows were not written');

      // A failure after some batches were written: the tests "through the route, the API and the CLI" below.
      const file = { bytes: await xlsxFile(STUDENT_HEADER, rows), filename: 'all.xlsx' };
      const progress: number[] = [];
      const result = await inTransaction(ctx, (tx) => applyImport(tx, 'students', file, { onProgress: (e) => progress.push(e.done) }));
      assert.equal(result.report.counts.create, 10_000);
      assert.equal(result.credentials.length, 10_000);
      assert.equal(progress.at(-1), 10_000);
      const after = await counts(ctx);
      assert.equal(after.students - before.students, 10_000);
      assert.equal(after.users - before.users, 10_000);
      const last = await ctx.db.selectFrom('students').selectAll().where('studentNumber', '=', '2026-10000').executeTakeFirstOrThrow();
      assert.equal(last.email, 'student10000@example.edu');
      assert.equal(last.birthDate, '2005-05-05');
      const grouped = await ctx.db.selectFrom('students').select((eb) => eb.fn.countAll<number>().as('n')).where('groupId', 'is not', null).executeTakeFirstOrThrow();
      assert.equal(Number(grouped.n), 10_000);
      const accounts = await ctx.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).where('studentId', 'is not', null).where('mustChangePassword', '=', true).executeTakeFirstOrThrow();
      assert.equal(Number(accounts.n), 10_000);

      // The same file again: nothing to do.
      const again = await planImport(ctx, 'students', file);
      assert.deepEqual(again.counts, { create: 0, update: 0, unchanged: 10_000, rowsWithErrors: 0 });
    });

    test('all or nothing through the web route: a database failure after 1,000 of 1,200 rows leaves nothing; the same confirmation then imports', async (t) => {
      const { app, ctx } = await importApp(t, database);
      await seedGroups(ctx, ['CS-101']);
      const { browser } = await signedInAdmin(app, ctx);
      const uploaded = await upload(app, browser, 'students', { name: 'students.csv', bytes: csvFile(STUDENT_HEADER, studentRows(MID_WAY_ROWS, ['CS-101'])) });
      assert.equal(uploaded.statusCode, 303, uploaded.body.slice(0, 300));
      const reportUrl = String(uploaded.headers.location);
      const planHash = /name="planHash" value="([0-9a-f]{64})"/.exec((await browser.get(reportUrl)).body)?.[1];
      assert.ok(planHash, 'the report offers the confirmation');
      const before = await everything(ctx);

      const repair = await failMidWay(ctx, database);
      const failed = await browser.post(`${reportUrl}/confirm`, { planHash }, { from: reportUrl });
      assert.equal(failed.statusCode, 500, failed.body.slice(0, 300));
      assert.match(failed.body, /data-testid="error-id"/);
      assert.deepEqual(await everything(ctx), before, 'no student, account or audit entry; the import is still a dry run');

      await repair();
      const confirmed = await browser.post(`${reportUrl}/confirm`, { planHash }, { from: reportUrl });
      assert.equal(confirmed.statusCode, 303, 'the same confirmation goes through once the database takes it');
      assert.equal((await counts(ctx)).students, MID_WAY_ROWS);
    });

    test('all or nothing through the API: a database failure after 1,000 of 1,200 rows leaves nothing; the same call then imports', async (t) => {
      const { app, ctx } = await importApp(t, database);
      await seedGroups(ctx, ['CS-101']);
      const token = await createApiToken(ctx, (await createUser(ctx, { role: 'admin' })).id);
      const call = () => {
        const body = multipart({}, { name: 'students.csv', bytes: csvFile(STUDENT_HEADER, studentRows(MID_WAY_ROWS, ['CS-101'])), type: 'text/csv' });
        return app.inject({ method: 'POST', url: '/api/v1/imports/students', headers: { 'content-type': body.contentType, authorization: `Bearer ${token}` }, payload: body.payload });
      };
      const before = await everything(ctx);

      const repair = await failMidWay(ctx, database);
      const failed = await call();
      assert.equal(failed.statusCode, 500, failed.body.slice(0, 300));
      assert.equal(failed.json().error.code, 'internal');
      assert.doesNotMatch(failed.body, /disk is full/, 'the cause stays in the log');
      assert.deepEqual(await everything(ctx), before, 'no student, account or audit entry');

      await repair();
      const applied = await call();
      assert.equal(applied.statusCode, 200, applied.body.slice(0, 300));
      assert.equal(applied.json().accounts.length, MID_WAY_ROWS);
      assert.equal((await counts(ctx)).students, MID_WAY_ROWS);
    });

    test('all or nothing through the CLI: a database failure after 1,000 of 1,200 rows leaves nothing and no credentials sheet; the same command then imports', async (t) => {
      const { ctx, url } = await importApp(t, database);
      await seedGroups(ctx, ['CS-101']);
      const dir = mkdtempSync(join(tmpdir(), 'fms-import-cli-'));
      t.after(() => rmSync(dir, { recursive: true, force: true }));
      const file = join(dir, 'students.csv');
      writeFileSync(file, csvFile(STUDENT_HEADER, studentRows(MID_WAY_ROWS, ['CS-101'])));
      const credentials = join(dir, 'credentials.xlsx');
      const env = { DATABASE_URL: url, UPLOAD_FOLDER: join(dir, 'uploads') };
      const before = await everything(ctx);

      const repair = await failMidWay(ctx, database);
      const failed = await fms(['import', 'students', file, '--credentials', credentials], env, dir);
      assert.equal(failed.code, 1, failed.stderr);
      assert.match(failed.stderr, /^fms: .*the disk is full \(a trigger of this test\)/m, 'the failure is the database\'s, after 1,000 rows');
      assert.deepEqual(await everything(ctx), before, 'no student, account or audit entry');
      assert.equal(existsSync(credentials), false, 'no sheet of passwords for accounts that do not exist');

      await repair();
      const imported = await fms(['import', 'students', file, '--credentials', credentials], env, dir);
      assert.equal(imported.code, 0, imported.stderr);
      assert.equal((await counts(ctx)).students, MID_WAY_ROWS);
      assert.ok(existsSync(credentials));
    });

    test('lecturers: matched by e-mail, the admin flag follows, an admin cannot remove their own rights', async (t) => {
      const { ctx } = await importApp(t, database);
      const existing = await lecturers.createLecturer(ctx, { firstName: 'Ivan', lastName: 'Horvat', email: 'ivan@example.edu', academicDegree: 'MSc' });
      const header = ['Last name', 'First name', 'Email', 'Academic degree', 'Admin'];
      const file = csvFile(header, [
        ['Horvat', 'Ivan', 'IVAN@example.edu', 'PhD', 'yes'],
        ['Novak', 'Mila', 'mila@example.edu', '', 'no'],
        ['Bad', 'Flag', 'flag@example.edu', '', 'maybe'],
        ['No', 'Mail', '', '', ''],
      ]);
      const report = await planImport(ctx, 'lecturers', { bytes: file, filename: 'l.csv' });
      assert.deepEqual(issuesOf(report), [
        { row: 4, column: 'Admin', code: 'invalid' },
        { row: 5, column: 'Email', code: 'missing' },
      ]);
      const good = csvFile(header, [
        ['Horvat', 'Ivan', 'IVAN@example.edu', 'PhD', 'yes'],
        ['Novak', 'Mila', 'mila@example.edu', '', 'no'],
      ]);
      const result = await inTransaction(ctx, (tx) => applyImport(tx, 'lecturers', { bytes: good, filename: 'l.csv' }, { confirmLargeChange: true }));
      assert.deepEqual(result.report.updates[0]!.changes.map((c) => [c.column, c.before, c.after]), [
        ['Academic degree', 'MSc', 'PhD'],
        ['Admin', 'no', 'yes'],
      ]);
      const ivan = await lecturers.getLecturer(ctx, existing.lecturer.id);
      assert.equal(ivan.isAdmin, true);
      assert.equal(ivan.academicDegree, 'PhD');
      assert.equal(result.credentials.length, 1);
      assert.equal(result.credentials[0]!.key, 'mila@example.edu');

      // Ivan, now an admin, imports a file that would take his own rights away.
      const account = await ctx.db.selectFrom('users').selectAll().where('lecturerId', '=', ivan.id).executeTakeFirstOrThrow();
      const ivanActor: Actor = { userId: account.id, username: account.username, role: 'lecturer', isAdmin: true, studentId: null, lecturerId: ivan.id, displayName: 'Ivan' };
      const demote = await planImport({ ...ctx, actor: ivanActor }, 'lecturers', { bytes: csvFile(header, [['Horvat', 'Ivan', 'ivan@example.edu', 'PhD', 'no']]), filename: 'l.csv' });
      assert.deepEqual(issuesOf(demote), [{ row: 2, column: 'Admin', code: 'not_allowed' }]);
    });

    test('only admins import', async (t) => {
      const { ctx } = await importApp(t, database);
      const lecturer = await lecturers.createLecturer(ctx, { firstName: 'Lena', lastName: 'Test', email: 'lena@example.edu' });
      const lecturerActor: Actor = { userId: 99, username: 'lena', role: 'lecturer', isAdmin: false, studentId: null, lecturerId: lecturer.lecturer.id, displayName: 'Lena' };
      await assert.rejects(planImport({ ...ctx, actor: lecturerActor }, 'students', { bytes: csvFile(['a'], [['b']]), filename: 'a.csv' }), { statusCode: 403 });
    });

    test('web: template, upload, report with diff, confirm, credentials downloadable once', async (t) => {
      const { app, ctx } = await importApp(t, database);
      await seedGroups(ctx, ['CS-101']);
      const bo = await seedStudent(ctx, { studentNumber: '2026-0002', firstName: 'Bo', lastName: 'Li', email: 'bo@example.edu' });
      // Four more students, so updating Bo is a small change (1 of 5).
      for (let i = 1; i <= 4; i++) await seedStudent(ctx, { studentNumber: `OTHER-${i}` });
      const { admin, browser } = await signedInAdmin(app, ctx);

      const page = await browser.get('/admin/imports');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /enctype="multipart\/form-data"/);
      const template = await browser.get('/admin/imports/template/students');
      assert.equal(template.statusCode, 200);
      assert.match(String(template.headers['content-type']), /spreadsheetml/);
      assert.match(String(template.headers['content-disposition']), /attachment; filename="fms-students-template.xlsx"/);
      assert.equal(template.headers['x-content-type-options'], 'nosniff');
      const sheet = await readSheetRows({ bytes: template.rawPayload, filename: 't.xlsx' }, { maxRows: 10 });
      assert.deepEqual(sheet.headers, ['Student number', 'Last name', 'First name', 'Patronymic', 'Birth date', 'E-mail', 'Phone', 'Address', 'Group', 'Username']);
      assert.equal(sheet.rows.length, 1, 'one example row');
      // The template, filled in: its example row plus an update of Bo.
      const filled = await xlsxFile(sheet.headers, [
        sheet.headers.map((h) => sheet.rows[0]!.cells[h] ?? ''),
        ['2026-0002', 'Li', 'Bo', '', '2004-02-03', 'bo@example.edu', '', '', 'CS-101', ''],
      ]);
      const uploaded = await upload(app, browser, 'students', { name: 'filled.xlsx', bytes: filled });
      assert.equal(uploaded.statusCode, 303, uploaded.body.slice(0, 300));
      const reportUrl = String(uploaded.headers.location);
      assert.match(reportUrl, /^\/admin\/imports\/\d+$/);
      const report = await browser.get(reportUrl);
      assert.equal(report.statusCode, 200);
      assert.match(report.body, /data-testid="count-create">1</);
      assert.match(report.body, /data-testid="count-update">1</);
      const diff = text(report.body);
      assert.match(diff, /Row 3 · Bo Li \(2026-0002\) · 2 changes/);
      assert.match(diff, /Birth date empty 2004-02-03/);
      assert.match(diff, /Group empty CS-101/);
      assert.equal((await students.getStudent(ctx, bo.id)).birthDate, null, 'the dry run changed nothing');

      const planHash = /name="planHash" value="([0-9a-f]{64})"/.exec(report.body)?.[1];
      assert.ok(planHash);
      const confirmed = await browser.post(`${reportUrl}/confirm`, { planHash }, { from: reportUrl });
      assert.equal(confirmed.statusCode, 303);
      const result = await browser.get(reportUrl);
      assert.match(result.body, /data-testid="applied"/);
      assert.equal((await students.getStudent(ctx, bo.id)).birthDate, '2004-02-03');
      assert.equal((await students.listStudents(ctx, { q: 'kovac' })).items.length, 1);

      // Another admin may not take the credentials.
      const other = await signedInAdmin(app, ctx);
      assert.equal((await other.browser.post(`${reportUrl}/credentials`, {}, { from: reportUrl })).statusCode, 403);
      assert.equal((await browser.get(`${reportUrl}/credentials`)).statusCode, 404, 'a GET (a prefetch, a link scanner) never takes the sheet');
      const download = await browser.post(`${reportUrl}/credentials`, {}, { from: reportUrl });
      assert.equal(download.statusCode, 200);
      assert.equal(download.headers['cache-control'], 'no-store');
      const credentials = await readSheetRows({ bytes: download.rawPayload, filename: 'c.xlsx' }, { maxRows: 10 });
      assert.equal(credentials.rows.length, 1);
      const [row] = credentials.rows;
      assert.equal(row!.cells['Student number'], '2026-0042');
      const signIn = await new Browser(app).signIn(row!.cells.Username!, row!.cells['One-time password']!);
      assert.equal(signIn.headers.location, '/account/password', 'the one-time password from the sheet works');
      const imported = await ctx.db.selectFrom('imports').selectAll().executeTakeFirstOrThrow();
      assert.equal(imported.credentials, null, 'the sealed passwords are gone from the database');
      assert.equal(imported.status, 'applied');
      assert.equal(imported.createdBy, admin.id);
      const again = await browser.post(`${reportUrl}/credentials`, {}, { from: reportUrl });
      assert.equal(again.statusCode, 410);
      assert.match(again.body, /already downloaded/);
      // A second confirmation does nothing.
      assert.equal((await browser.post(`${reportUrl}/confirm`, { planHash }, { from: reportUrl })).statusCode, 409);
    });

    test('web: a report with errors lists them by row and column, offers no confirmation, and refuses one', async (t) => {
      const { app, ctx } = await importApp(t, database);
      await seedGroups(ctx, ['CS-101']);
      const { browser } = await signedInAdmin(app, ctx);
      const rows = [...studentRows(2, ['CS-101']), ['2026-00009', 'Doe', 'Jo', '2005-02-30', 'jo@example.edu', 'CS-404']];
      const uploaded = await upload(app, browser, 'students', { name: 'errors.xlsx', bytes: await xlsxFile(STUDENT_HEADER, rows) });
      assert.equal(uploaded.statusCode, 303);
      const reportUrl = String(uploaded.headers.location);
      const report = await browser.get(reportUrl);
      const errors = /<table[^>]*data-testid="errors"[\s\S]*?<\/table>/.exec(report.body)?.[0] ?? '';
      assert.match(text(errors), /4 Birth date Enter a real birth date/);
      assert.match(text(errors), /4 Group There is no group named "CS-404"/);
      assert.match(report.body, /data-testid="count-errors">1</);
      assert.doesNotMatch(report.body, /data-testid="confirm"/, 'no confirmation for a file with errors');
      const forced = await browser.post(`${reportUrl}/confirm`, {}, { from: reportUrl });
      assert.equal(forced.statusCode, 422);
      assert.match(text(forced.body), /2 errors on 1 row; fix them and upload it again/);
      assert.equal((await counts(ctx)).students, 0);
      const row = await ctx.db.selectFrom('imports').select(['status', 'appliedAt']).executeTakeFirstOrThrow();
      assert.deepEqual(row, { status: 'dry_run', appliedAt: null });

      // A file missing a column: its problems are counted as the file's, not as "0 rows with errors".
      const columnless = await upload(app, browser, 'students', { name: 'columns.csv', bytes: csvFile(['Student number', 'First name'], [['1', 'A']]) });
      const columnReport = await browser.get(String(columnless.headers.location));
      assert.match(columnReport.body, /data-testid="count-file-errors">1</);
      assert.match(text(columnReport.body), /1 problem with the file/);
      assert.doesNotMatch(columnReport.body, /data-testid="count-errors"/);
    });

    test('web: records changed after the dry run get a new report instead of the import; large changes need the box ticked', async (t) => {
      const { app, ctx } = await importApp(t, database);
      const seeded = [];
      for (let i = 1; i <= 4; i++) seeded.push(await seedStudent(ctx, { studentNumber: `S-${i}`, firstName: `F${i}`, lastName: `L${i}` }));
      const { browser } = await signedInAdmin(app, ctx);
      const file = csvFile(['Student number', 'Last name', 'First name'], [['S-1', 'L1', 'New1'], ['S-2', 'L2', 'New2']]);
      const uploaded = await upload(app, browser, 'students', { name: 'rename.csv', bytes: file });
      const reportUrl = String(uploaded.headers.location);
      const report = await browser.get(reportUrl);
      assert.match(report.body, /changes 2 of the 4 existing students \(50%, more than 20%\)/);
      const planHash = /name="planHash" value="([0-9a-f]{64})"/.exec(report.body)![1]!;

      // Someone renames S-2 in the meantime, to what the file says: the plan is not the one shown.
      await students.updateStudent(ctx, seeded[1]!.id, { firstName: 'New2' });
      const changed = await browser.post(`${reportUrl}/confirm`, { planHash, confirmLargeChange: 'yes' }, { from: reportUrl });
      assert.equal(changed.statusCode, 303);
      const renewed = await browser.get(reportUrl);
      assert.match(renewed.body, /The records changed since the dry run/);
      assert.match(renewed.body, /data-testid="count-update">1</);
      assert.equal((await students.getStudent(ctx, seeded[0]!.id)).firstName, 'F1', 'nothing was imported');
      const newHash = /name="planHash" value="([0-9a-f]{64})"/.exec(renewed.body)![1]!;
      assert.notEqual(newHash, planHash);

      // 1 of 4 is still more than 20%: without the box ticked the import is refused.
      const unticked = await browser.post(`${reportUrl}/confirm`, { planHash: newHash }, { from: reportUrl });
      assert.equal(unticked.statusCode, 409);
      assert.match(text(unticked.body), /confirm the large change/);
      assert.equal((await students.getStudent(ctx, seeded[0]!.id)).firstName, 'F1');
      const ticked = await browser.post(`${reportUrl}/confirm`, { planHash: newHash, confirmLargeChange: 'yes' }, { from: reportUrl });
      assert.equal(ticked.statusCode, 303);
      assert.equal((await students.getStudent(ctx, seeded[0]!.id)).firstName, 'New1');
      const done = await browser.get(reportUrl);
      assert.doesNotMatch(done.body, /data-testid="credentials"/, 'no new accounts, no credentials sheet');
    });

    test('web: empty, malformed, password-protected, zip-bomb and oversized files are refused and leave nothing behind', async (t) => {
      const { app, ctx, uploads } = await importApp(t, database, { MAX_CONTENT_LENGTH: '256KiB' });
      const { browser } = await signedInAdmin(app, ctx);
      const before = await counts(ctx);
      const cases: { name: string; bytes: Buffer; status: number; message: RegExp }[] = [
        { name: 'empty.csv', bytes: Buffer.alloc(0), status: 422, message: /was empty or missing/ },
        { name: 'header-only.csv', bytes: csvFile(STUDENT_HEADER, []), status: 422, message: /no data rows/ },
        { name: 'secret.xlsx', bytes: Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(1024)]), status: 422, message: /password-protected or in the old \.xls format/ },
        { name: 'garbage.xlsx', bytes: Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 7919) % 256)), status: 422, message: /neither an \.xlsx workbook nor CSV text/ },
        { name: 'broken.xlsx', bytes: (await xlsxFile(STUDENT_HEADER, studentRows(50, ['G']))).subarray(0, 3000), status: 422, message: /damaged/ },
        { name: 'bomb.xlsx', bytes: buildZip([...WORKBOOK_PARTS, { name: 'xl/worksheets/sheet1.xml', deflated: deflatedZeros(150 * 1024 * 1024) }]), status: 422, message: /unpacks to more than 100 MB/ },
        { name: 'big.csv', bytes: Buffer.alloc(300 * 1024, 'a'), status: 413, message: /larger than the limit/ },
      ];
      for (const c of cases) {
        const response = await upload(app, browser, 'students', { name: c.name, bytes: c.bytes });
        assert.equal(response.statusCode, c.status, `${c.name}: ${response.body.slice(0, 200)}`);
        assert.match(text(response.body), c.message, c.name);
      }
      assert.deepEqual(await counts(ctx), before, 'no import row, no file row, no student');
      assert.deepEqual(storedFiles(uploads), [], 'nothing in storage');
    });

    test('web: the upload needs the CSRF token, and only admins reach the pages', async (t) => {
      const { app, ctx } = await importApp(t, database);
      const { browser } = await signedInAdmin(app, ctx);
      const file = csvFile(STUDENT_HEADER, studentRows(1, ['']));
      const forged = await upload(app, browser, 'students', { name: 'a.csv', bytes: file }, { token: null });
      assert.equal(forged.statusCode, 403);
      for (const tokenIn of ['query', 'later field'] as const) {
        const misplaced = await upload(app, browser, 'students', { name: 'a.csv', bytes: file }, { tokenIn });
        assert.equal(misplaced.statusCode, 403, `a token in the ${tokenIn} does not count: only the first field or the header`);
      }
      assert.equal((await counts(ctx)).imports, 0);
      const lecturer = await createUser(ctx, { role: 'lecturer' });
      const lecturerBrowser = new Browser(app);
      await lecturerBrowser.signIn(lecturer.username, TEST_PASSWORD);
      assert.equal((await lecturerBrowser.get('/admin/imports')).statusCode, 403);
      assert.equal((await lecturerBrowser.get('/admin/imports/template/students')).statusCode, 403);
      const attempt = await upload(app, lecturerBrowser, 'students', { name: 'a.csv', bytes: file }, { token: await lecturerBrowser.csrfToken('/dashboard') });
      assert.equal(attempt.statusCode, 403);
      assert.equal((await counts(ctx)).imports, 0);
    });

    test('CLI: fms import students FILE [--dry-run] prints the report, exits non-zero on errors, writes a private credentials sheet', async (t) => {
      const { ctx, url } = await importApp(t, database);
      await seedGroups(ctx, ['CS-101']);
      const dir = mkdtempSync(join(tmpdir(), 'fms-import-cli-'));
      t.after(() => rmSync(dir, { recursive: true, force: true }));
      const good = join(dir, 'students.xlsx');
      writeFileSync(good, await xlsxFile(STUDENT_HEADER, studentRows(1_200, ['CS-101'])));
      const bad = join(dir, 'bad.csv');
      writeFileSync(bad, csvFile(STUDENT_HEADER, [...studentRows(3, ['CS-101']), ['2026-77777', 'X', 'Y', '2005-01-01', 'y@example.edu', 'NOPE']]));
      const env = { DATABASE_URL: url, UPLOAD_FOLDER: join(dir, 'uploads') };

      const badRun = await fms(['import', 'students', bad], env, dir);
      assert.equal(badRun.code, 1, badRun.stderr);
      assert.match(badRun.stdout, /row 5, Group: There is no group named "NOPE"/);
      assert.match(badRun.stdout, /Nothing was imported/);
      assert.match(badRun.stderr, /1 error: fix the file/);
      assert.equal((await counts(ctx)).students, 0);

      const dry = await fms(['import', 'students', good, '--dry-run'], env, dir);
      assert.equal(dry.code, 0, dry.stderr);
      assert.match(dry.stdout, /1,200 {2}to create/);
      assert.match(dry.stdout, /Dry run: nothing was written/);
      assert.equal((await counts(ctx)).students, 0);

      const credentials = join(dir, 'creds.xlsx');
      const real = await fms(['import', 'students', good, '--credentials', credentials], env, dir);
      assert.equal(real.code, 0, real.stderr);
      assert.match(real.stdout, /Imported: every row was applied/);
      assert.match(real.stdout, /One-time passwords of the 1200 new account\(s\)/);
      assert.doesNotMatch(real.stdout, /[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}/, 'no password on the terminal');
      assert.equal((await counts(ctx)).students, 1_200);
      assert.equal(statSync(credentials).mode & 0o777, 0o600, 'only the operator may read the passwords');
      const sheet = await readSheetRows({ bytes: readFileSync(credentials), filename: 'c.xlsx' }, { maxRows: 2_000 });
      assert.equal(sheet.rows.length, 1_200);
      assert.deepEqual(Object.keys(sheet.rows[0]!.cells), ['Name', 'Student number', 'Username', 'One-time password', 'Row in the import']);

      // A credentials file is never overwritten: refused before anything is imported.
      const more = join(dir, 'more.csv');
      writeFileSync(more, csvFile(STUDENT_HEADER, studentRows(2, ['CS-101'], 5_000)));
      const refused = await fms(['import', 'students', more, '--credentials', credentials], env, dir);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /exists already; choose another file with --credentials \(nothing was imported\)/);
      assert.equal((await counts(ctx)).students, 1_200);

      // Renaming 300 of 1,200 (25%) needs --confirm-large-change.
      const rename = join(dir, 'rename.csv');
      writeFileSync(rename, csvFile(['Student number', 'Last name', 'First name'], studentRows(300, []).map((r) => [r[0]!, 'Renamed', r[2]!])));
      const unconfirmed = await fms(['import', 'students', rename], env, dir);
      assert.equal(unconfirmed.code, 1);
      assert.match(unconfirmed.stderr, /changes 25% of the existing students .* run again with --confirm-large-change/);
      assert.equal((await students.listStudents(ctx, { q: 'renamed' })).items.length, 0);
      const json = await fms(['import', 'students', rename, '--confirm-large-change', '--json'], env, dir);
      assert.equal(json.code, 0, json.stderr);
      assert.equal((JSON.parse(json.stdout) as ImportReport).counts.update, 300);
      assert.equal((await students.listStudents(ctx, { q: 'renamed', limit: 500 })).items.length, 300);

      const missing = await fms(['import', 'lecturers', join(dir, 'missing.xlsx')], env, dir);
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /there is no such file/);
    });
  });
}

// The caller's own configuration must not leak into the commands under test.
const inherited = { ...process.env };
for (const name of Object.keys(envSchema.properties)) delete inherited[name];
for (const name of secretVariables) delete inherited[`${name}_FILE`];

function fms(args: string[], env: Record<string, string>, cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(root, 'test/fixtures/spreadsheets/fms-import.ts'), ...args], {
      cwd,
      env: { ...inherited, FMS_CONFIG: 'testing', DEMO_DEPARTMENT: 'false', LOG_LEVEL: 'silent', TSX_TSCONFIG_PATH: join(root, 'tsconfig.json'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}
