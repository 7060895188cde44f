// Test data made through the same services the app uses.
import { systemActor } from '../src/access.js';
import type { ServiceContext } from '../src/context.js';
import type { Role } from '../src/db/schema.js';
import { createAccount } from '../src/features/accounts/service.js';
import { randomToken } from '../src/lib/secrets.js';

/** A passphrase of unrelated words: passes the password policy, as a user's own would. */
export const TEST_PASSWORD = 'quiet lantern orbit 7 velvet harbor';

export async function createUser(
  ctx: ServiceContext,
  options: { role?: Role; username?: string; password?: string; lecturerId?: number; studentId?: number; isAdmin?: boolean } = {},
) {
  const role = options.role ?? 'admin';
  const username = options.username ?? `${role}-${randomToken(4).toLowerCase().replace(/[^a-z0-9]/g, 'x')}`;
  const created = await createAccount(
    { ...ctx, actor: systemActor },
    { username, role, displayName: `Test ${role}`, password: options.password ?? TEST_PASSWORD },
    { lecturerId: options.lecturerId ?? null, studentId: options.studentId ?? null, isAdmin: options.isAdmin },
  );
  return { ...created.user, password: options.password ?? TEST_PASSWORD };
}

export async function createLecturerRecord(ctx: ServiceContext, isAdmin = false) {
  const now = ctx.clock.now();
  return ctx.db
    .insertInto('lecturers')
    .values({ firstName: 'Lena', lastName: 'Test', patronymic: '', academicDegree: 'PhD', position: 'Lecturer', email: null, phone: null, address: null, photoFileId: null, isAdmin, createdAt: now, updatedAt: now })
    .returning('id')
    .executeTakeFirstOrThrow();
}

export async function createStudentRecord(ctx: ServiceContext, groupId: number | null = null) {
  const now = ctx.clock.now();
  return ctx.db
    .insertInto('students')
    .values({ studentNumber: `S${randomToken(6)}`, groupId, firstName: 'Sam', lastName: 'Test', patronymic: '', birthDate: '2005-04-01', email: null, phone: null, address: null, photoFileId: null, createdAt: now, updatedAt: now })
    .returning('id')
    .executeTakeFirstOrThrow();
}
