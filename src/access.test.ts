import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { actions, authorize, can, groupScope, lecturerScope, mayDisableAccount, ownsStudentRecord, studentDetail, studentScope, studentSearchFields, systemActor, visibleUserIds, type Action, type Actor } from './access.js';
import { AppError, Forbidden } from './lib/errors.js';

const base = { displayName: 'Someone', studentId: null, lecturerId: null };
const actors = {
  admin: { ...base, userId: 1, username: 'admin', role: 'admin', isAdmin: true },
  lecturer: { ...base, userId: 2, username: 'l.petrova', role: 'lecturer', isAdmin: false, lecturerId: 20 },
  lecturerAdmin: { ...base, userId: 3, username: 'l.horvat', role: 'lecturer', isAdmin: true, lecturerId: 30 },
  student: { ...base, userId: 4, username: 's.novak', role: 'student', isAdmin: false, studentId: 40 },
  // A student account whose student record was deleted (users.student_id is ON DELETE SET NULL).
  studentWithoutRecord: { ...base, userId: 5, username: 's.gone', role: 'student', isAdmin: false },
  nobody: null,
} satisfies Record<string, Actor | null>;
type Who = keyof typeof actors;
const columns: Who[] = ['admin', 'lecturer', 'lecturerAdmin', 'student', 'studentWithoutRecord', 'nobody'];

// The policy, read across: Y = allowed, . = refused.
//                                 admin  lecturer  lecturer+admin  student  student w/o record  nobody
const policy: Record<Action, string> = {
  'dashboard.view':              ' Y       Y           Y             Y           Y              . ',
  'profile.changePassword':      ' Y       Y           Y             Y           Y              . ',
  'profile.manageSessions':      ' Y       Y           Y             Y           Y              . ',
  'profile.manageTokens':        ' Y       Y           Y             Y           Y              . ',
  'api.use':                     ' Y       Y           Y             Y           Y              . ',
  'accounts.list':               ' Y       .           Y             .           .              . ',
  'accounts.create':             ' Y       .           Y             .           .              . ',
  'accounts.resetPassword':      ' Y       .           Y             .           .              . ',
  'accounts.disable':            ' Y       .           Y             .           .              . ',
  'audit.view':                  ' Y       .           Y             .           .              . ',
  'groups.view':                 ' Y       Y           Y             .           .              . ',
  'groups.chooseAny':            ' Y       .           Y             .           .              . ',
  'groups.manage':               ' Y       .           Y             .           .              . ',
  'students.view':               ' Y       Y           Y             .           .              . ',
  'students.manage':             ' Y       .           Y             .           .              . ',
  'lecturers.manage':            ' Y       .           Y             .           .              . ',
  'imports.run':                 ' Y       .           Y             .           .              . ',
  'records.viewOwn':             ' .       Y           Y             Y           .              . ',
  'subjects.view':               ' Y       Y           Y             Y           .              . ',
  'subjects.manage':             ' Y       .           Y             .           .              . ',
  'subjects.teach':              ' .       Y           Y             .           .              . ',
  'submissions.grade':           ' Y       Y           Y             .           .              . ',
  'submissions.submit':          ' .       .           .             Y           .              . ',
  'news.read':                   ' Y       Y           Y             Y           Y              . ',
  'news.publish':                ' Y       Y           Y             .           .              . ',
  'theses.search':               ' Y       Y           Y             Y           Y              . ',
  'theses.record':               ' Y       Y           Y             .           .              . ',
  'theses.propose':              ' .       .           .             Y           .              . ',
  'assistant.ask':               ' Y       Y           Y             Y           Y              . ',
};

function expected(action: Action): boolean[] {
  const cells = policy[action].trim().split(/\s+/);
  assert.equal(cells.length, columns.length, `row ${action} has one cell per actor`);
  return cells.map((c) => {
    assert.ok(c === 'Y' || c === '.', `row ${action}: cell "${c}"`);
    return c === 'Y';
  });
}

