// The people services as every caller (pages, API, imports, CLI) uses them: who sees which records
// and how much of them, accounts made with each record, search, pages, archive, audit.
import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { systemActor, type Actor } from '../../src/access.js';
import type { ServiceContext } from '../../src/context.js';
import { migrateOrThrow } from '../../src/db/migrator.js';
import { actorFromUser, findUserByUsername } from '../../src/features/auth/service.js';
import { databaseSessionStore } from '../../src/features/auth/session-store.js';
import type { SessionStore } from '../../src/session-store.js';
import * as groups from '../../src/features/groups/service.js';
import * as lecturers from '../../src/features/lecturers/service.js';
import * as students from '../../src/features/students/service.js';
import { ManualClock } from '../../src/lib/clock.js';
import { AppError } from '../../src/lib/errors.js';
import { verifyPassword } from '../../src/lib/passwords.js';
import { openTestDatabase, testConfig } from '../build-test-app.js';
import { createGroup, createLecturer, createStudent, teach } from '../factories.js';
import { testDatabases, type TestDatabase } from '../services.js';

const quietLog = { info() {}, warn() {}, error() {}, debug() {} };

async function department(t: TestContext, database: TestDatabase) {
  const { db } = await openTestDatabase(t, database);
  await migrateOrThrow(db);
  const base: ServiceContext & { sessions: SessionStore } = { db, actor: null, clock: new ManualClock(new Date('2026-11-28T12:00:00Z')), config: testConfig(), log: quietLog, ip: '203.0.113.9', sessions: databaseSessionStore(db) };
  const admin = { ...base, actor: systemActor };
  const cs = await createGroup(admin, { name: 'CS-101', description: 'Computer Science' });
  const ma = await createGroup(admin, { name: 'MA-101' });
  const petrova = await createLecturer(admin, { firstName: 'Elena', lastName: 'Petrova', academicDegree: 'PhD', position: 'Professor', email: 'Petrova@FMS.example' });
  const schmidt = await createLecturer(admin, { firstName: 'Anna', lastName: 'Schmidt', academicDegree: 'MSc', email: 'schmidt@fms.example' });
  await teach(admin, petrova.lecturer.id, cs.id);
  const sara = await createStudent(admin, { studentNumber: '2026-0001', firstName: 'Sara', lastName: 'Šarić', birthDate: '2005-04-01', email: 'Sara@Students.example', phone: '+385 1 555 0101', address: 'Ilica 1', groupId: cs.id });
  const ivan = await createStudent(admin, { studentNumber: '2026-0002', firstName: 'Ivan', lastName: 'Horvat', groupId: ma.id, phone: '091 222 333' });
  const as = async (username: string) => ({ ...base, actor: actorFromUser((await findUserByUsername(base, username))!) as Actor });
  return { db, base, admin, cs, ma, petrova, schmidt, sara, ivan, as };
}

async function rejects(promise: Promise<unknown>, status: number, field?: string) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof AppError, `an AppError, got ${String(error)}`);
    assert.equal(error.statusCode, status, error.message);
    if (field) assert.ok(error.fields[field], `a message for ${field}: ${JSON.stringify(error.fields)}`);
    return true;
  });
}

