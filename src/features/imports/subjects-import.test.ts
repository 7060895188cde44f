// Importing a term's subjects and teaching assignments: the dry run's report and diff, the Teaching
// column's exact pairs against "every lecturer teaches every group", the update of what changed
// only, row errors with nothing applied, the template and the web flow, and the API — on SQLite
// and PostgreSQL.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { systemActor } from '../../access.js';
import { readSheetRows } from '../../lib/spreadsheets.js';
import { buildTestApp } from '../../../test/build-test-app.js';
import { createApiToken, createUser, TEST_PASSWORD } from '../../../test/factories.js';
import { importApp } from '../../../test/fixtures/spreadsheets/import-app.js';
import { csvFile, xlsxFile, type Cell } from '../../../test/fixtures/spreadsheets/people.js';
import { Browser } from '../../../test/http.js';
import { testDatabases } from '../../../test/services.js';
import * as groups from '../groups/service.js';
import * as lecturers from '../lecturers/service.js';
import * as subjects from '../subjects/service.js';
import { applyImport, ImportHasErrors, LargeChangeUnconfirmed, planImport, type ImportReport } from './service.js';

type Ctx = Awaited<ReturnType<typeof importApp>>['ctx'];

const IVAN = 'ivan.horvat@example.edu';
const ANA = 'ana.petrova@example.edu';
const MILA = 'mila.kos@example.edu';
const HEADER = ['Name', 'Description', 'Groups', 'Lecturers', 'Teaching'];

/** The department the files name: four groups (one archived) and three lecturers. */
async function department(ctx: Ctx) {
  for (const name of ['CS-101', 'CS-102', 'MA-101', 'OLD-1']) await groups.createGroup(ctx, { name });
  const old = (await groups.groupIdsByName(ctx)).get('old-1')!;
  await groups.archiveGroup(ctx, old.id);
  const emails = new Map<number, string>();
  for (const [firstName, lastName, email] of [
    ['Ivan', 'Horvat', IVAN],
    ['Ana', 'Petrova', ANA],
    ['Mila', 'Kos', MILA],
  ] as const)
    emails.set((await lecturers.createLecturer(ctx, { firstName, lastName, email })).lecturer.id, email);
  return { emails };
}

function inTransaction<T>(ctx: Ctx, work: (tx: Ctx) => Promise<T>): Promise<T> {
  return ctx.db.transaction().execute((trx) => work({ ...ctx, db: trx }));
}

async function subjectNamed(ctx: Ctx, name: string) {
  const found = (await subjects.listSubjects(ctx, { q: name })).items.find((s) => s.name === name);
  assert.ok(found, `the subject ${name} exists`);
  return found;
}

/** A subject's teaching as "GROUP: e-mail" lines, sorted. */
async function teachingOf(ctx: Ctx, emails: ReadonlyMap<number, string>, name: string): Promise<string[]> {
  const subject = await subjectNamed(ctx, name);
  return subject.teaching.map((t) => `${subject.groups.find((g) => g.id === t.groupId)!.name}: ${emails.get(t.lecturerId)}`).sort();
}

async function subjectState(ctx: Ctx) {
  const rows = await ctx.db.selectFrom('subjects').select(['id', 'name', 'description', 'updatedAt']).orderBy('id').execute();
  const teaching = await ctx.db.selectFrom('teaching').select(['subjectId', 'groupId', 'lecturerId']).orderBy('id').execute();
  const taken = await ctx.db.selectFrom('subjectGroups').select(['subjectId', 'groupId']).orderBy('subjectId').orderBy('groupId').execute();
  const audit = await ctx.db.selectFrom('auditLog').select(['action', 'entityId']).where('entity', '=', 'subject').orderBy('id').execute();
  return { rows, teaching, taken, audit };
}

function issuesOf(report: ImportReport) {
  return report.errors.map((e) => ({ row: e.row, column: e.column, code: e.code }));
}

const termOne: Cell[][] = [
  ['Databases', 'Relational design and **SQL**.', 'CS-101; CS-102', `${IVAN}; ${ANA}`, `CS-101: ${IVAN}; CS-102: ${ANA}`],
  ['Algebra', 'Groups and rings.', 'MA-101', ANA, ''],
  ['Networks', '', 'cs-101, CS-102', IVAN, null],
];

async function importTermOne(ctx: Ctx) {
  await inTransaction(ctx, (tx) => applyImport(tx, 'subjects', { bytes: csvFile(HEADER, termOne), filename: 'term.csv' }));
}

