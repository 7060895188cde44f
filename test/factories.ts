// The one place tests make records. Each factory goes through the feature's service with the system
// actor, as the pages, the API, the imports and the seeds do, so a record a test makes has its
// account, its search columns and its audit entry like any other. Defaults are unique within a test
// run; any field given overrides them. A test writes raw rows only to test the database layer itself
// (migrations, constraints, backup and restore of exact values), and says so where it is not plain.
import type { Static } from 'typebox';
import { systemActor } from '../src/access.js';
import type { ServiceContext } from '../src/context.js';
import type { Role } from '../src/db/schema.js';
import { accountOfPerson, createAccount, setPasswordForDemo } from '../src/features/accounts/service.js';
import { actorFromUser, createApiTokenAsOperator, findUserById, updateUser } from '../src/features/auth/service.js';
import * as groups from '../src/features/groups/service.js';
import type { CreateGroupInput } from '../src/features/groups/schemas.js';
import * as lecturers from '../src/features/lecturers/service.js';
import type { CreateLecturerInput } from '../src/features/lecturers/schemas.js';
import * as students from '../src/features/students/service.js';
import type { CreateStudentInput } from '../src/features/students/schemas.js';
import { randomToken } from '../src/lib/secrets.js';

/** A passphrase of unrelated words: passes the password policy, as a user's own would. */
export const TEST_PASSWORD = 'quiet lantern orbit 7 velvet harbor';

const asSystem = (ctx: ServiceContext): ServiceContext => ({ ...ctx, actor: systemActor });

let serial = 0;
const next = () => ++serial;

/** A person's account as a test needs it: to sign in, or to act as its owner. */
export interface PersonAccount {
  userId: number;
  username: string;
  /** The one-time password the record was made with; empty once `password` was chosen instead. */
  oneTimePassword: string;
}

export interface PersonOptions {
  /**
   * The password the person has chosen (no one-time password left to change), e.g. TEST_PASSWORD
   * for a test that signs in as them.
   */
  password?: string;
}

async function personAccount(
  ctx: ServiceContext,
  person: { studentId: number } | { lecturerId: number },
  made: { username: string; oneTimePassword: string },
  options: PersonOptions,
): Promise<PersonAccount> {
  const account = await accountOfPerson(ctx, person);
  if (!account) throw new Error(`no account for ${JSON.stringify(person)}`);
  if (options.password === undefined) return { userId: account.id, username: made.username, oneTimePassword: made.oneTimePassword };
  await setPasswordForDemo(ctx, account.id, options.password);
  return { userId: account.id, username: made.username, oneTimePassword: '' };
}

/** An account of its own (no student or lecturer record), with TEST_PASSWORD unless told otherwise. */
export async function createUser(
  ctx: ServiceContext,
  options: { role?: Role; username?: string; password?: string; lecturerId?: number; studentId?: number; isAdmin?: boolean } = {},
) {
  const role = options.role ?? 'admin';
  const username = options.username ?? `${role}-${randomToken(4).toLowerCase().replace(/[^a-z0-9]/g, 'x')}`;
  const created = await createAccount(
    asSystem(ctx),
    { username, role, displayName: `Test ${role}`, password: options.password ?? TEST_PASSWORD },
    { lecturerId: options.lecturerId ?? null, studentId: options.studentId ?? null, isAdmin: options.isAdmin },
  );
  return { ...created.user, password: options.password ?? TEST_PASSWORD };
}

export async function createGroup(ctx: ServiceContext, fields: Partial<Static<typeof CreateGroupInput>> = {}) {
  return groups.createGroup(asSystem(ctx), { name: `Group-${next()}`, ...fields });
}

/** A student record and its account (made with the record, as an admin's form makes it). */
export async function createStudent(ctx: ServiceContext, fields: Partial<Static<typeof CreateStudentInput>> = {}, options: PersonOptions = {}) {
  const n = next();
  const system = asSystem(ctx);
  const created = await students.createStudent(system, { studentNumber: `N-${String(n).padStart(5, '0')}`, firstName: 'Sam', lastName: `Student${n}`, ...fields });
  return { student: created.student, account: await personAccount(system, { studentId: created.student.id }, created.account, options) };
}

