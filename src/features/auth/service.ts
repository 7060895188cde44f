// Signing in and out, sessions, own password, personal API tokens.
import { authorize, type Actor } from '../../access.js';
import type { ServiceContext, ActorContext } from '../../context.js';
import type { User } from '../../db/schema.js';
import { Invalid, NotFound } from '../../lib/errors.js';
import { hashPassword, isOneTimeHash, passwordProblem, verifyAgainstDummy, verifyPassword } from '../../lib/passwords.js';
import { randomToken, sha256 } from '../../lib/secrets.js';
import { validate } from '../../lib/validation.js';
import { recordAudit } from '../audit/service.js';
import * as repo from './repository.js';
import { ChangePasswordInput, CreateTokenInput, SignInInput } from './schemas.js';
import type { SessionRecord, SessionStore } from './session-store.js';

export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_MS = 15 * 60_000;
/** Sessions record their last activity at most this often, to spare the store a write per request. */
const TOUCH_INTERVAL_MS = 60_000;

export const SIGN_IN_FAILED = 'Incorrect username or password.';

export type AuthContext = ServiceContext & { readonly sessions: SessionStore };

export function actorFromUser(user: User): Actor {
  return {
    userId: user.id,
    username: user.username,
    role: user.role,
    isAdmin: user.isAdmin || user.role === 'admin',
    studentId: user.studentId,
    lecturerId: user.lecturerId,
    displayName: user.displayName || user.username,
  };
}

function hashOptions(ctx: ServiceContext) {
  return { fast: ctx.config.mode === 'testing' };
}

export function hashNewPassword(ctx: ServiceContext, password: string) {
  return hashPassword(password, hashOptions(ctx));
}

async function startSession(ctx: AuthContext, userId: number, userAgent: string | null) {
  const id = randomToken(32);
  const now = ctx.clock.now();
  const record: SessionRecord = {
    idHash: sha256(id),
    userId,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: new Date(now.getTime() + ctx.config.sessionLifetimeMs),
    ip: ctx.ip ?? null,
    userAgent: userAgent ? userAgent.slice(0, 500) : null,
  };
  await ctx.sessions.save(record);
  return { id, record };
}

export interface SignInResult {
  sessionId: string;
  actor: Actor;
  mustChangePassword: boolean;
}

/**
 * Unknown user, wrong password, disabled and locked accounts all fail with the same message after
 * the same argon2 work, so none can be told apart from outside.
 */
export async function signIn(ctx: AuthContext, input: unknown, userAgent: string | null): Promise<SignInResult> {
  const { username, password } = validate(SignInInput, input, 'Enter your username and password.');
  const user = await repo.findUserByUsername(ctx.db, username);
  const now = ctx.clock.now();
  if (!user) {
    await verifyAgainstDummy(password, hashOptions(ctx));
    throw new Invalid(SIGN_IN_FAILED);
  }
  const locked = user.lockedUntil !== null && user.lockedUntil.getTime() > now.getTime();
  const passwordOk = await verifyPassword(user.passwordHash, password);
  // A one-time password's hash is light (ADR 0007): add the usual work so the answer takes as long.
  if (isOneTimeHash(user.passwordHash)) await verifyAgainstDummy(password, hashOptions(ctx));
  if (locked || user.disabled || !passwordOk) {
    if (!locked && !user.disabled) await registerFailure(ctx, user, now);
    else await recordAudit(ctx, { action: 'auth.sign_in_refused', entity: 'user', entityId: user.id, actorId: null, after: { reason: locked ? 'locked' : 'disabled' } });
    throw new Invalid(SIGN_IN_FAILED);
  }
  await repo.updateUser(ctx.db, user.id, { failedLogins: 0, lockedUntil: null, lastLoginAt: now });
  const { id } = await startSession(ctx, user.id, userAgent);
  await recordAudit(ctx, { action: 'auth.sign_in', entity: 'user', entityId: user.id, actorId: user.id });
  return { sessionId: id, actor: actorFromUser(user), mustChangePassword: user.mustChangePassword };
}

async function registerFailure(ctx: AuthContext, user: User, now: Date) {
  const failures = await repo.incrementFailedLogins(ctx.db, user.id);
  if (failures >= MAX_FAILED_LOGINS) {
    await repo.updateUser(ctx.db, user.id, { failedLogins: 0, lockedUntil: new Date(now.getTime() + LOCKOUT_MS) });
    await recordAudit(ctx, { action: 'auth.locked', entity: 'user', entityId: user.id, actorId: null, after: { minutes: LOCKOUT_MS / 60_000 } });
    ctx.log.warn({ userId: user.id }, 'account locked after repeated failed sign-ins');
  } else {
    await recordAudit(ctx, { action: 'auth.sign_in_failed', entity: 'user', entityId: user.id, actorId: null });
  }
}