for (const database of await testDatabases()) {
  describe(`subject imports on ${database}`, () => {
    test('a dry run reports the new subjects and writes nothing; applying creates them with the Teaching column’s pairs', async (t) => {
      const { ctx } = await importApp(t, database);
      const { emails } = await department(ctx);
      const file = { bytes: await xlsxFile(HEADER, termOne), filename: 'term.xlsx' };
      const before = await subjectState(ctx);

      const report = await planImport(ctx, 'subjects', file);
      assert.deepEqual(report.errors, []);
      assert.deepEqual(report.counts, { create: 3, update: 0, unchanged: 0, rowsWithErrors: 0 });
      assert.deepEqual(
        report.creates.map((c) => [c.row, c.label]),
        [
          [2, 'Databases'],
          [3, 'Algebra'],
          [4, 'Networks'],
        ],
      );
      assert.equal(report.canApply, true);
      assert.deepEqual(await subjectState(ctx), before, 'the dry run wrote nothing');

      const result = await inTransaction(ctx, (tx) => applyImport(tx, 'subjects', file, { expectedPlanHash: report.planHash }));
      assert.deepEqual(result.credentials, [], 'subjects have no accounts');
      // The Teaching column gives Databases two pairs, not four; an empty cell gives every pair.
      assert.deepEqual(await teachingOf(ctx, emails, 'Databases'), [`CS-101: ${IVAN}`, `CS-102: ${ANA}`]);
      assert.deepEqual(await teachingOf(ctx, emails, 'Algebra'), [`MA-101: ${ANA}`]);
      assert.deepEqual(await teachingOf(ctx, emails, 'Networks'), [`CS-101: ${IVAN}`, `CS-102: ${IVAN}`]);
      const databases = await subjectNamed(ctx, 'Databases');
      assert.equal(databases.description, 'Relational design and **SQL**.');
      assert.deepEqual(
        databases.groups.map((g) => g.name),
        ['CS-101', 'CS-102'],
      );
      // Audited as the subjects service audits: each created, and Databases' finer teaching as an update.
      const { audit } = await subjectState(ctx);
      assert.deepEqual(
        audit.map((a) => a.action),
        ['subject.created', 'subject.updated', 'subject.created', 'subject.created'],
      );
      const narrowed = await ctx.db.selectFrom('auditLog').select('after').where('action', '=', 'subject.updated').executeTakeFirstOrThrow();
      assert.match(String(narrowed.after), /CS-101: Horvat Ivan; CS-102: Petrova Ana/);
    });

    test('a second import updates descriptions and teaching, shows the diff, and leaves unchanged subjects alone', async (t) => {
      const { ctx } = await importApp(t, database);
      const { emails } = await department(ctx);
      await importTermOne(ctx);
      const before = await subjectState(ctx);
      const algebra = before.rows.find((r) => r.name === 'Algebra')!;
      const termTwo: Cell[][] = [
        ['Databases', 'Relational design, **SQL** and transactions.', 'CS-101; CS-102', `${IVAN}; ${ANA}`, `CS-101: ${IVAN}, ${ANA}; CS-102: ${ANA}`],
        ['Algebra', 'Groups and rings.', 'MA-101', ANA, ''],
        ['Networks', '', 'CS-102; CS-101', IVAN, ''],
        ['Statistics', '', 'MA-101', MILA, `MA-101: ${MILA}`],
      ];
      const file = { bytes: await xlsxFile(HEADER, termTwo), filename: 'term-2.xlsx' };

      const report = await planImport(ctx, 'subjects', file);
      assert.deepEqual(report.errors, []);
      assert.deepEqual(report.counts, { create: 1, update: 1, unchanged: 2, rowsWithErrors: 0 });
      const [update] = report.updates;
      assert.equal(update!.label, 'Databases');
      assert.deepEqual(
        update!.changes.map((c) => [c.column, c.before, c.after]),
        [
          ['Description', 'Relational design and **SQL**.', 'Relational design, **SQL** and transactions.'],
          ['Teaching', `CS-101: Horvat Ivan <${IVAN}>; CS-102: Petrova Ana <${ANA}>`, `CS-101: Horvat Ivan <${IVAN}>, Petrova Ana <${ANA}>; CS-102: Petrova Ana <${ANA}>`],
        ],
      );
      assert.deepEqual(await subjectState(ctx), before, 'the dry run wrote nothing');

      // One of three subjects is more than a fifth: the large change needs its confirmation.
      assert.equal(report.largeChange, true);
      await assert.rejects(
        inTransaction(ctx, (tx) => applyImport(tx, 'subjects', file)),
        LargeChangeUnconfirmed,
      );
      await inTransaction(ctx, (tx) => applyImport(tx, 'subjects', file, { confirmLargeChange: true, expectedPlanHash: report.planHash }));
      assert.equal((await subjectNamed(ctx, 'Databases')).description, 'Relational design, **SQL** and transactions.');
      assert.deepEqual(await teachingOf(ctx, emails, 'Databases'), [`CS-101: ${ANA}`, `CS-101: ${IVAN}`, `CS-102: ${ANA}`]);
      assert.deepEqual(await teachingOf(ctx, emails, 'Statistics'), [`MA-101: ${MILA}`]);
      const after = await subjectState(ctx);
      assert.deepEqual(
        after.rows.find((r) => r.id === algebra.id),
        algebra,
        'Algebra was left alone',
      );
      assert.deepEqual(
        after.audit.slice(before.audit.length).map((a) => a.action),
        ['subject.created', 'subject.updated', 'subject.updated'],
        'Statistics created; Databases described and given its teaching; nothing for Algebra or Networks',
      );

      // The same file again: every row matches.
      const again = await planImport(ctx, 'subjects', file);
      assert.deepEqual(again.counts, { create: 0, update: 0, unchanged: 4, rowsWithErrors: 0 });
      assert.equal(again.canApply, false);
    });

    test('without a Teaching column the lists apply as on the subject’s form; names match whatever their capitals', async (t) => {
      const { ctx } = await importApp(t, database);
      const { emails } = await department(ctx);
      await importTermOne(ctx);
      const file = {
        bytes: csvFile(
          ['Subject', 'Groups', 'Lecturers'],
          [
            ['DATABASES', 'CS-101; CS-102; MA-101', `${IVAN}; ${ANA}`],
            ['Algebra', 'MA-101', ANA],
          ],
        ),
        filename: 'lists.csv',
      };
      const report = await planImport(ctx, 'subjects', file);
      assert.deepEqual(report.errors, []);
      assert.deepEqual(report.counts, { create: 0, update: 1, unchanged: 1, rowsWithErrors: 0 });
      assert.deepEqual(
        report.updates[0]!.changes.map((c) => [c.column, c.before, c.after]),
        [
          ['Subject', 'Databases', 'DATABASES'],
          ['Groups', 'CS-101, CS-102', 'CS-101, CS-102, MA-101'],
        ],
      );
      await inTransaction(ctx, (tx) => applyImport(tx, 'subjects', file, { confirmLargeChange: true }));
      // The finer assignment stays, the new group gets every lecturer; the description is not touched.
      assert.deepEqual(await teachingOf(ctx, emails, 'DATABASES'), [`CS-101: ${IVAN}`, `CS-102: ${ANA}`, `MA-101: ${ANA}`, `MA-101: ${IVAN}`]);
      assert.equal((await subjectNamed(ctx, 'DATABASES')).description, 'Relational design and **SQL**.');
    });

    test('unknown groups and e-mails, teaching outside the row’s lists and duplicate names are row errors, and nothing is applied', async (t) => {
      const { ctx } = await importApp(t, database);
      await department(ctx);
      const archived = await subjects.createSubject(ctx, { name: 'Old Logic' });
      await subjects.archiveSubject(ctx, archived.id);
      const before = await subjectState(ctx);
      const rows: Cell[][] = [
        ['Compilers', 'Fine on its own.', 'CS-101', IVAN, ''], // 2: good, and still not applied
        ['Graphics', '', 'CS-999', IVAN, ''], // 3: unknown group
        ['Robotics', '', 'CS-101', 'nobody@example.edu', ''], // 4: unknown e-mail
        ['Calculus', '', 'CS-101', IVAN, `MA-101: ${IVAN}`], // 5: teaches a group not listed
        ['Geometry', '', 'CS-101', IVAN, `CS-101: ${MILA}`], // 6: a lecturer not listed
        ['compilers', '', 'CS-101', IVAN, ''], // 7: the same name as row 2
        ['Physics', '', 'CS-101', 'Ivan Horvat', ''], // 8: not an e-mail
        ['Chemistry', '', 'CS-101', `${IVAN}; ${ANA}`, `CS-101: ${IVAN}`], // 9: Ana listed, teaching nothing
        ['History', '', 'OLD-1', '', ''], // 10: archived group
        ['Biology', '', '', IVAN, ''], // 11: lecturers without groups
        ['Music', '', 'CS-101', IVAN, `CS-101 ${IVAN}`], // 12: no colon
        ['old logic', '', '', '', ''], // 13: an archived subject
        ['', 'Nameless', 'CS-101', '', ''], // 14: no name
      ];
      const file = { bytes: await xlsxFile(HEADER, rows), filename: 'errors.xlsx' };
      const report = await planImport(ctx, 'subjects', file);
      assert.deepEqual(issuesOf(report), [
        { row: 3, column: 'Groups', code: 'unknown_group' },
        { row: 4, column: 'Lecturers', code: 'unknown_lecturer' },
        { row: 5, column: 'Teaching', code: 'invalid' },
        { row: 6, column: 'Teaching', code: 'invalid' },
        { row: 7, column: 'Name', code: 'duplicate_in_file' },
        { row: 8, column: 'Lecturers', code: 'invalid' },
        { row: 9, column: 'Teaching', code: 'invalid' },
        { row: 10, column: 'Groups', code: 'archived_group' },
        { row: 11, column: 'Lecturers', code: 'invalid' },
        { row: 12, column: 'Teaching', code: 'invalid' },
        { row: 13, column: 'Name', code: 'archived_record' },
        { row: 14, column: 'Name', code: 'missing' },
      ]);
      const message = (row: number) => report.errors.find((e) => e.row === row)!.message;
      assert.match(message(3), /There is no group named "CS-999"; create it on the Groups page first, or correct the name/);
      assert.match(message(4), /No lecturer has the e-mail nobody@example\.edu; add the lecturer on the Lecturers page/);
      assert.match(message(5), /gives the group MA-101, which is not in the Groups cell; add it there/);
      assert.match(message(6), /gives mila\.kos@example\.edu, who is not in the Lecturers cell/);
      assert.match(message(7), /is also on row 2; keep one row per subject/);
      assert.match(message(8), /"Ivan Horvat" is not an e-mail/);
      assert.match(message(9), /ana\.petrova@example\.edu is in the Lecturers cell but teaches no group in the Teaching cell/);
      assert.match(message(11), /fill in the Groups cell, or leave Lecturers empty/);
      assert.match(message(12), /Write each assignment as a group, a colon and its lecturers' e-mails/);
      assert.match(message(13), /archived subject \(Old Logic\); restore the record first/);
      assert.equal(report.canApply, false);

      await assert.rejects(
        inTransaction(ctx, (tx) => applyImport(tx, 'subjects', file)),
        ImportHasErrors,
      );
      assert.deepEqual(await subjectState(ctx), before, 'not even the good row was applied');

      // The lists are part of every row: a file without them is refused as a whole.
      const partial = await planImport(ctx, 'subjects', { bytes: csvFile(['Name', 'Lecturers'], [['Compilers', IVAN]]), filename: 'partial.csv' });
      assert.deepEqual(issuesOf(partial), [{ row: null, column: 'Groups', code: 'missing_column' }]);
    });

    test('web: the template downloads with an example row; the filled-in file goes through the dry run to the confirmation', async (t) => {
      const { app, ctx } = await importApp(t, database);
      const { emails } = await department(ctx);
      const admin = await createUser(ctx, { role: 'admin' });
      const browser = new Browser(app);
      await browser.signIn(admin.username, TEST_PASSWORD);

      const page = await browser.get('/admin/imports?kind=subjects');
      assert.match(page.body, /href="\/admin\/imports\/template\/subjects"/);
      assert.match(page.body, /id="kind-subjects" value="subjects" checked/);
      const template = await browser.get('/admin/imports/template/subjects');
      assert.equal(template.statusCode, 200);
      assert.match(String(template.headers['content-disposition']), /attachment; filename="fms-subjects-template.xlsx"/);
      assert.equal(template.headers['x-content-type-options'], 'nosniff');
      const sheet = await readSheetRows({ bytes: template.rawPayload, filename: 't.xlsx' }, { maxRows: 10 });
      assert.deepEqual(sheet.headers, HEADER);
      assert.deepEqual(sheet.rows[0]!.cells, {
        Name: 'Databases',
        Description: 'Relational design and SQL. **Lab:** Tuesdays.',
        Groups: 'CS-101; CS-102',
        Lecturers: `${IVAN}; ${ANA}`,
        Teaching: `CS-101: ${IVAN}; CS-102: ${ANA}`,
      });

      // The template as it comes (its example row names this department's groups and lecturers).
      const token = await browser.csrfToken('/admin/imports');
      const boundary = `----fms${Math.random().toString(16).slice(2)}`;
      const payload = Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${token}\r\n`),
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nsubjects\r\n`),
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="subjects.xlsx"\r\nContent-Type: application/octet-stream\r\n\r\n`),
        template.rawPayload,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      const uploaded = await app.inject({
        method: 'POST',
        url: '/admin/imports',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
        payload,
      });
      assert.equal(uploaded.statusCode, 303, uploaded.body.slice(0, 300));
      const reportUrl = String(uploaded.headers.location);
      const report = await browser.get(reportUrl);
      assert.match(report.body, /Import subjects: dry run/);
      assert.match(report.body, /data-testid="count-create">1</);
      assert.match(report.body, /New subjects \(1\)</);
      assert.doesNotMatch(report.body, /sign-in account/);
      assert.equal((await subjects.listSubjects(ctx, {})).items.length, 0, 'the dry run changed nothing');

      const planHash = /name="planHash" value="([0-9a-f]{64})"/.exec(report.body)?.[1];
      assert.ok(planHash);
      assert.equal((await browser.post(`${reportUrl}/confirm`, { planHash }, { from: reportUrl })).statusCode, 303);
      const applied = await browser.get(reportUrl);
      assert.match(applied.body, /data-testid="applied"/);
      assert.doesNotMatch(applied.body, /credentials sheet/, 'no credentials for subjects');
      assert.deepEqual(await teachingOf(ctx, emails, 'Databases'), [`CS-101: ${IVAN}`, `CS-102: ${ANA}`]);

      // Admins only.
      const lecturer = await createUser(ctx, { role: 'lecturer' });
      const lecturerBrowser = new Browser(app);
      await lecturerBrowser.signIn(lecturer.username, TEST_PASSWORD);
      assert.equal((await lecturerBrowser.get('/admin/imports/template/subjects')).statusCode, 403);
    });

    test('API: /api/v1/imports/subjects plans with dryRun=true and applies every row or none, admins only', async (t) => {
      const built = await buildTestApp(t, { database });
      const { app } = built;
      const ctx = { ...built.ctx, actor: systemActor } as Ctx;
      const { emails } = await department(ctx);
      const admin = await createUser(ctx, { role: 'admin' });
      const adminToken = await createApiToken(ctx, admin.id);
      const lecturerToken = await createApiToken(ctx, (await createUser(ctx, { role: 'lecturer' })).id);
      const csv = csvFile(['Name', 'Groups', 'Lecturers', 'Teaching'], [['Operating Systems', 'CS-101; CS-102', `${IVAN}; ${ANA}`, `CS-101: ${IVAN}; CS-102: ${ANA}`]], ',');
      const send = (app_: FastifyInstance, token: string, query: string) => {
        const boundary = `----fms-test-${Math.random().toString(16).slice(2)}`;
        const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="subjects.csv"\r\nContent-Type: text/csv\r\n\r\n`;
        return app_.inject({
          method: 'POST',
          url: `/api/v1/imports/subjects${query}`,
          headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, authorization: `Bearer ${token}` },
          payload: Buffer.concat([Buffer.from(head), csv, Buffer.from(`\r\n--${boundary}--\r\n`)]),
        });
      };

      assert.equal((await send(app, lecturerToken, '?dryRun=true')).statusCode, 403);
      const dry = await send(app, adminToken, '?dryRun=true');
      assert.equal(dry.statusCode, 200, dry.body);
      assert.equal(dry.json().applied, false);
      assert.deepEqual(dry.json().report.counts, { create: 1, update: 0, unchanged: 0, rowsWithErrors: 0 });
      assert.equal((await subjects.listSubjects(ctx, {})).items.length, 0, 'the dry run wrote nothing');

      const applied = await send(app, adminToken, `?planHash=${dry.json().report.planHash}`);
      assert.equal(applied.statusCode, 200, applied.body);
      assert.equal(applied.json().applied, true);
      assert.deepEqual(applied.json().accounts, []);
      assert.deepEqual(await teachingOf(ctx, emails, 'Operating Systems'), [`CS-101: ${IVAN}`, `CS-102: ${ANA}`]);
    });
  });
}