/** A lecturer record and its account (made with the record, as an admin's form makes it). */
export async function createLecturer(ctx: ServiceContext, fields: Partial<Static<typeof CreateLecturerInput>> = {}, options: PersonOptions = {}) {
  const n = next();
  const system = asSystem(ctx);
  const created = await lecturers.createLecturer(system, { firstName: 'Lena', lastName: `Lecturer${n}`, email: `lecturer${n}@example.org`, academicDegree: 'PhD', ...fields });
  return { lecturer: created.lecturer, account: await personAccount(system, { lecturerId: created.lecturer.id }, created.account, options) };
}

/**
 * The lecturer teaches the group, through a subject made for it; answers the subject. Written
 * directly until the subjects feature brings its service (as the demo seed does).
 */
export async function teach(ctx: ServiceContext, lecturerId: number, groupId: number) {
  const now = ctx.clock.now();
  const subject = await ctx.db
    .insertInto('subjects')
    .values({ name: `Subject ${lecturerId}-${groupId}-${next()}`, description: '', createdAt: now, updatedAt: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  await ctx.db.insertInto('teaching').values({ subjectId: subject.id, lecturerId, groupId }).execute();
  return subject;
}

/** A fresh API token acting as the account `userId`, made as `fms token create` makes one. */
export async function createApiToken(ctx: ServiceContext, userId: number): Promise<string> {
  const user = await findUserById(ctx, userId);
  if (!user) throw new Error(`no account ${userId}`);
  // A token is made by its owner, who has chosen their own password by then (tokens of an account
  // still holding a one-time password are refused).
  if (user.mustChangePassword) await updateUser(ctx, userId, { mustChangePassword: false, updatedAt: ctx.clock.now() });
  const created = await createApiTokenAsOperator({ ...ctx, actor: actorFromUser(user) }, { name: 'test' });
  return created.token;
}

/**
 * Two groups; a lecturer teaching the first; a student in each (with private contact data); an
 * admin; and an API token for each of them. The people are flat: the record's fields, its
 * account's `userId` and `username`.
 */
export async function smallDepartment(ctx: ServiceContext) {
  const flat = <R>(record: R, account: PersonAccount) => ({ ...record, userId: account.userId, username: account.username });
  const taught = await createGroup(ctx, { name: 'CS-101' });
  const other = await createGroup(ctx, { name: 'MA-201' });
  const elena = await createLecturer(ctx, { firstName: 'Elena', lastName: 'Petrova', email: 'elena@example.org', phone: '+359 2 111', address: 'Lecturer Street 1', academicDegree: 'PhD' });
  await teach(ctx, elena.lecturer.id, taught.id);
  const sara = await createStudent(ctx, {
    studentNumber: '2026-0001',
    firstName: 'Sara',
    lastName: 'Novak',
    birthDate: '2005-04-01',
    email: 'sara@example.org',
    phone: '+359 88 123',
    address: 'Student Street 5',
    groupId: taught.id,
  });
  const ivan = await createStudent(ctx, { studentNumber: '2026-0002', firstName: 'Ivan', lastName: 'Ivanov', birthDate: '2004-12-31', address: 'Far Away 9', groupId: other.id });
  const admin = await createUser(ctx, { role: 'admin', username: 'api-admin' });
  return {
    groups: { taught, other },
    lecturer: flat(elena.lecturer, elena.account),
    student: flat(sara.student, sara.account),
    outsider: flat(ivan.student, ivan.account),
    tokens: {
      admin: await createApiToken(ctx, admin.id),
      lecturer: await createApiToken(ctx, elena.account.userId),
      student: await createApiToken(ctx, sara.account.userId),
    },
  };
}
