// The generated department (`fms seed-demo --scale`): the documented sizes, the same department for
// the same seed, the records, accounts, audit entries and imports the services write, no published
// password anywhere, and a database with accounts left as it was.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { openTestDatabase } from '../../test/build-test-app.js';
import { waitingPerLecturer } from '../../test/query-pages.js';
import { testDatabases } from '../../test/services.js';
import { systemActor } from '../access.js';
import { loadConfig } from '../config/index.js';
import type { ServiceContext } from '../context.js';
import { migrateOrThrow } from '../db/migrator.js';
import { createAccount, listAccounts } from '../features/accounts/service.js';
import { actorFromUser } from '../features/auth/service.js';
import { getDashboard } from '../features/dashboard/service.js';
import { createGroup } from '../features/groups/service.js';
import { createLecturer } from '../features/lecturers/service.js';
import { CreateNewsInput } from '../features/news/schemas.js';
import { newsSummary } from '../features/news/service.js';
import { createStudent } from '../features/students/service.js';
import { ManualClock } from '../lib/clock.js';
import { Conflict, Invalid } from '../lib/errors.js';
import { isOneTimeHash, verifyPassword } from '../lib/passwords.js';
import { usernameBase } from '../lib/people.js';
import { validate } from '../lib/validation.js';
import { createStorage } from '../storage/index.js';
import { demoAccountsWithPublishedPasswords } from './demo-accounts.js';
import { planDepartment } from './scale-department.js';
import { planNews } from './scale-news.js';
import { demoScales, EXERCISES_PER_SUBJECT, seedDepartmentAtScale, type DemoScale } from './scale.js';

const quietLog = { info() {}, warn() {}, error() {}, debug() {} };

async function emptySite(t: TestContext, database: 'sqlite' | 'postgres') {
  const { db } = await openTestDatabase(t, database);
  await migrateOrThrow(db);
  const uploads = mkdtempSync(join(tmpdir(), 'fms-scale-'));
  t.after(() => rmSync(uploads, { recursive: true, force: true }));
  const config = loadConfig({ FMS_CONFIG: 'testing', UPLOAD_FOLDER: uploads, LOG_LEVEL: 'silent' }, { dotenvDir: false });
  const storage = createStorage(config);
  t.after(() => storage.close());
  const ctx: ServiceContext = { db, actor: null, clock: new ManualClock('2026-12-05T09:00:00.000Z'), config, log: quietLog, ip: null, storage };
  return { db, ctx, storage };
}

async function seeded(t: TestContext, database: 'sqlite' | 'postgres', seed?: number, scale: DemoScale = 'small') {
  const site = await emptySite(t, database);
  const result = await seedDepartmentAtScale(site.ctx, { scale, seed });
  return { ...site, result };
}

/** The people and groups as a reader sees them, without the ids and timestamps that differ between databases. */
async function department(db: ServiceContext['db']) {
  const groups = await db.selectFrom('groups').select(['name', 'description', 'archived']).orderBy('name').execute();
  const students = await db
    .selectFrom('students')
    .leftJoin('groups', 'groups.id', 'students.groupId')
    .leftJoin('users', 'users.studentId', 'students.id')
    .select([
      'students.studentNumber',
      'students.firstName',
      'students.lastName',
      'students.patronymic',
      'students.birthDate',
      'students.email',
      'students.phone',
      'students.address',
      'students.archived',
      'students.searchText',
      'students.sortName',
      'groups.name as groupName',
      'users.username',
    ])
    .orderBy('students.studentNumber')
    .execute();
  const lecturers = await db
    .selectFrom('lecturers')
    .select(['email', 'firstName', 'lastName', 'patronymic', 'academicDegree', 'position', 'phone', 'isAdmin', 'archived'])
    .orderBy('email')
    .execute();
  const news = await db
    .selectFrom('news')
    .leftJoin('users', 'users.id', 'news.authorId')
    .select(['news.category', 'news.title', 'news.body', 'news.summary', 'news.audience', 'news.publishedAt', 'news.updatedAt', 'users.username as author'])
    .orderBy('news.publishedAt')
    .execute();
  const newsGroups = await db
    .selectFrom('newsGroups')
    .innerJoin('news', 'news.id', 'newsGroups.newsId')
    .innerJoin('groups', 'groups.id', 'newsGroups.groupId')
    .select(['news.publishedAt', 'groups.name'])
    .orderBy('news.publishedAt')
    .orderBy('groups.name')
    .execute();
  return { groups, students, lecturers, news, newsGroups };
}

