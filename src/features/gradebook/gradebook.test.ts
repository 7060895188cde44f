// The gradebook of a subject's group: every active student's score or state on each exercise set for
// the group, the averages, the xlsx and csv exports (formula-like text neutralised), who may open it
// (admins, the lecturers who teach the subject to that group; anyone else 404), and that it reads
// the same number of statements whatever the group's size.
import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { systemActor } from '../../access.js';
import type { ServiceContext } from '../../context.js';
import { actorFromUser, findUserById } from '../auth/service.js';
import { databaseSessionStore } from '../auth/session-store.js';
import { createExercise, type ExerciseView } from '../exercises/service.js';
import { dismissSubmission, scoreSubmission, submitExercises } from '../exercises/submissions.js';
import { archiveStudent } from '../students/service.js';
import { createSubject } from '../subjects/service.js';
import { buildTestApp } from '../../../test/build-test-app.js';
import { createGroup, createLecturer, createStudent, createUser, TEST_PASSWORD } from '../../../test/factories.js';
import { Browser } from '../../../test/http.js';
import { pagesApp, signInAsNew } from '../../../test/people/page-helpers.js';
import { listing, QueryLog } from '../../../test/query-log.js';
import { testDatabases, type TestDatabase } from '../../../test/services.js';
import { csvLines, xlsxRows } from '../../../test/sheet-rows.js';

const HOUR = 3_600_000;

/** A service context acting as the account's owner. */
async function actingAs(system: ServiceContext, userId: number): Promise<ServiceContext> {
  const user = await findUserById(system, userId);
  if (!user) throw new Error(`no account ${userId}`);
  return { ...system, actor: actorFromUser(user) };
}

/** Sends the exercise as the student; answers the entry's id and version. */
async function send(student: ServiceContext, exerciseId: number) {
  const { sent } = await submitExercises(student, { exerciseIds: [exerciseId] });
  return sent[0]!;
}

/**
 * Databases, taken by CS-101 and MA-101: Horvat teaches it to both, Petrova to MA-101 only; Ilić
 * teaches another subject. Exercises (set at T0): Keys (due T0+1h, on both groups), Joins (due
 * T0+2d, scores released by hand), "+Indexes (bonus)" (no due time), all for CS-101; Elsewhere for
 * MA-101 only. At T0 Cy (whose surname a spreadsheet would run) and Dora send Keys; two hours later
 * Ana sends Keys (late), Joins and Indexes, and Bo sends Joins. Scores: Ana 5 (Keys) and 3 (Joins),
 * Cy 6, Dora 1 (then archived: she counts no more), an MA-101 student 1. Bo's Joins is removed.
 */
