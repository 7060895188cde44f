// Helpers for the API's tests: a bearer token for an account, a JSON call with it, a small department. (Kept free of
// Fastify's types so it follows the import rules; only the *.test.ts files use it.)
import assert from 'node:assert/strict';
import Value from 'typebox/value';
import { systemActor } from '../../access.js';
import type { ServiceContext } from '../../context.js';
import { createAccount } from '../accounts/service.js';
import { actorFromUser, createApiTokenAsOperator, findUserById, findUserByUsername, updateUser } from '../auth/service.js';
import * as groups from '../groups/service.js';
import * as lecturers from '../lecturers/service.js';
import * as students from '../students/service.js';
import { ErrorResponse } from './schemas.js';
import { TEST_PASSWORD } from '../../../test/factories.js';

/** A fresh API token acting as the account `userId`, made through the auth service. */
export async function apiTokenFor(ctx: ServiceContext, userId: number): Promise<string> {
  const user = await findUserById(ctx, userId);
  if (!user) throw new Error(`no account ${userId}`);
  // A token is made by its owner, who has chosen their own password by then (tokens of an account
  // still holding a one-time password are refused).
  if (user.mustChangePassword) await updateUser(ctx, userId, { mustChangePassword: false, updatedAt: ctx.clock.now() });
  const created = await createApiTokenAsOperator({ ...ctx, actor: actorFromUser(user) }, { name: 'test' });
  return created.token;
}

export interface InjectResponse {
  statusCode: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
  json(): any; // eslint-disable-line @typescript-eslint/no-explicit-any -- test bodies are read loosely
}

interface Injector {
  inject(options: { method: string; url: string; headers?: Record<string, string>; payload?: unknown }): Promise<InjectResponse>;
}

/** Calls the API as `token` (none: anonymous) and returns the response. */
export function callApi(app: Injector, token: string | null, method: string, url: string, body?: unknown): Promise<InjectResponse> {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  return app.inject({ method, url, headers, ...(body === undefined ? {} : { payload: body as object }) });
}

/** Asserts an error answer: its status, the shared Error shape, its code, and a message for `field`. */
export function assertError(response: InjectResponse, status: number, code: string, field?: string): void {
  assert.equal(response.statusCode, status, response.body);
  const body = response.json();
  assert.ok(Value.Check(ErrorResponse, body as unknown), `error shape: ${response.body}`);
  assert.match(String(response.headers['content-type']), /^application\/json/);
  assert.equal(body.error.code, code, response.body);
  if (field) assert.equal(typeof body.error.fields?.[field], 'string', `a message for ${field}: ${response.body}`);
}

// ---- a small department --------------------------------------------------------------------------

const asSystem = (ctx: ServiceContext): ServiceContext => ({ ...ctx, actor: systemActor });

export async function makeGroup(ctx: ServiceContext, name: string) {
  return groups.createGroup(asSystem(ctx), { name });
}

export async function makeStudent(ctx: ServiceContext, input: Record<string, unknown>) {
  const created = await students.createStudent(asSystem(ctx), input);
  const user = await findUserByUsername(ctx, created.account.username);
  return { ...created.student, userId: user!.id, username: created.account.username };
}

export async function makeLecturer(ctx: ServiceContext, input: Record<string, unknown>) {
  const created = await lecturers.createLecturer(asSystem(ctx), input);
  const user = await findUserByUsername(ctx, created.account.username);
  return { ...created.lecturer, userId: user!.id, username: created.account.username };
}

/** The lecturer teaches the group (a subject of their own). No teaching service exists yet. */
export async function teach(ctx: ServiceContext, lecturerId: number, groupId: number) {
  const now = ctx.clock.now();
  const subject = await ctx.db
    .insertInto('subjects')
    .values({ name: `Subject ${lecturerId}-${groupId}`, description: '', createdAt: now, updatedAt: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  await ctx.db.insertInto('teaching').values({ subjectId: subject.id, lecturerId, groupId }).execute();
}

/**
 * Two groups; a lecturer teaching the first; a student in each (with private contact data); an
 * admin; and a token for each of them.
 */
export async function smallDepartment(ctx: ServiceContext) {
  const taught = await makeGroup(ctx, 'CS-101');
  const other = await makeGroup(ctx, 'MA-201');
  const lecturer = await makeLecturer(ctx, { firstName: 'Elena', lastName: 'Petrova', email: 'elena@example.org', phone: '+359 2 111', address: 'Lecturer Street 1', academicDegree: 'PhD' });
  await teach(ctx, lecturer.id, taught.id);
  const student = await makeStudent(ctx, {
    studentNumber: '2026-0001',
    firstName: 'Sara',
    lastName: 'Novak',
    birthDate: '2005-04-01',
    email: 'sara@example.org',
    phone: '+359 88 123',
    address: 'Student Street 5',
    groupId: taught.id,
  });
  const outsider = await makeStudent(ctx, { studentNumber: '2026-0002', firstName: 'Ivan', lastName: 'Ivanov', birthDate: '2004-12-31', address: 'Far Away 9', groupId: other.id });
  const admin = await createAccount(asSystem(ctx), { username: 'api-admin', role: 'admin', displayName: 'API admin', password: TEST_PASSWORD });
  return {
    groups: { taught, other },
    lecturer,
    student,
    outsider,
    tokens: {
      admin: await apiTokenFor(ctx, admin.user.id),
      lecturer: await apiTokenFor(ctx, lecturer.userId),
      student: await apiTokenFor(ctx, student.userId),
    },
  };
}