export interface ResolvedSession {
  actor: Actor;
  session: SessionRecord;
  mustChangePassword: boolean;
}

/** The signed-in user behind a session cookie, or null when the session is unknown, idle or expired. */
export async function resolveSession(ctx: AuthContext, sessionId: string): Promise<ResolvedSession | null> {
  const idHash = sha256(sessionId);
  const session = await ctx.sessions.get(idHash);
  if (!session) return null;
  const now = ctx.clock.now().getTime();
  const idle = now - session.lastSeenAt.getTime() > ctx.config.sessionIdleTimeoutMs;
  if (idle || session.expiresAt.getTime() <= now) {
    await ctx.sessions.destroy(idHash);
    return null;
  }
  const user = await repo.findUserById(ctx.db, session.userId);
  if (!user || user.disabled) {
    await ctx.sessions.destroy(idHash);
    return null;
  }
  if (now - session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
    await ctx.sessions.touch(idHash, new Date(now));
  }
  return { actor: actorFromUser(user), session, mustChangePassword: user.mustChangePassword };
}

export async function signOut(ctx: AuthContext, sessionId: string): Promise<void> {
  const idHash = sha256(sessionId);
  const session = await ctx.sessions.get(idHash);
  await ctx.sessions.destroy(idHash);
  if (session) await recordAudit(ctx, { action: 'auth.sign_out', entity: 'user', entityId: session.userId, actorId: session.userId });
}

/** Changes the actor's own password, ends every session of theirs and starts a fresh one. */
export async function changeOwnPassword(ctx: AuthContext & ActorContext, input: unknown, userAgent: string | null) {
  authorize(ctx.actor, 'profile.changePassword');
  const { currentPassword, newPassword, confirmPassword } = validate(ChangePasswordInput, input);
  const user = await repo.findUserById(ctx.db, ctx.actor.userId);
  if (!user) throw new NotFound();
  if (!(await verifyPassword(user.passwordHash, currentPassword)))
    throw new Invalid('Check the highlighted fields.', { currentPassword: 'The current password is not correct.' });
  const problem = passwordProblem(newPassword, { username: user.username });
  if (problem) throw new Invalid('Check the highlighted fields.', { newPassword: problem });
  if (newPassword !== confirmPassword)
    throw new Invalid('Check the highlighted fields.', { confirmPassword: 'The two new passwords differ.' });
  if (newPassword === currentPassword)
    throw new Invalid('Check the highlighted fields.', { newPassword: 'Choose a password different from the current one.' });
  const now = ctx.clock.now();
  await repo.updateUser(ctx.db, user.id, {
    passwordHash: await hashNewPassword(ctx, newPassword),
    mustChangePassword: false,
    passwordChangedAt: now,
    updatedAt: now,
  });
  await ctx.sessions.destroyForUser(user.id);
  await recordAudit(ctx, { action: 'auth.password_changed', entity: 'user', entityId: user.id });
  return startSession(ctx, user.id, userAgent);
}

export async function listOwnSessions(ctx: AuthContext & ActorContext, currentIdHash: string | null) {
  authorize(ctx.actor, 'profile.manageSessions');
  const sessions = await ctx.sessions.listForUser(ctx.actor.userId);
  const now = ctx.clock.now().getTime();
  return sessions
    .filter((s) => s.expiresAt.getTime() > now && now - s.lastSeenAt.getTime() <= ctx.config.sessionIdleTimeoutMs)
    .map((s) => ({ ...s, current: s.idHash === currentIdHash }));
}

/** Ends one of the actor's own sessions; another user's session is "not found". */
export async function endOwnSession(ctx: AuthContext & ActorContext, idHash: string) {
  authorize(ctx.actor, 'profile.manageSessions');
  const session = await ctx.sessions.get(idHash);
  if (!session || session.userId !== ctx.actor.userId) throw new NotFound('That session has already ended.');
  await ctx.sessions.destroy(idHash);
  await recordAudit(ctx, { action: 'auth.session_ended', entity: 'user', entityId: ctx.actor.userId });
}

export async function endOtherSessions(ctx: AuthContext & ActorContext, currentIdHash: string) {
  authorize(ctx.actor, 'profile.manageSessions');
  const ended = await ctx.sessions.destroyForUser(ctx.actor.userId, currentIdHash);
  await recordAudit(ctx, { action: 'auth.sessions_ended', entity: 'user', entityId: ctx.actor.userId, after: { ended } });
  return ended;
}

