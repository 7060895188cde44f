// Admins' account management: list, create, reset a password, disable. The CLI calls the same
// functions with the system actor.
import { authorize, mayDisableAccount } from '../../access.js';
import type { ServiceContext } from '../../context.js';
import type { Role, User } from '../../db/schema.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../../lib/errors.js';
import { passwordProblem } from '../../lib/passwords.js';
import { oneTimePassword } from '../../lib/secrets.js';
import { validate } from '../../lib/validation.js';
import { recordAudit } from '../audit/service.js';
import * as users from '../auth/service.js';
import { hashNewPassword } from '../auth/service.js';
import type { SessionStore } from '../auth/session-store.js';
import * as repo from './repository.js';
import { CreateAccountInput, ListAccountsQuery } from './schemas.js';

export const ACCOUNTS_PAGE_SIZE = 50;

/** What an admin may see of an account: never its password hash. */
export function publicAccount(user: User) {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    isAdmin: user.isAdmin,
    disabled: user.disabled,
    mustChangePassword: user.mustChangePassword,
    lockedUntil: user.lockedUntil,
    lastLoginAt: user.lastLoginAt,
    createdAt: user.createdAt,
  };
}

export function assertMayCreateAccounts(ctx: ServiceContext): void {
  authorize(ctx.actor, 'accounts.create');
}

export async function listAccounts(ctx: ServiceContext, query: unknown) {
  authorize(ctx.actor, 'accounts.list');
  const { q, role, page = 1 } = validate(ListAccountsQuery, query);
  const { rows, total } = await repo.listAccounts(ctx.db, {
    q: q || undefined,
    role: (role || undefined) as Role | undefined,
    limit: ACCOUNTS_PAGE_SIZE,
    offset: (page - 1) * ACCOUNTS_PAGE_SIZE,
  });
  return { rows, total, page, pageSize: ACCOUNTS_PAGE_SIZE };
}

export async function getAccount(ctx: ServiceContext, userId: number) {
  authorize(ctx.actor, 'accounts.list');
  const user = await users.findUserById(ctx, userId);
  if (!user) throw new NotFound('No such account.');
  return publicAccount(user);
}

export interface CreatedAccount {
  user: ReturnType<typeof publicAccount>;
  /** Set when the password was generated: shown once, to be changed at the first sign-in. */
  oneTimePassword: string | null;
}

export async function createAccount(
  ctx: ServiceContext,
  input: unknown,
  links: { studentId?: number | null; lecturerId?: number | null; isAdmin?: boolean } = {},
): Promise<CreatedAccount> {
  authorize(ctx.actor, 'accounts.create');
  const data = validate(CreateAccountInput, input);
  const username = data.username.toLowerCase();
  if (await users.findUserByUsername(ctx, username))
    throw new Conflict('That username is taken.', { username: `The username "${username}" is taken; choose another.` });
  let password = data.password;
  let generated: string | null = null;
  if (password) {
    const problem = passwordProblem(password, { username });
    if (problem) throw new Invalid('Check the highlighted fields.', { password: problem });
  } else {
    generated = oneTimePassword();
    password = generated;
  }
  const now = ctx.clock.now();
  const user = await users.insertUser(ctx, {
    username,
    passwordHash: await hashNewPassword(ctx, password),
    role: data.role,
    isAdmin: data.role === 'admin' || links.isAdmin === true,
    studentId: links.studentId ?? null,
    lecturerId: links.lecturerId ?? null,
    displayName: data.displayName?.trim() || username,
    mustChangePassword: generated !== null,
    passwordChangedAt: now,
    createdAt: now,
    updatedAt: now,
  });
  await recordAudit(ctx, { action: 'account.created', entity: 'user', entityId: user.id, after: publicAccount(user) });
  return { user: publicAccount(user), oneTimePassword: generated };
}

async function requireAccount(ctx: ServiceContext, userId: number) {
  const user = await users.findUserById(ctx, userId);
  if (!user) throw new NotFound('No such account.');
  return user;
}

/** Gives the account a one-time password (shown once), unlocks it and ends its sessions. */
export async function resetPassword(ctx: ServiceContext & { sessions: SessionStore }, userId: number) {
  authorize(ctx.actor, 'accounts.resetPassword');
  const user = await requireAccount(ctx, userId);
  const password = oneTimePassword();
  const now = ctx.clock.now();
  await users.updateUser(ctx, user.id, {
    passwordHash: await hashNewPassword(ctx, password),
    mustChangePassword: true,
    failedLogins: 0,
    lockedUntil: null,
    passwordChangedAt: now,
    updatedAt: now,
  });
  await ctx.sessions.destroyForUser(user.id);
  await recordAudit(ctx, { action: 'account.password_reset', entity: 'user', entityId: user.id });
  return { user: publicAccount(user), oneTimePassword: password };
}

/** Disables (or re-enables) an account; disabling ends its sessions and stops its API tokens. */
export async function setAccountDisabled(ctx: ServiceContext & { sessions: SessionStore }, userId: number, disabled: boolean) {
  authorize(ctx.actor, 'accounts.disable');
  const user = await requireAccount(ctx, userId);
  if (disabled && !mayDisableAccount(ctx.actor, user.id)) throw new Forbidden('You cannot disable the account you are signed in with.');
  if (user.disabled === disabled) return publicAccount(user);
  await users.updateUser(ctx, user.id, { disabled, updatedAt: ctx.clock.now() });
  if (disabled) await ctx.sessions.destroyForUser(user.id);
  await recordAudit(ctx, {
    action: disabled ? 'account.disabled' : 'account.enabled',
    entity: 'user',
    entityId: user.id,
    before: { disabled: user.disabled },
    after: { disabled },
  });
  return publicAccount({ ...user, disabled });
}

export async function findAccountByUsername(ctx: ServiceContext, username: string) {
  authorize(ctx.actor, 'accounts.list');
  const user = await users.findUserByUsername(ctx, username);
  if (!user) throw new NotFound(`No account named "${username}".`);
  return user;
}