type Counted = 'users' | 'students' | 'groups' | 'lecturers' | 'auditLog' | 'imports' | 'subjects' | 'exercises' | 'news';
const count = async (db: ServiceContext['db'], table: Counted) => Number((await db.selectFrom(table as 'users').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

for (const database of await testDatabases()) {
  describe(`a generated department (seed-demo --scale) on ${database}`, () => {
    test('small has the documented sizes, every person an account, an audit trail, an import history and teaching for every group', async (t) => {
      const { db, result, storage } = await seeded(t, database);
      const size = demoScales.small;
      assert.deepEqual({ students: result.students, groups: result.groups, lecturers: result.lecturers, subjects: result.subjects }, { students: size.students, groups: size.groups, lecturers: size.lecturers, subjects: size.subjects });
      assert.deepEqual(size, { students: 500, groups: 20, lecturers: 30, subjects: 120, submissions: 5_000, news: 100 });
      assert.equal(await count(db, 'students'), 500);
      assert.equal(await count(db, 'groups'), 20);
      assert.equal(await count(db, 'lecturers'), 30);
      assert.equal(await count(db, 'users'), 531, 'one account per student and lecturer, and the admin');
      const linked = await db.selectFrom('users').select((eb) => [eb.fn.count('studentId').as('students'), eb.fn.count('lecturerId').as('lecturers')]).executeTakeFirstOrThrow();
      assert.deepEqual([Number(linked.students), Number(linked.lecturers)], [500, 30]);

      const archived = await db.selectFrom('students').select('id').where('archived', '=', true).execute();
      assert.ok(archived.length >= 5 && archived.length <= 25, `a few percent of the students left (${archived.length})`);
      const disabled = await db.selectFrom('users').select('studentId').where('disabled', '=', true).where('studentId', 'is not', null).execute();
      assert.deepEqual(disabled.map((u) => u.studentId).sort(), archived.map((s) => s.id).sort(), 'archiving disabled exactly their accounts');
      assert.ok((await db.selectFrom('lecturers').select('id').where('archived', '=', true).execute()).length >= 1, 'a lecturer left too');

      const actions = await db.selectFrom('auditLog').select(['action']).select((eb) => eb.fn.countAll().as('n')).groupBy('action').execute();
      const audited = Object.fromEntries(actions.map((a) => [a.action, Number(a.n)]));
      assert.equal(audited['student.created'], 500);
      assert.equal(audited['lecturer.created'], 30);
      assert.equal(audited['account.created'], 531);
      assert.equal(audited['group.created'], 20);
      assert.equal(audited['student.archived'], archived.length);
      // 90 days of sign-ins, a twentieth of the students each weekday (scale-sign-ins.ts), tallied for the charts.
      assert.ok(audited['auth.sign_in']! > 90 * 10 && audited['auth.sign_in']! <= 90 * 25, `sign-ins of 90 days (${audited['auth.sign_in']})`);
      const tallied = await db.selectFrom('activityHours').select((eb) => eb.fn.sum<number>('n').as('n')).where('activity', '=', 'sign_in').executeTakeFirstOrThrow();
      assert.equal(Number(tallied.n), audited['auth.sign_in'], 'every sign-in is tallied');
      const theses = await db.selectFrom('theses').select(['status', 'title']).execute();
      assert.equal(theses.length, 250, 'a thesis for every other student');
      assert.ok(theses.some((t) => t.status === 'proposed') && theses.some((t) => /[\u0530-\u058f]/.test(t.title)) && theses.some((t) => /[а-я]/.test(t.title)), 'proposals among them; titles in Armenian and Russian too');
      const imports = await db.selectFrom('imports').innerJoin('files', 'files.id', 'imports.fileId').select(['imports.kind', 'imports.status', 'imports.originalName', 'files.storageKey', 'imports.createdBy']).execute();
      assert.deepEqual(imports.map((i) => [i.kind, i.status, i.originalName]).sort(), [
        ['lecturers', 'applied', 'demo-lecturers-1-of-1.csv'],
        ['students', 'applied', 'demo-students-1-of-1.csv'],
      ]);
      assert.equal(audited['import.applied'], imports.length);
      for (const i of imports) assert.ok(await storage.exists(i.storageKey), `the upload of ${i.originalName} is kept`);
      const admin = await db.selectFrom('users').selectAll().where('username', '=', result.adminUsername).executeTakeFirstOrThrow();
      assert.ok(imports.every((i) => i.createdBy === admin.id), 'the admin ran the imports');

      const groupsWithSubjects = await db.selectFrom('subjectGroups').select('groupId').distinct().execute();
      assert.equal(groupsWithSubjects.length, 20, 'every group takes subjects');
      const teachers = await db.selectFrom('teaching').select('lecturerId').distinct().execute();
      const active = await db.selectFrom('lecturers').select('id').where('archived', '=', false).execute();
      assert.deepEqual(teachers.map((l) => l.lecturerId).sort(), active.map((l) => l.id).sort(), 'every active lecturer teaches, no archived one does');
    });

    test('the teaching work: ten exercises a subject, two generated PDFs each, submissions sent before the seed ran (scored or removed when past due, waiting when open, some with a file), and a busy lecturer', async (t) => {
      const { db, ctx, storage, result } = await seeded(t, database);
      const now = ctx.clock.now().getTime();
      assert.equal(await count(db, 'subjects'), 120);
      assert.equal(await count(db, 'exercises'), 120 * EXERCISES_PER_SUBJECT);
      assert.deepEqual([result.subjects, result.exercises], [120, 1_200]);
      const sent = await db
        .selectFrom('submissions')
        .innerJoin('exercises', 'exercises.id', 'submissions.exerciseId')
        .select(['submissions.submittedAt', 'submissions.status', 'submissions.score', 'submissions.late', 'submissions.note', 'submissions.dismissReason', 'submissions.attachmentFileId', 'exercises.dueAt'])
        .execute();
      assert.equal(sent.length, result.submissions);
      assert.ok(sent.length > 4_000 && sent.length < 6_000, `about 5,000 submissions at small (${sent.length})`);
      for (const s of sent) {
        assert.ok(s.submittedAt.getTime() < now, `sent before the seed ran: ${s.submittedAt.toISOString()}`);
        const past = s.dueAt!.getTime() < now;
        if (past) assert.ok(s.status === 'graded' || s.status === 'dismissed', s.status);
        else assert.equal(s.status, 'waiting');
        assert.equal(s.score !== null, s.status === 'graded', 'a score exactly when scored');
        assert.equal(s.dismissReason !== null, s.status === 'dismissed', 'a reason exactly when removed');
        assert.equal(s.late, s.submittedAt.getTime() > s.dueAt!.getTime(), 'late exactly when sent after the due time');
        assert.equal(s.note === 'Sorry for the late answer.', s.late, 'a student apologises exactly when late');
      }
      assert.ok(sent.some((s) => s.late) && sent.some((s) => s.status === 'dismissed'), 'some came late, some were removed');

      const materials = await db.selectFrom('subjectMaterials').innerJoin('files', 'files.id', 'subjectMaterials.fileId').select(['subjectMaterials.subjectId', 'files.storageKey', 'files.size', 'files.sha256', 'files.contentType']).execute();
      assert.equal(materials.length, 240, 'two materials a subject');
      const attached = await db.selectFrom('submissions').innerJoin('files', 'files.id', 'submissions.attachmentFileId').select(['files.storageKey', 'files.size', 'files.sha256', 'files.contentType', 'files.uploadedBy', 'submissions.studentId']).execute();
      assert.ok(attached.length > 100 && attached.length < 500, `about one submission in twenty has a file (${attached.length})`);
      assert.equal(result.files, materials.length + attached.length);
      for (const file of [...materials.slice(0, 3), ...attached.slice(0, 3)]) {
        const { stream } = await storage.get(file.storageKey);
        const bytes = Buffer.concat(await stream.toArray());
        assert.equal(bytes.length, file.size);
        assert.equal(createHash('sha256').update(bytes).digest('hex'), file.sha256, 'the recorded SHA-256 is the stored bytes');
        assert.equal(file.contentType, 'application/pdf');
        assert.match(bytes.toString('latin1'), /^%PDF-1\.4\n[\s\S]*startxref\n\d+\n%%EOF\n$/);
      }
      const owner = await db.selectFrom('users').select('studentId').where('id', '=', attached[0]!.uploadedBy!).executeTakeFirstOrThrow();
      assert.equal(owner.studentId, attached[0]!.studentId, "a sent file is the student's upload");

      // The Waiting Room of each lecturer, by the page's rule (waitingRoomScope): the busiest holds
      // four times the share of the others.
      const queues = await waitingPerLecturer(db).execute();
      const sizes = queues.map((q) => Number(q.waiting)).sort((a, b) => b - a);
      assert.ok(sizes[0]! >= 2 * sizes[1]!, `one lecturer is far busier than the next (${sizes.slice(0, 3).join(', ')})`);
    });

    test('three years of news for every audience, by admins, and by lecturers to groups they teach only, as the news service would take them', async (t) => {
      const { db, ctx, result } = await seeded(t, database);
      const now = ctx.clock.now().getTime();
      assert.equal(result.news, 100);
      assert.equal(await count(db, 'news'), 100);
      const news = await db
        .selectFrom('news')
        .innerJoin('users', 'users.id', 'news.authorId')
        .select(['news.id', 'news.category', 'news.title', 'news.body', 'news.summary', 'news.audience', 'news.publishedAt', 'news.createdAt', 'news.updatedAt', 'news.coverFileId', 'news.audioFileId', 'users.isAdmin', 'users.lecturerId'])
        .orderBy('news.id')
        .execute();
      assert.equal(news.length, 100, 'every article has an author');
      const groupsOf = new Map<number, number[]>();
      for (const row of await db.selectFrom('newsGroups').select(['newsId', 'groupId']).execute()) groupsOf.set(row.newsId, [...(groupsOf.get(row.newsId) ?? []), row.groupId]);
      const audiences = new Map<string, number>();
      for (const a of news) audiences.set(a.audience, (audiences.get(a.audience) ?? 0) + 1);
      assert.deepEqual([...audiences.keys()].sort(), ['everyone', 'groups', 'lecturers', 'public', 'students'], 'every audience has articles');
      assert.ok(audiences.get('everyone')! + audiences.get('students')! > 50, `mostly for everyone and for students (${JSON.stringify(Object.fromEntries(audiences))})`);
      const oldest = Math.min(...news.map((a) => a.publishedAt!.getTime()));
      assert.ok(now - oldest > 2 * 365 * 86_400_000 && now - oldest <= 3 * 365 * 86_400_000, `published over the last three years (the oldest ${new Date(oldest).toISOString()})`);
      for (const [i, a] of news.entries()) {
        assert.ok(a.publishedAt!.getTime() < now, 'published before the seed ran');
        if (i > 0) assert.ok(a.publishedAt! > news[i - 1]!.publishedAt!, 'the ids follow the publishing times');
        assert.equal(a.createdAt.getTime(), a.publishedAt!.getTime());
        if (a.updatedAt) assert.ok(a.updatedAt > a.publishedAt! && a.updatedAt.getTime() < now, 'changed after publishing, before the seed ran');
        assert.equal(a.summary, newsSummary(a.body), "the list's summary is the service's");
        assert.deepEqual([a.coverFileId, a.audioFileId], [null, null], 'no files');
        const groups = groupsOf.get(a.id) ?? [];
        validate(CreateNewsInput, { category: a.category, title: a.title, body: a.body, audience: a.audience, groupIds: groups });
        if (a.audience === 'groups') assert.ok(groups.length >= 1 && groups.length <= 3, `one to three groups (${groups.length})`);
        else assert.deepEqual(groups, [], 'groups only for the audience "groups"');
      }
      // The service's rule (news/service.ts checkAudience): a lecturer who is not an admin publishes
      // only to groups they teach.
      const teaching = await db.selectFrom('teaching').select(['lecturerId', 'groupId']).execute();
      const teaches = new Set(teaching.map((row) => `${row.lecturerId}:${row.groupId}`));
      const byLecturers = news.filter((a) => !a.isAdmin && a.lecturerId !== null);
      assert.ok(byLecturers.length >= 3, `lecturers wrote some (${byLecturers.length})`);
      for (const a of byLecturers) {
        assert.equal(a.audience, 'groups', `a lecturer's article "${a.title}" is for groups`);
        for (const groupId of groupsOf.get(a.id)!) assert.ok(teaches.has(`${a.lecturerId}:${groupId}`), `the lecturer of "${a.title}" teaches group ${groupId}`);
      }
      assert.ok(news.some((a) => a.isAdmin && a.audience === 'groups'), 'admins write to groups too');
    });

    test("each role's dashboard has content, and the accounts list shows the generated accounts", async (t) => {
      const { db, ctx } = await seeded(t, database);
      const user = (where: 'studentId' | 'lecturerId') =>
        db
          .selectFrom('users')
          .selectAll()
          .where(where, 'is not', null)
          .where('disabled', '=', false)
          .where('isAdmin', '=', false)
          .orderBy('id')
          .executeTakeFirstOrThrow();
      const lecturer = await getDashboard({ ...ctx, actor: actorFromUser(await user('lecturerId')) });
      assert.ok(lecturer.kind === 'lecturer' && lecturer.subjects.length > 0, 'a lecturer sees what they teach');
      const student = await getDashboard({ ...ctx, actor: actorFromUser(await user('studentId')) });
      assert.ok(student.kind === 'student' && student.subjects.length >= 6, "a student sees their group's subjects");
      const admin = await db.selectFrom('users').selectAll().where('role', '=', 'admin').executeTakeFirstOrThrow();
      const adminCtx = { ...ctx, actor: actorFromUser(admin) };
      const dashboard = await getDashboard(adminCtx);
      assert.ok(dashboard.kind === 'admin' && dashboard.recent.length > 0, 'the admin sees recent activity');

      const someone = await db.selectFrom('students').innerJoin('users', 'users.studentId', 'students.id').select(['students.lastName', 'users.username', 'users.displayName', 'students.firstName']).orderBy('students.id', 'desc').executeTakeFirstOrThrow();
      const listed = await listAccounts(adminCtx, { q: someone.username });
      const row = listed.rows.find((r) => r.username === someone.username);
      assert.ok(row, 'the account is listed');
      assert.equal(row.displayName, `${someone.firstName} ${someone.lastName}`);
      assert.equal(row.mustChangePassword, true, 'a generated account waits for its holder to choose a password');
      assert.equal((await listAccounts(adminCtx, {})).total, 531);
    });

    test('the same seed gives the same department; another seed another one', async (t) => {
      const first = await seeded(t, database, 7);
      const again = await seeded(t, database, 7);
      const other = await seeded(t, database, 8);
      const a = await department(first.db);
      assert.deepEqual(await department(again.db), a);
      const b = await department(other.db);
      assert.notDeepEqual(
        b.students.map((s) => [s.firstName, s.lastName]),
        a.students.map((s) => [s.firstName, s.lastName]),
      );
      assert.equal(b.students.length, a.students.length, 'the sizes stay');
      // Names from several languages, with their diacritics and scripts.
      const names = a.students.map((s) => `${s.firstName} ${s.lastName}`).join(' ');
      assert.match(names, /[čćšžđ]/i);
      assert.match(names, /[\u0400-\u04FF]/u, 'Cyrillic names');
      assert.match(names, /[äöüß]/i);
      assert.ok(a.students.some((s) => s.patronymic !== ''), 'some have a patronymic');
      assert.ok(a.students.some((s) => s.phone) && a.students.some((s) => s.address), 'phones and addresses');
      assert.ok(a.groups.every((g) => g.description.length > 0), 'groups are described');
      assert.equal(a.news.length, 100);
      assert.notDeepEqual(
        b.news.map((n) => n.title),
        a.news.map((n) => n.title),
        'another seed publishes other news',
      );
    });

    test('the stored derived columns are what the services store for the same input', async (t) => {
      const { db } = await seeded(t, database);
      const fresh = await emptySite(t, database);
      const system = { ...fresh.ctx, actor: systemActor };
      const student = await db
        .selectFrom('students')
        .leftJoin('groups', 'groups.id', 'students.groupId')
        .leftJoin('users', 'users.studentId', 'students.id')
        .selectAll('students')
        .select(['groups.name as groupName', 'groups.description as groupDescription', 'users.username', 'users.displayName'])
        .where('students.patronymic', '!=', '')
        .where('students.phone', 'is not', null)
        .orderBy('students.id')
        .executeTakeFirstOrThrow();
      const group = await createGroup(system, { name: student.groupName!, description: student.groupDescription! });
      const input = {
        studentNumber: student.studentNumber,
        firstName: student.firstName,
        lastName: student.lastName,
        patronymic: student.patronymic,
        birthDate: student.birthDate ?? '',
        email: student.email ?? '',
        phone: student.phone ?? '',
        address: student.address ?? '',
        groupId: group.id,
      };
      const created = await createStudent(system, input);
      const stored = await fresh.db.selectFrom('students').selectAll().where('id', '=', created.student.id).executeTakeFirstOrThrow();
      for (const column of ['searchText', 'teachingSearchText', 'sortName', 'firstName', 'lastName', 'patronymic', 'email', 'phone', 'address', 'birthDate', 'studentNumber'] as const)
        assert.equal(student[column], stored[column], `students.${column}`);
      assert.ok(student.username!.startsWith(usernameBase(student.firstName, student.lastName)), `the username ${student.username} is made from the name`);
      assert.equal(student.displayName, `${student.firstName} ${student.lastName}`);

      const lecturer = await db.selectFrom('lecturers').selectAll().where('phone', 'is not', null).orderBy('id').executeTakeFirstOrThrow();
      const made = await createLecturer(system, {
        firstName: lecturer.firstName,
        lastName: lecturer.lastName,
        patronymic: lecturer.patronymic,
        academicDegree: lecturer.academicDegree,
        position: lecturer.position,
        email: lecturer.email ?? '',
        phone: lecturer.phone ?? '',
        address: lecturer.address ?? '',
        isAdmin: lecturer.isAdmin,
      });
      const kept = await fresh.db.selectFrom('lecturers').selectAll().where('id', '=', made.lecturer.id).executeTakeFirstOrThrow();
      for (const column of ['searchText', 'sortName', 'email', 'phone', 'address', 'academicDegree', 'position'] as const) assert.equal(lecturer[column], kept[column], `lecturers.${column}`);
    });

    test('no account has a published password: every one is a random one-time password, the printed admin one included', async (t) => {
      const { db, result } = await seeded(t, database);
      const users = await db.selectFrom('users').select(['username', 'passwordHash', 'mustChangePassword']).execute();
      assert.ok(users.every((u) => isOneTimeHash(u.passwordHash) && u.mustChangePassword), 'one-time passwords, to be replaced at the first sign-in');
      assert.deepEqual(await demoAccountsWithPublishedPasswords({ db }), []);
      const admin = users.find((u) => u.username === result.adminUsername)!;
      assert.ok(await verifyPassword(admin.passwordHash, result.adminPassword), 'the returned admin password signs in');
      const again = await seeded(t, database);
      assert.notEqual(again.result.adminPassword, result.adminPassword, 'the admin password is random, not drawn from the seed');
    });

    test('a database that has accounts is refused and left as it was', async (t) => {
      const { db, ctx, storage } = await emptySite(t, database);
      await createAccount({ ...ctx, actor: systemActor }, { username: 'registrar', role: 'admin' });
      const before = await Promise.all((['users', 'groups', 'students', 'auditLog', 'imports'] as const).map((table) => count(db, table)));
      await assert.rejects(seedDepartmentAtScale(ctx, { scale: 'small' }), (error: unknown) => error instanceof Conflict && /already has accounts/.test(error.message));
      assert.deepEqual(await Promise.all((['users', 'groups', 'students', 'auditLog', 'imports'] as const).map((table) => count(db, table))), before);
      const kept: string[] = [];
      for await (const object of storage.list()) kept.push(object.key);
      assert.deepEqual(kept, [], 'no upload was kept');
    });

    test('a scale or seed that is not one names the option and its choices', async (t) => {
      const { ctx, db } = await emptySite(t, database);
      await assert.rejects(seedDepartmentAtScale(ctx, { scale: 'huge' as DemoScale }), (error: unknown) => error instanceof Invalid && /small, medium or large/.test(error.fields.scale ?? ''));
      for (const seed of [-1, 1.5, Number.NaN, 2 ** 31])
        await assert.rejects(seedDepartmentAtScale(ctx, { scale: 'small', seed }), (error: unknown) => error instanceof Invalid && /whole number from 0/.test(error.fields.seed ?? ''));
      assert.equal(await count(db, 'users'), 0);
    });
  });
}

test('the sizes are exact at every scale, with unique student numbers, e-mails and group names, and the news of each', () => {
  assert.deepEqual(Object.fromEntries(Object.entries(demoScales).map(([scale, size]) => [scale, size.news])), { small: 100, medium: 2_000, large: 20_000 }, 'issue 13: 20,000 articles at large');
  for (const [scale, size] of Object.entries(demoScales)) {
    const plan = planDepartment(size, 1);
    assert.equal(plan.students.length, size.students, `${scale}: students`);
    assert.equal(plan.groups.length, size.groups, `${scale}: groups`);
    assert.equal(plan.lecturers.length, size.lecturers, `${scale}: lecturers`);
    assert.equal(new Set(plan.students.map((s) => s.studentNumber)).size, size.students, `${scale}: student numbers are unique`);
    const emails = plan.students.flatMap((s) => (s.email ? [s.email] : []));
    assert.equal(new Set(emails).size, emails.length, `${scale}: e-mails are unique`);
    assert.equal(new Set(plan.groups.map((g) => g.name)).size, size.groups, `${scale}: group names are unique`);
    assert.equal(plan.subjects.length, size.subjects, `${scale}: subjects`);
    assert.equal(new Set(plan.subjects.map((s) => s.name)).size, size.subjects, `${scale}: subject names are unique`);
    const taken = new Set(plan.subjects.flatMap((s) => s.groups));
    assert.equal(taken.size, size.groups, `${scale}: every group takes subjects`);
    const news = planNews(plan, size.news, 1);
    assert.equal(news.length, size.news, `${scale}: news`);
    assert.equal(new Set(news.map((a) => a.ago)).size, size.news, `${scale}: each article at its own time`);
    const teaches = new Set(plan.teaching.map((t) => `${t.lecturer}:${t.group}`));
    for (const a of news)
      if (a.author !== null && !plan.lecturers[a.author]!.isAdmin) assert.ok(a.audience === 'groups' && a.groups.every((g) => teaches.has(`${a.author}:${g}`)), `${scale}: "${a.title}" is for groups its lecturer teaches`);
  }
});