describe('the access policy', () => {
  test('the table covers every action there is, and only those', () => {
    assert.deepEqual(Object.keys(policy).sort(), [...actions].sort());
  });

  for (const action of actions) {
    test(action, () => {
      const allowed = expected(action);
      columns.forEach((who, i) => {
        assert.equal(can(actors[who], action), allowed[i], `${who} ${allowed[i] ? 'may' : 'may not'} ${action}`);
      });
    });
  }

  test('undefined is treated like no actor', () => {
    for (const action of actions) assert.equal(can(undefined, action), false, action);
  });

  test('an action nobody wrote a rule for is refused, even to an admin', () => {
    for (const unknown of ['accounts.delete', 'database.drop', '', 'constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      assert.equal(can(actors.admin, unknown as Action), false, unknown);
      assert.equal(can(systemActor, unknown as Action), false, unknown);
      assert.throws(() => authorize(actors.admin, unknown as Action), Forbidden);
    }
  });

  test('the command-line operator may do what an admin may, and cannot be altered', () => {
    for (const action of actions) assert.equal(can(systemActor, action), can(actors.admin, action), action);
    assert.ok(Object.isFrozen(systemActor));
  });
});

describe('authorize', () => {
  test('refuses with a 403 Forbidden', () => {
    for (const [who, action] of [
      ['nobody', 'dashboard.view'],
      ['student', 'accounts.create'],
      ['lecturer', 'students.manage'],
      ['admin', 'submissions.submit'],
      ['studentWithoutRecord', 'submissions.submit'],
    ] as const) {
      assert.throws(
        () => authorize(actors[who], action),
        (error: unknown) => error instanceof Forbidden && error instanceof AppError && error.statusCode === 403 && error.code === 'forbidden',
        `${who} / ${action}`,
      );
    }
  });

  test('lets an allowed actor through', () => {
    assert.doesNotThrow(() => authorize(actors.admin, 'accounts.create'));
    assert.doesNotThrow(() => authorize(actors.student, 'submissions.submit'));
    assert.doesNotThrow(() => authorize(actors.lecturer, 'submissions.grade'));
  });
});

describe('accounts', () => {
  test('an admin may disable another account but never their own', () => {
    assert.equal(mayDisableAccount(actors.admin, actors.student.userId), true);
    assert.equal(mayDisableAccount(actors.admin, actors.admin.userId), false);
    assert.equal(mayDisableAccount(actors.lecturerAdmin, actors.admin.userId), true);
    assert.equal(mayDisableAccount(actors.lecturerAdmin, actors.lecturerAdmin.userId), false);
  });

  test('non-admins may disable no account, not even their own', () => {
    assert.equal(mayDisableAccount(actors.lecturer, actors.student.userId), false);
    assert.equal(mayDisableAccount(actors.student, actors.student.userId), false);
  });

  test('admins see every account, everyone else only their own', () => {
    assert.equal(visibleUserIds(actors.admin), 'all');
    assert.equal(visibleUserIds(actors.lecturerAdmin), 'all');
    assert.deepEqual(visibleUserIds(actors.lecturer), [actors.lecturer.userId]);
    assert.deepEqual(visibleUserIds(actors.student), [actors.student.userId]);
  });
});

describe('record scopes', () => {
  test('students: admins all, lecturers the groups they teach, a student their own record, else none', () => {
    assert.deepEqual(studentScope(actors.admin), { kind: 'all' });
    assert.deepEqual(studentScope(actors.lecturerAdmin), { kind: 'all' });
    assert.deepEqual(studentScope(actors.lecturer), { kind: 'taughtBy', lecturerId: 20 });
    assert.deepEqual(studentScope(actors.student), { kind: 'self', studentId: 40 });
    assert.deepEqual(studentScope(actors.studentWithoutRecord), { kind: 'none' });
  });

  test('lecturers see the teaching detail of a student; admins and the student themself the full record', () => {
    assert.equal(studentDetail(actors.lecturer, 40), 'teaching');
    assert.equal(studentDetail(actors.admin, 40), 'full');
    assert.equal(studentDetail(actors.student, 40), 'full');
    assert.equal(studentDetail(actors.student, 41), 'teaching');
  });

  test('own records and the fields a search may match', () => {
    assert.equal(ownsStudentRecord(actors.student, 40), true);
    assert.equal(ownsStudentRecord(actors.student, 41), false);
    assert.equal(ownsStudentRecord(actors.admin, 40), false);
    assert.equal(studentSearchFields(studentScope(actors.admin)), 'full');
    assert.equal(studentSearchFields(studentScope(actors.student)), 'full');
    assert.equal(studentSearchFields(studentScope(actors.lecturer)), 'teaching');
  });

  test('lecturer and group records follow the same rules', () => {
    assert.deepEqual(lecturerScope(actors.lecturer), { kind: 'self', lecturerId: 20 });
    assert.deepEqual(lecturerScope(actors.student), { kind: 'none' });
    assert.deepEqual(groupScope(actors.lecturer), { kind: 'taughtBy', lecturerId: 20 });
    assert.deepEqual(groupScope(actors.student), { kind: 'memberOf', studentId: 40 });
    assert.deepEqual(groupScope(actors.studentWithoutRecord), { kind: 'none' });
  });
});