async function department(t: TestContext, database: TestDatabase) {
  const built = await pagesApp(t, database);
  const { system, clock, app } = built;
  const sessions = { ...system, sessions: databaseSessionStore(system.db) };
  const cs = await createGroup(system, { name: 'CS-101' });
  const ma = await createGroup(system, { name: 'MA-101' });
  const horvat = await createLecturer(system, { lastName: 'Horvat', firstName: 'Ivan' });
  const petrova = await createLecturer(system, { lastName: 'Petrova', firstName: 'Ana' });
  const ilic = await createLecturer(system, { lastName: 'Ilić', firstName: 'Iva' });
  const subject = await createSubject(system, { name: 'Databases', groupIds: [cs.id, ma.id], lecturerIds: [horvat.lecturer.id, petrova.lecturer.id] });
  // A finer assignment than the subject form makes (every listed lecturer teaches every listed
  // group): as a term's import sets it, which no service offers yet.
  await system.db.deleteFrom('teaching').where('subjectId', '=', subject.id).where('lecturerId', '=', petrova.lecturer.id).where('groupId', '=', cs.id).execute();
  await createSubject(system, { name: 'Algorithms', groupIds: [cs.id], lecturerIds: [ilic.lecturer.id] });

  const ana = await createStudent(system, { studentNumber: 'A-1', lastName: 'Adams', firstName: 'Ana', groupId: cs.id });
  const bo = await createStudent(system, { studentNumber: 'B-2', lastName: 'Brown', firstName: 'Bo', groupId: cs.id });
  const cy = await createStudent(system, { studentNumber: 'C-3', lastName: '=cmd|calc', firstName: 'Cy', groupId: cs.id });
  const dora = await createStudent(system, { studentNumber: 'D-4', lastName: 'Dunn', firstName: 'Dora', groupId: cs.id });
  const mia = await createStudent(system, { studentNumber: 'M-5', lastName: 'Moss', firstName: 'Mia', groupId: ma.id });

  const teacher = await actingAs(system, horvat.account.userId);
  const t0 = clock.now().getTime();
  const at = (ms: number) => new Date(t0 + ms).toISOString();
  const keys = await createExercise(teacher, { subjectId: subject.id, groupIds: [cs.id, ma.id], title: 'Keys', dueAt: at(HOUR) });
  const joins = await createExercise(teacher, { subjectId: subject.id, groupIds: [cs.id], title: 'Joins', dueAt: at(48 * HOUR), scoreRelease: 'manual' });
  const indexes = await createExercise(teacher, { subjectId: subject.id, groupIds: [cs.id], title: '+Indexes (bonus)' });
  await createExercise(teacher, { subjectId: subject.id, groupIds: [ma.id], title: 'Elsewhere', dueAt: at(HOUR) });

  const as = (person: { account: { userId: number } }) => actingAs(system, person.account.userId);
  const cyKeys = await send(await as(cy), keys.id);
  const doraKeys = await send(await as(dora), keys.id);
  const miaKeys = await send(await as(mia), keys.id);
  clock.advance(2 * HOUR);
  const anaKeys = await send(await as(ana), keys.id);
  assert.equal(anaKeys.late, true);
  const anaJoins = await send(await as(ana), joins.id);
  await send(await as(ana), indexes.id);
  const boJoins = await send(await as(bo), joins.id);
  for (const [entry, score] of [
    [anaKeys, 5],
    [cyKeys, 6],
    [doraKeys, 1],
    [miaKeys, 1],
    [anaJoins, 3],
  ] as const)
    await scoreSubmission(teacher, entry.id, { score, version: entry.version });
  await dismissSubmission(teacher, boJoins.id, { reason: 'Wrong file attached', version: boJoins.version });
  await archiveStudent(sessions, dora.student.id);

  const signIn = (account: { username: string; oneTimePassword: string }) => signInAsNew(app, account.username, account.oneTimePassword);
  return {
    ...built,
    subject,
    groups: { cs, ma },
    exercises: { keys, joins, indexes },
    students: { ana, bo, cy },
    horvat: await signIn(horvat.account),
    petrova: await signIn(petrova.account),
    ilic: await signIn(ilic.account),
    anaBrowser: await signIn(ana.account),
  };
}

/** Text without its tags and entities, whitespace collapsed. */
function text(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&#34;|&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The gradebook table's student rows as the page shows them: each cell's text, by student number. */
function shownRows(body: string): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const [, row] of body.matchAll(/<tr data-student="\d+">([\s\S]*?)<\/tr>/g)) {
    const cells = [...row!.matchAll(/<t[dh]\b[^>]*>([\s\S]*?)<\/t[dh]>/g)].map((m) => text(m[1]!));
    rows.set(cells[0]!, cells.slice(1));
  }
  return rows;
}

/** Each cell's state marker in a student's row (data-state), in column order. */
function shownStates(body: string, studentId: number): string[] {
  const row = new RegExp(`<tr data-student="${studentId}">([\\s\\S]*?)</tr>`).exec(body)?.[1] ?? '';
  return [...row.matchAll(/data-state="([^"]+)"/g)].map((m) => m[1]!);
}