// Personal API tokens.

export const TOKEN_PREFIX = 'fms_';

export async function createApiToken(ctx: ActorContext, input: unknown) {
  authorize(ctx.actor, 'profile.manageTokens');
  const { name, expiresInDays } = validate(CreateTokenInput, input);
  // Tokens of an account that still holds a one-time password are refused (see the session
  // plugin), so making one would only hand out something that does not work.
  const owner = await repo.findUserById(ctx.db, ctx.actor.userId);
  if (owner?.mustChangePassword)
    throw new Invalid(`The account "${owner.username}" still has a one-time password; its owner signs in and chooses a password first (or the account is made with a chosen password).`);
  const token = TOKEN_PREFIX + randomToken(32);
  const now = ctx.clock.now();
  const row = await repo.insertToken(ctx.db, {
    userId: ctx.actor.userId,
    name,
    tokenHash: sha256(token),
    prefix: token.slice(0, TOKEN_PREFIX.length + 6),
    createdAt: now,
    expiresAt: expiresInDays ? new Date(now.getTime() + expiresInDays * 86_400_000) : null,
  });
  await recordAudit(ctx, { action: 'token.created', entity: 'api_token', entityId: row.id, after: { name, prefix: row.prefix } });
  return { token, id: row.id, name: row.name, prefix: row.prefix, expiresAt: row.expiresAt };
}

export async function listApiTokens(ctx: ActorContext) {
  authorize(ctx.actor, 'profile.manageTokens');
  return repo.listTokensOfUser(ctx.db, ctx.actor.userId);
}

export async function revokeApiToken(ctx: ActorContext, tokenId: number) {
  authorize(ctx.actor, 'profile.manageTokens');
  if (!(await repo.revokeToken(ctx.db, ctx.actor.userId, tokenId, ctx.clock.now())))
    throw new NotFound('No such active token.');
  await recordAudit(ctx, { action: 'token.revoked', entity: 'api_token', entityId: tokenId });
}

/** The actor behind a bearer token, or null when unknown, revoked, expired or its user disabled. */
export async function resolveApiToken(ctx: ServiceContext, token: string): Promise<{ actor: Actor; tokenHash: string; mustChangePassword: boolean } | null> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
  const tokenHash = sha256(token);
  const row = await repo.findTokenByHash(ctx.db, tokenHash);
  const now = ctx.clock.now();
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt.getTime() <= now.getTime())) return null;
  const user = await repo.findUserById(ctx.db, row.userId);
  if (!user || user.disabled) return null;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > TOUCH_INTERVAL_MS) await repo.markTokenUsed(ctx.db, row.id, now);
  return { actor: actorFromUser(user), tokenHash, mustChangePassword: user.mustChangePassword };
}

// The account records this feature owns, for other services (accounts, seeds). These do no access
// checks of their own: the calling service authorizes its action first.

export function findUserById(ctx: Pick<ServiceContext, 'db'>, id: number) {
  return repo.findUserById(ctx.db, id);
}

export function findUserByUsername(ctx: Pick<ServiceContext, 'db'>, username: string) {
  return repo.findUserByUsername(ctx.db, username);
}

export function insertUser(ctx: Pick<ServiceContext, 'db'>, user: Parameters<typeof repo.insertUser>[1]) {
  return repo.insertUser(ctx.db, user);
}

export function updateUser(ctx: Pick<ServiceContext, 'db'>, id: number, changes: Parameters<typeof repo.updateUser>[2]) {
  return repo.updateUser(ctx.db, id, changes);
}

export function usernamesWithPasswordUnchangedSince(ctx: Pick<ServiceContext, 'db'>, at: Date) {
  return repo.usernamesWithPasswordUnchangedSince(ctx.db, at);
}

export async function usernamesStartingWith(ctx: Pick<ServiceContext, 'db'>, base: string): Promise<Set<string>> {
  return new Set(await repo.usernamesStartingWith(ctx.db, base));
}

export async function allUsernames(ctx: Pick<ServiceContext, 'db'>): Promise<Set<string>> {
  return new Set(await repo.allUsernames(ctx.db));
}

export function insertUsers(ctx: Pick<ServiceContext, 'db'>, users: Parameters<typeof repo.insertUsers>[1]) {
  return repo.insertUsers(ctx.db, users);
}

export function findUserOfPerson(ctx: Pick<ServiceContext, 'db'>, person: { studentId: number } | { lecturerId: number }) {
  return 'studentId' in person ? repo.findUserOfStudent(ctx.db, person.studentId) : repo.findUserOfLecturer(ctx.db, person.lecturerId);
}