for (const database of await testDatabases()) {
  describe(`people services on ${database}`, () => {
    test('creating a student makes a linked account with a readable username and a one-time password', async (t) => {
      const d = await department(t, database);
      assert.equal(d.sara.account.username, 's.saric', 'transliterated initial and surname');
      const user = (await findUserByUsername(d.base, 's.saric'))!;
      assert.equal(user.studentId, d.sara.student.id);
      assert.equal(user.role, 'student');
      assert.equal(user.mustChangePassword, true);
      assert.ok(await verifyPassword(user.passwordHash, d.sara.account.oneTimePassword), 'the one-time password signs in');
      assert.equal(d.sara.student.email, 'sara@students.example', 'e-mails are kept in lower case');
      const namesake = await students.createStudent(d.admin, { studentNumber: '2026-0003', firstName: 'Stjepan', lastName: 'Sarić' });
      assert.equal(namesake.account.username, 's.saric2', 'a taken username gets the next number');
      const given = await students.createStudent(d.admin, { studentNumber: '2026-0004', firstName: 'Mia', lastName: 'Kos', username: 'Mia.K' });
      assert.equal(given.account.username, 'mia.k');
      assert.equal(d.petrova.account.username, 'e.petrova');
    });

    test("renaming a person renames their account (greeting, accounts list), by form or import; the username stays", async (t) => {
      const d = await department(t, database);
      await students.updateStudent(d.admin, d.sara.student.id, { lastName: 'Horvat' });
      const renamed = (await findUserByUsername(d.base, 's.saric'))!;
      assert.equal(renamed.displayName, 'Sara Horvat');
      const [ivan] = await students.findStudentsForImport(d.admin, { studentNumbers: [d.ivan.student.studentNumber], emails: [] });
      const { id: _id, archived: _archived, ...before } = ivan!;
      await students.updateStudentsInBulk(d.admin, [{ id: d.ivan.student.id, before, changes: { firstName: 'Ivo' } }]);
      assert.equal((await findUserByUsername(d.base, d.ivan.account.username))!.displayName.split(' ')[0], 'Ivo');
      await lecturers.updateLecturer(d.admin, d.petrova.lecturer.id, { firstName: 'Jelena' });
      assert.equal((await findUserByUsername(d.base, 'e.petrova'))!.displayName, 'Jelena Petrova');
    });

    test('bad input names the field and changes nothing', async (t) => {
      const d = await department(t, database);
      const before = await d.db.selectFrom('students').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      await rejects(students.createStudent(d.admin, { studentNumber: '2026-0001', firstName: 'X', lastName: 'Y' }), 409, 'studentNumber');
      await rejects(students.createStudent(d.admin, { studentNumber: '2026-0100', firstName: 'X', lastName: 'Y', email: 'SARA@students.example' }), 409, 'email');
      await rejects(students.createStudent(d.admin, { studentNumber: '2026-0101', firstName: 'X', lastName: 'Y', birthDate: '2005-02-30' }), 422, 'birthDate');
      await rejects(students.createStudent(d.admin, { studentNumber: '2026-0102', firstName: 'X', lastName: 'Y', birthDate: '2030-01-01' }), 422, 'birthDate');
      await rejects(students.createStudent(d.admin, { studentNumber: '2026-0103', firstName: '', lastName: 'Y' }), 422, 'firstName');
      await rejects(students.createStudent(d.admin, { studentNumber: '2026-0104', firstName: 'X', lastName: 'Y', groupId: 9999 }), 422, 'groupId');
      await rejects(students.createStudent(d.admin, { studentNumber: '2026-0105', firstName: 'X', lastName: 'Y', email: 'not an email' }), 422, 'email');
      await rejects(students.createStudent(d.admin, { studentNumber: 'bad number!', firstName: 'X', lastName: 'Y' }), 422, 'studentNumber');
      await groups.archiveGroup(d.admin, d.ma.id);
      await rejects(students.createStudent(d.admin, { studentNumber: '2026-0106', firstName: 'X', lastName: 'Y', groupId: d.ma.id }), 422, 'groupId');
      await rejects(groups.createGroup(d.admin, { name: 'cs-101' }), 409, 'name');
      await rejects(lecturers.createLecturer(d.admin, { firstName: 'A', lastName: 'B', email: 'PETROVA@fms.example' }), 409, 'email');
      // Every problem in one answer, whether the schema or the service's own checks find it.
      const all = await students.createStudent(d.admin, { studentNumber: 'bad number!', firstName: '', lastName: 'Y', birthDate: '2006-02-30', groupId: 9999, email: 'SARA@students.example' }).then(
        () => assert.fail('created'),
        (error: { statusCode: number; fields: Record<string, string> }) => error,
      );
      assert.equal(all.statusCode, 422);
      assert.deepEqual(Object.keys(all.fields).sort(), ['birthDate', 'email', 'firstName', 'groupId', 'studentNumber']);
      const edit = await students.updateStudent(d.admin, d.ivan.student.id, { firstName: '', birthDate: '2099-01-01' }).then(
        () => assert.fail('updated'),
        (error: { fields: Record<string, string> }) => error,
      );
      assert.deepEqual(Object.keys(edit.fields).sort(), ['birthDate', 'firstName']);
      const lecturerAll = await lecturers.createLecturer(d.admin, { firstName: '', lastName: 'B', email: 'PETROVA@fms.example' }).then(
        () => assert.fail('created'),
        (error: { fields: Record<string, string> }) => error,
      );
      assert.deepEqual(Object.keys(lecturerAll.fields).sort(), ['email', 'firstName']);
      const after = await d.db.selectFrom('students').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      assert.equal(Number(after.n), Number(before.n));
    });

    test('a lecturer sees the students of the groups they teach, without private contact data', async (t) => {
      const d = await department(t, database);
      const petrova = await d.as('e.petrova');
      const list = await students.listStudents(petrova, {});
      assert.deepEqual(list.items.map((s) => s.studentNumber), ['2026-0001']);
      const sara = list.items[0]!;
      assert.equal(sara.email, 'sara@students.example', 'the e-mail is what teaching needs');
      for (const field of ['phone', 'address', 'birthDate'] as const) assert.ok(!(field in sara), `${field} is withheld`);
      await rejects(students.getStudent(petrova, d.ivan.student.id), 404);
      assert.deepEqual((await students.listStudents(petrova, { q: '5550101' })).items, [], 'no searching by a phone a lecturer may not see');
      assert.equal((await students.listStudents(petrova, { q: 'sarić' })).items.length, 1);
      assert.equal((await students.listStudents(d.admin, { q: '5550101' })).items.length, 1, 'admins search phones');
      await rejects(students.updateStudent(petrova, d.sara.student.id, { phone: '1' }), 403);
      await rejects(students.createStudent(petrova, { studentNumber: 'x1', firstName: 'a', lastName: 'b' }), 403);
      assert.deepEqual((await groups.listGroups(petrova, {})).items.map((g) => g.name), ['CS-101']);
      const schmidt = await d.as('a.schmidt');
      assert.deepEqual((await students.listStudents(schmidt, {})).items, [], 'a lecturer who teaches no group sees no students');
      assert.deepEqual((await lecturers.listLecturers(petrova, {})).items.map((l) => l.lastName), ['Petrova'], 'a lecturer sees their own record only');
      await rejects(lecturers.getLecturer(petrova, d.schmidt.lecturer.id), 404);
    });

    test('a student sees their own record only, in full', async (t) => {
      const d = await department(t, database);
      const sara = await d.as('s.saric');
      const own = await students.getStudent(sara, d.sara.student.id);
      assert.equal(own.address, 'Ilica 1');
      assert.equal(own.birthDate, '2005-04-01');
      await rejects(students.getStudent(sara, d.ivan.student.id), 404);
      assert.deepEqual((await students.listStudents(sara, {})).items.map((s) => s.id), [d.sara.student.id]);
      assert.deepEqual((await groups.listGroups(sara, {})).items.map((g) => g.name), ['CS-101']);
      await rejects(lecturers.getLecturer(sara, d.petrova.lecturer.id), 404);
      await rejects(students.archiveStudent(sara, d.sara.student.id), 403);
    });

    test('search folds case and accents and finds numbers, phones and e-mails; group filter and sorts', async (t) => {
      const d = await department(t, database);
      const find = async (q: string) => (await students.listStudents(d.admin, { q })).items.map((s) => s.studentNumber);
      assert.deepEqual(await find('saric'), ['2026-0001']);
      assert.deepEqual(await find('ŠARIĆ sara'), ['2026-0001']);
      assert.deepEqual(await find('2026-0002'), ['2026-0002']);
      assert.deepEqual(await find('0915'), [], 'no false match across fields');
      assert.deepEqual(await find('091222'), ['2026-0002'], 'a phone typed without spaces');
      assert.deepEqual(await find('students.example'), ['2026-0001']);
      assert.deepEqual(await find('100%_'), [], 'LIKE wildcards are literal');
      assert.deepEqual((await students.listStudents(d.admin, { group: d.ma.id })).items.map((s) => s.lastName), ['Horvat']);
      assert.deepEqual((await students.listStudents(d.admin, { sort: '-number' })).items.map((s) => s.studentNumber), ['2026-0002', '2026-0001']);
      await rejects(students.listStudents(d.admin, { sort: 'password' }), 422, 'sort');
      await rejects(students.listStudents(d.admin, { cursor: 'garbage!' }), 422, 'cursor');
    });

    test('cursor pages walk every student once, even with equal names', async (t) => {
      const d = await department(t, database);
      for (let i = 0; i < 23; i++) await students.createStudent(d.admin, { studentNumber: `N-${String(i).padStart(3, '0')}`, firstName: i % 2 ? 'Ana' : 'Eva', lastName: 'Same' });
      for (const sort of ['name', '-name', 'number', '-created'] as const) {
        const seen: number[] = [];
        let cursor: string | null = null;
        do {
          const page: students.StudentList = await students.listStudents(d.admin, { sort, limit: 4, ...(cursor ? { cursor } : {}) });
          seen.push(...page.items.map((s) => s.id));
          cursor = page.nextCursor;
        } while (cursor);
        assert.equal(seen.length, 25, `${sort}: every student`);
        assert.equal(new Set(seen).size, 25, `${sort}: none twice`);
      }
      const numbered = await students.listStudents(d.admin, { page: 3, limit: 10 });
      assert.equal(numbered.total, 25);
      assert.equal(numbered.items.length, 5);
      for (const sort of ['name', '-number', 'created'] as const) {
        const walked = (await students.listStudents(d.admin, { sort, limit: 100 })).items.map((s) => s.id);
        const paged: number[] = [];
        for (let page = 1; page <= 4; page++) paged.push(...(await students.listStudents(d.admin, { sort, page, limit: 7 })).items.map((s) => s.id));
        assert.deepEqual(paged, walked, `${sort}: numbered pages, read from their first row's key, give the same order`);
      }
      assert.deepEqual((await students.listStudents(d.admin, { page: 9, limit: 7 })).items, [], 'a page past the end is empty');
    });

    test('archived records leave the lists, stay readable, and every change is in the audit trail', async (t) => {
      const d = await department(t, database);
      await students.updateStudent(d.admin, d.sara.student.id, { phone: '+385 1 555 0199', groupId: d.ma.id });
      await students.archiveStudent(d.admin, d.sara.student.id);
      assert.deepEqual((await students.listStudents(d.admin, {})).items.map((s) => s.studentNumber), ['2026-0002']);
      assert.deepEqual((await students.listStudents(d.admin, { archived: true })).items.map((s) => s.studentNumber), ['2026-0001']);
      assert.equal((await students.getStudent(d.admin, d.sara.student.id)).archived, true);
      assert.equal((await findUserByUsername(d.base, 's.saric'))!.disabled, true, 'archiving disables the account');
      await students.archiveStudent(d.admin, d.sara.student.id, false);
      assert.equal((await findUserByUsername(d.base, 's.saric'))!.disabled, true, 'restoring leaves the account to the admin');
      await students.archiveStudent(d.admin, d.sara.student.id);
      assert.equal((await groups.getGroup(d.admin, d.ma.id)).studentCount, 1, 'counts leave archived students out');
      const trail = await d.db.selectFrom('auditLog').selectAll().where('entity', '=', 'student').where('entityId', '=', String(d.sara.student.id)).orderBy('id').execute();
      assert.deepEqual(trail.map((e) => e.action), ['student.created', 'student.updated', 'student.archived', 'student.restored', 'student.archived']);
      assert.deepEqual(JSON.parse(trail[2]!.after!), { archived: true, accountDisabled: true });
      const update = trail[1]!;
      assert.deepEqual(JSON.parse(update.before!), { phone: '+385 1 555 0101', groupId: d.cs.id });
      assert.deepEqual(JSON.parse(update.after!), { phone: '+385 1 555 0199', groupId: d.ma.id });
      assert.equal(update.ip, '203.0.113.9');
      const found = await students.listStudents(d.admin, { q: '0199', archived: true });
      assert.equal(found.items.length, 1, 'the search text follows the update');
    });

    test('lecturers: filters by degree and group taught; the admin flag follows to the account', async (t) => {
      const d = await department(t, database);
      assert.deepEqual((await lecturers.listLecturers(d.admin, { degree: 'MSc' })).items.map((l) => l.lastName), ['Schmidt']);
      // A degree typed in other capitals joins the department's spelling.
      const typed = await lecturers.createLecturer(d.admin, { firstName: 'Ole', lastName: 'Lowercase', academicDegree: 'msc', email: 'ole@fms.example' });
      assert.equal(typed.lecturer.academicDegree, 'MSc');
      assert.deepEqual((await lecturers.listLecturers(d.admin, { degree: 'MSc' })).items.map((l) => l.lastName), ['Lowercase', 'Schmidt']);
      await lecturers.archiveLecturer(d.admin, typed.lecturer.id);
      // A spelling in use stays as it is, even where another spelling of it exists too (from an import).
      await d.db.updateTable('lecturers').set({ academicDegree: 'MSC' }).where('id', '=', typed.lecturer.id).execute();
      const kept = await lecturers.updateLecturer(d.admin, d.schmidt.lecturer.id, { academicDegree: 'MSc', phone: '+1 555 0100' });
      assert.equal(kept.academicDegree, 'MSc');
      await d.db.updateTable('lecturers').set({ academicDegree: 'MSc' }).where('id', '=', typed.lecturer.id).execute();
      assert.deepEqual((await lecturers.listLecturers(d.admin, { group: d.cs.id })).items.map((l) => l.lastName), ['Petrova']);
      assert.deepEqual((await lecturers.getLecturer(d.admin, d.petrova.lecturer.id)).groupsTaught, [{ id: d.cs.id, name: 'CS-101' }]);
      await lecturers.updateLecturer(d.admin, d.schmidt.lecturer.id, { isAdmin: true });
      await rejects(lecturers.archiveLecturer(await d.as('a.schmidt'), d.schmidt.lecturer.id), 403);
      const user = (await findUserByUsername(d.base, 'a.schmidt'))!;
      assert.equal(user.isAdmin, true);
      assert.equal(actorFromUser(user).isAdmin, true, 'she now manages the department');
      assert.deepEqual(await lecturers.lecturerDegrees(d.admin), ['MSc', 'PhD']);
    });

    test('bulk creation makes records, accounts with distinct usernames, and audit entries', async (t) => {
      const d = await department(t, database);
      const records = Array.from({ length: 30 }, (_, i) => ({
        studentNumber: `B-${i}`,
        firstName: 'Sara',
        lastName: 'Šarić',
        patronymic: '',
        birthDate: null,
        email: `b${i}@x.example`,
        phone: null,
        address: null,
        groupId: d.cs.id,
        username: null,
      }));
      const created = await students.createStudentsInBulk(d.admin, records);
      const usernames = created.map((c) => c.username);
      assert.equal(new Set(usernames).size, 30);
      assert.ok(!usernames.includes('s.saric'), 'the existing s.saric is not reused');
      assert.ok(usernames.includes('s.saric2'));
      const user = (await findUserByUsername(d.base, created[5]!.username))!;
      assert.equal(user.studentId, created[5]!.id);
      assert.ok(await verifyPassword(user.passwordHash, created[5]!.oneTimePassword));
      const audited = await d.db.selectFrom('auditLog').select((eb) => eb.fn.countAll<number>().as('n')).where('action', '=', 'student.created').executeTakeFirstOrThrow();
      assert.equal(Number(audited.n), 32);
      assert.equal((await students.listStudents(d.admin, { q: 'b17@x' })).items[0]?.studentNumber, 'B-17');
    });
  });
}