for (const database of await testDatabases()) {
  describe(`the gradebook on ${database}`, () => {
    test("shows each active student's scores and states with the averages; lecturers see scores not yet released, marked", async (t) => {
      const d = await department(t, database);
      const url = `/subjects/${d.subject.id}/gradebook?group=${d.groups.cs.id}`;
      const page = await d.horvat.get(url);
      assert.equal(page.statusCode, 200, page.body);
      assert.match(page.body, /<h1[^>]*>Gradebook: Databases, CS-101<\/h1>/);

      // Columns: the subject's exercises set for the group, by due time, those without one last.
      const head = /<thead[\s\S]*?<\/thead>/.exec(page.body)![0];
      const headers = [...head.matchAll(/<th scope="col"[^>]*>([\s\S]*?)<\/th>/g)].map((m) => text(m[1]!));
      assert.deepEqual(
        headers.map((h) => h.replace(/ \d+ \w{3}$/, '')),
        ['Student number', 'Student', 'Keys', 'Joins †', '+Indexes (bonus)', 'Average'],
        'Elsewhere (MA-101 only) and the other subject are not columns; Joins is marked not released',
      );

      const rows = shownRows(page.body);
      assert.deepEqual([...rows.keys()].sort(), ['A-1', 'B-2', 'C-3'], 'active students only: Dora is archived');
      assert.deepEqual(rows.get('A-1'), ['Adams Ana', '5 late', '3 †', 'waiting', '4.00']);
      assert.deepEqual(rows.get('B-2'), ['Brown Bo', 'overdue', 'removed', '—', '—']);
      assert.deepEqual(rows.get('C-3'), ['=cmd|calc Cy', '6', '—', '—', '6.00']);
      assert.deepEqual(shownStates(page.body, d.students.ana.student.id), ['scored', 'scored', 'waiting']);
      assert.deepEqual(shownStates(page.body, d.students.bo.student.id), ['overdue', 'removed', 'not-sent']);
      const order = [...page.body.matchAll(/<tr data-student="(\d+)">/g)].map((m) => Number(m[1]));
      assert.ok(order.indexOf(d.students.ana.student.id) < order.indexOf(d.students.bo.student.id), 'by name');

      // Bottom row: each exercise's average over its scores (Dora's 1 no longer counts), then the group's over every score.
      const averages = /<tr data-testid="gradebook-averages">([\s\S]*?)<\/tr>/.exec(page.body)![1]!;
      assert.deepEqual(
        [...averages.matchAll(/<t[dh]\b[^>]*>([\s\S]*?)<\/t[dh]>/g)].map((m) => text(m[1]!)),
        ['Average', '5.50', '3.00', '—', '4.67'],
      );
      assert.match(page.body, /data-testid="gradebook-legend"/);
      assert.match(page.body, new RegExp(`href="/subjects/${d.subject.id}/gradebook/export\\.xlsx\\?group=${d.groups.cs.id}"`));
      assert.match(page.body, new RegExp(`href="/subjects/${d.subject.id}/gradebook/export\\.csv\\?group=${d.groups.cs.id}"`));

      // Once released, the mark goes; without ?group the first of the viewer's groups by name.
      await d.system.db.updateTable('exercises').set({ scoresReleasedAt: d.clock.now() }).where('id', '=', d.exercises.joins.id).execute();
      const first = await d.horvat.get(`/subjects/${d.subject.id}/gradebook`);
      assert.equal(first.statusCode, 200);
      assert.match(first.body, /Gradebook: Databases, CS-101/);
      assert.deepEqual(shownRows(first.body).get('A-1'), ['Adams Ana', '5 late', '3', 'waiting', '4.00']);
      // Horvat teaches both groups: he may switch between them.
      assert.match(first.body, new RegExp(`href="/subjects/${d.subject.id}/gradebook\\?group=${d.groups.ma.id}"`));
    });

    test('admins and the lecturers who teach the subject to the group open it; students, other lecturers and other groups are 404', async (t) => {
      const d = await department(t, database);
      const base = `/subjects/${d.subject.id}/gradebook`;
      const cs = `?group=${d.groups.cs.id}`;
      const ma = `?group=${d.groups.ma.id}`;
      assert.equal((await d.admin.get(`${base}${cs}`)).statusCode, 200);
      assert.equal((await d.admin.get(`${base}${ma}`)).statusCode, 200);

      for (const path of ['', '/export.xlsx', '/export.csv']) {
        assert.equal((await d.anaBrowser.get(`${base}${path}${cs}`)).statusCode, 404, `a student of the group: ${path || 'page'}`);
        assert.equal((await d.ilic.get(`${base}${path}${cs}`)).statusCode, 404, `a lecturer of another subject: ${path || 'page'}`);
        assert.equal((await d.petrova.get(`${base}${path}${cs}`)).statusCode, 404, `a lecturer of the subject, not of this group: ${path || 'page'}`);
      }
      const hers = await d.petrova.get(base);
      assert.equal(hers.statusCode, 200, 'without ?group: the first group she teaches it to');
      assert.match(hers.body, /Gradebook: Databases, MA-101/);
      assert.doesNotMatch(hers.body, /data-testid="gradebook-groups"/, 'no other group to switch to');
      assert.deepEqual([...shownRows(hers.body).keys()], ['M-5']);

      assert.equal((await d.horvat.get(`${base}?group=abc`)).statusCode, 404);
      assert.equal((await d.horvat.get(`${base}?group=999999`)).statusCode, 404);
      const twice = await d.horvat.get(`${base}?group=${d.groups.cs.id}&group=${d.groups.ma.id}`);
      assert.equal(twice.statusCode, 422);
      assert.match(twice.body, /Give the group only once/);
      assert.equal((await d.horvat.get(`/subjects/999999/gradebook`)).statusCode, 404);

      // The subject page links each gradebook its viewer may open, and only those.
      const links = async (browser: Browser) =>
        [...(await browser.get(`/subjects/${d.subject.id}`)).body.matchAll(/href="\/subjects\/\d+\/gradebook\?group=(\d+)" data-testid="gradebook-link"/g)].map((m) => Number(m[1])).sort();
      assert.deepEqual(await links(d.admin), [d.groups.cs.id, d.groups.ma.id].sort());
      assert.deepEqual(await links(d.horvat), [d.groups.cs.id, d.groups.ma.id].sort());
      assert.deepEqual(await links(d.petrova), [d.groups.ma.id]);
      assert.deepEqual(await links(d.anaBrowser), []);
    });

    test('exports the same table as xlsx and csv, scores as numbers, formula-like text neutralised', async (t) => {
      const d = await department(t, database);
      const base = `/subjects/${d.subject.id}/gradebook`;
      const today = d.clock.now().toISOString().slice(0, 10);
      const xlsx = await d.horvat.get(`${base}/export.xlsx?group=${d.groups.cs.id}`);
      assert.equal(xlsx.statusCode, 200, xlsx.body);
      assert.equal(xlsx.headers['content-type'], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      assert.match(String(xlsx.headers['content-disposition']), new RegExp(`^attachment; filename="gradebook-databases-cs-101-${today}\\.xlsx"$`));
      assert.equal(xlsx.headers['x-content-type-options'], 'nosniff');
      const rows = await xlsxRows(xlsx.rawPayload);
      assert.deepEqual(rows[0], ['Student number', 'Student', 'Keys', 'Joins (scores not released)', "'+Indexes (bonus)", 'Average']);
      const byNumber = new Map(rows.slice(1).map((r) => [r[0], r]));
      assert.deepEqual(byNumber.get('A-1'), ['A-1', 'Adams Ana', '5', '3', 'waiting', '4']);
      assert.deepEqual(byNumber.get('B-2'), ['B-2', 'Brown Bo', 'overdue', 'removed', '—']);
      assert.deepEqual(byNumber.get('C-3'), ['C-3', "'=cmd|calc Cy", '6', '—', '—', '6'], 'the formula is neutralised');
      assert.deepEqual(rows.at(-1), ['', 'Average', '5.5', '3', '', '4.67']);
      assert.equal(rows.length, 5, 'header, three students, averages');

      const csv = await d.horvat.get(`${base}/export.csv?group=${d.groups.cs.id}`);
      assert.equal(csv.statusCode, 200, csv.body);
      assert.match(String(csv.headers['content-type']), /^text\/csv/);
      assert.match(String(csv.headers['content-disposition']), new RegExp(`filename="gradebook-databases-cs-101-${today}\\.csv"`));
      const lines = csvLines(csv.body);
      assert.equal(lines[0], "Student number,Student,Keys,Joins (scores not released),'+Indexes (bonus),Average");
      assert.ok(lines.includes('A-1,Adams Ana,5,3,waiting,4'), lines.join('\n'));
      assert.ok(lines.includes('B-2,Brown Bo,overdue,removed,—,'), lines.join('\n'));
      assert.ok(lines.includes("C-3,'=cmd|calc Cy,6,—,—,6"), lines.join('\n'));
      assert.equal(lines.at(-1), ',Average,5.5,3,,4.67');
    });

    test('reads the same number of statements for a group of 3 and of 12 students', async (t) => {
      const log = new QueryLog();
      const { app, ctx } = await buildTestApp(t, { database, queryLog: log });
      const system: ServiceContext = { ...ctx, actor: systemActor, storage: app.deps.storage };
      const group = await createGroup(system, { name: 'CS-201' });
      const lecturer = await createLecturer(system, { lastName: 'Horvat' });
      const subject = await createSubject(system, { name: 'Networks', groupIds: [group.id], lecturerIds: [lecturer.lecturer.id] });
      const teacher = await actingAs(system, lecturer.account.userId);
      const exercises: ExerciseView[] = [];
      for (const title of ['One', 'Two', 'Three']) exercises.push(await createExercise(teacher, { subjectId: subject.id, groupIds: [group.id], title }));
      const addStudents = async (n: number) => {
        for (let i = 0; i < n; i++) {
          const made = await createStudent(system, { groupId: group.id });
          const student = await actingAs(system, made.account.userId);
          const first = await send(student, exercises[0]!.id);
          await scoreSubmission(teacher, first.id, { score: 4, version: first.version });
          await send(student, exercises[1]!.id);
        }
      };
      const admin = new Browser(app);
      await admin.signIn((await createUser(ctx, { role: 'admin', username: 'chief' })).username, TEST_PASSWORD);
      const counted = async (path: string) => {
        const { result, statements } = await log.during(() => admin.get(path));
        assert.equal(result.statusCode, 200, result.body);
        return { count: statements.length, listing: listing(statements) };
      };
      const page = `/subjects/${subject.id}/gradebook?group=${group.id}`;
      const csv = `/subjects/${subject.id}/gradebook/export.csv?group=${group.id}`;
      await addStudents(3);
      const small = { page: await counted(page), csv: await counted(csv) };
      await addStudents(9);
      const large = { page: await counted(page), csv: await counted(csv) };
      assert.equal(large.page.count, small.page.count, `the page at 12 students:\n${large.page.listing}\nat 3:\n${small.page.listing}`);
      assert.equal(large.csv.count, small.csv.count, `the export at 12 students:\n${large.csv.listing}`);
      assert.ok(small.page.count <= 9, `at most 9 statements (3 every page sends, the subject in 3, the table in 3):\n${small.page.listing}`);
      assert.equal(csvLines((await admin.get(csv)).body).length, 1 + 12 + 1);
    });
  });
}
