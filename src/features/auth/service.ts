// Signing in and out, sessions, own password, personal API tokens.
import { authorize, type Actor } from '../../access.js';
import type { ActorContext, AuthContext, ServiceContext } from '../../context.js';
import type { User } from '../../db/schema.js';
import { Invalid, NotFound } from '../../lib/errors.js';
import { hashPassword, passwordProblem, verifyAgainstDummy } from '../../lib/passwords.js';
import { randomToken, sha256 } from '../../lib/secrets.js';
import { validate } from '../../lib/validation.js';
import { recordAudit } from '../audit/service.js';
import { checkPasswordUnderLockout, LOCKOUT_MS } from './lockout.js';
import * as repo from './repository.js';
import { ChangePasswordInput, CreateTokenInput, SignInInput, TokenFields } from './schemas.js';
import type { SessionRecord } from '../../session-store.js';

/** The lockout's numbers (lockout.ts): 5 wrong passwords from one client lock it out for 15 minutes. */
export { CLIENT_MAX_FAILURES as MAX_FAILED_LOGINS, LOCKOUT_MS } from './lockout.js';
/** Sessions record their last activity at most this often, to spare the store a write per request. */
const TOUCH_INTERVAL_MS = 60_000;

export const SIGN_IN_FAILED = 'Incorrect username or password.';

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
  /** Wrong passwords given for this account (from anywhere) since its count last started. */
  recentFailures: number;
}

/**
 * Unknown user, wrong password, disabled and locked accounts all fail with the same message after
 * the same argon2 work, so none can be told apart from outside. Runs outside any transaction (see
 * lockout.ts): each attempt is counted before its password is checked.
 */
export async function signIn(ctx: AuthContext, input: unknown, userAgent: string | null): Promise<SignInResult> {
  const { username, password } = validate(SignInInput, input, 'Enter your username and password.');
  const user = await repo.findUserByUsername(ctx.db, username);
  if (!user) {
    await verifyAgainstDummy(password, hashOptions(ctx));
    throw new Invalid(SIGN_IN_FAILED);
  }
  if (user.disabled) {
    await verifyAgainstDummy(password, hashOptions(ctx));
    await recordAudit(ctx, { action: 'auth.sign_in_refused', entity: 'user', entityId: user.id, actorId: null, after: { reason: 'disabled' } });
    throw new Invalid(SIGN_IN_FAILED);
  }
  const check = await checkPasswordUnderLockout(ctx, user, password, 'auth.sign_in_failed', { lastLoginAt: ctx.clock.now() });
  if (check.outcome !== 'right') throw new Invalid(SIGN_IN_FAILED);
  const { id } = await startSession(ctx, user.id, userAgent);
  await recordAudit(ctx, { action: 'auth.sign_in', entity: 'user', entityId: user.id, actorId: user.id });
  return { sessionId: id, actor: actorFromUser(user), mustChangePassword: user.mustChangePassword, recentFailures: check.recentFailures };
}

export interface ResolvedSession {
  actor: Actor;
  session: SessionRecord;
  mustChangePassword: boolean;
}

/** The signed-in user behind a session cookie, or null when the session is unknown, idle or expired. */
export async function resolveSession(ctx: AuthContext, sessionId: string): Promise<ResolvedSession | null> {
  const idHash = sha256(sessionId);
  // The database's store reads the account with the session, in one statement; Redis's cannot.
  const found = ctx.sessions.getWithUser ? await ctx.sessions.getWithUser(idHash) : await sessionThenUser(ctx, idHash);
  if (!found) return null;
  const { session, user } = found;
  const now = ctx.clock.now().getTime();
  const idle = now - session.lastSeenAt.getTime() > ctx.config.sessionIdleTimeoutMs;
  if (idle || session.expiresAt.getTime() <= now) {
    await ctx.sessions.destroy(idHash);
    return null;
  }
  if (!user || user.disabled) {
    await ctx.sessions.destroy(idHash);
    return null;
  }
  if (now - session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
    await ctx.sessions.touch(idHash, new Date(now));
  }
  return { actor: actorFromUser(user), session, mustChangePassword: user.mustChangePassword };
}

async function sessionThenUser(ctx: AuthContext, idHash: string) {
  const session = await ctx.sessions.get(idHash);
  return session ? { session, user: await repo.findUserById(ctx.db, session.userId) } : null;
}

export async function signOut(ctx: AuthContext, sessionId: string): Promise<void> {
  const idHash = sha256(sessionId);
  const session = await ctx.sessions.get(idHash);
  await ctx.sessions.destroy(idHash);
  if (session) await recordAudit(ctx, { action: 'auth.sign_out', entity: 'user', entityId: session.userId, actorId: session.userId });
}

declare const confirmedBrand: unique symbol;
/** Proof that the signed-in user has just given their current password (confirmCurrentPassword). */
export interface PasswordConfirmed {
  readonly userId: number;
  readonly [confirmedBrand]: true;
}

/**
 * Checks the signed-in user's current password under the lockout: a wrong one counts as a failed
 * sign-in from this client, so a stolen session cannot be used to guess the password (security
 * review F4). Runs outside any transaction, before the change it confirms.
 */
export async function confirmCurrentPassword(ctx: ActorContext, password: unknown): Promise<PasswordConfirmed> {
  if (typeof password !== 'string' || password === '')
    throw new Invalid('Check the highlighted fields.', { currentPassword: 'Enter your current password.' });
  const user = await repo.findUserById(ctx.db, ctx.actor.userId);
  if (!user || user.disabled) throw new NotFound();
  const check = await checkPasswordUnderLockout(ctx, user, password.slice(0, 1024), 'auth.password_check_failed');
  if (check.outcome === 'locked')
    throw new Invalid('Check the highlighted fields.', { currentPassword: `Too many wrong passwords: wait ${LOCKOUT_MS / 60_000} minutes, then try again.` });
  if (check.outcome === 'wrong') throw new Invalid('Check the highlighted fields.', { currentPassword: 'The current password is not correct.' });
  return { userId: user.id } as PasswordConfirmed;
}

export interface OwnPasswordChange {
  confirmed: PasswordConfirmed;
  newPassword: string;
  /** The owner asked to revoke their API tokens as well. */
  revokeTokens: boolean;
}

/**
 * Checks a password change form: every rule of the new password first (no guess is spent on a form
 * that would be refused anyway), then the current password under the lockout.
 */
export async function prepareOwnPasswordChange(ctx: ActorContext, input: unknown): Promise<OwnPasswordChange> {
  authorize(ctx.actor, 'profile.changePassword');
  const { currentPassword, newPassword, confirmPassword, revokeTokens } = validate(ChangePasswordInput, input);
  const fields: Record<string, string> = {};
  const problem = passwordProblem(newPassword, { username: ctx.actor.username });
  if (problem) fields.newPassword = problem;
  else if (newPassword === currentPassword) fields.newPassword = 'Choose a password different from the current one.';
  if (newPassword !== confirmPassword) fields.confirmPassword = 'The two new passwords differ.';
  if (Object.keys(fields).length) throw new Invalid('Check the highlighted fields.', fields);
  const confirmed = await confirmCurrentPassword(ctx, currentPassword);
  return { confirmed, newPassword, revokeTokens: revokeTokens === true };
}

/** Changes the actor's own password, ends every session of theirs and starts a fresh one. */
export async function changeOwnPassword(ctx: AuthContext & ActorContext, change: OwnPasswordChange, userAgent: string | null) {
  authorize(ctx.actor, 'profile.changePassword');
  if (change.confirmed.userId !== ctx.actor.userId) throw new NotFound();
  const now = ctx.clock.now();
  await repo.updateUser(ctx.db, ctx.actor.userId, {
    passwordHash: await hashNewPassword(ctx, change.newPassword),
    mustChangePassword: false,
    passwordChangedAt: now,
    updatedAt: now,
  });
  await ctx.sessions.destroyForUser(ctx.actor.userId);
  const tokensRevoked = change.revokeTokens ? await revokeAllTokensOfUser(ctx, ctx.actor.userId) : 0;
  await recordAudit(ctx, { action: 'auth.password_changed', entity: 'user', entityId: ctx.actor.userId, ...(tokensRevoked ? { after: { tokensRevoked } } : {}) });
  const session = await startSession(ctx, ctx.actor.userId, userAgent);
  return { ...session, tokensRevoked };
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

// Personal API tokens. They work under /api/ only (the session plugin ignores them elsewhere), so a
// token can neither reach the account pages nor make more tokens; the owner makes one on
// /account/tokens with their current password, an operator with `fms token create`.

export const TOKEN_PREFIX = 'fms_';
/** Active (not revoked, not expired) tokens an account may hold at once. */
export const MAX_ACTIVE_TOKENS = 20;

export interface OwnTokenRequest {
  confirmed: PasswordConfirmed;
  name: string;
  expiresInDays?: number;
}

async function assertMayHoldAnotherToken(ctx: ActorContext) {
  // Tokens of an account that still holds a one-time password are refused (see the session
  // plugin), so making one would only hand out something that does not work.
  const owner = await repo.findUserById(ctx.db, ctx.actor.userId);
  if (owner?.mustChangePassword)
    throw new Invalid(`The account "${owner.username}" still has a one-time password; its owner signs in and chooses a password first (or the account is made with a chosen password).`);
  const active = await repo.countActiveTokensOfUser(ctx.db, ctx.actor.userId, ctx.clock.now());
  if (active >= MAX_ACTIVE_TOKENS)
    throw new Invalid(`This account has ${active} active API tokens, the most it may hold: revoke one it no longer uses (Account › API tokens), then create the new one.`, {
      name: `Revoke a token you no longer use first: an account holds at most ${MAX_ACTIVE_TOKENS} active tokens.`,
    });
}

/** Checks the new-token form, then the current password under the lockout (outside a transaction). */
export async function prepareOwnToken(ctx: ActorContext, input: unknown): Promise<OwnTokenRequest> {
  authorize(ctx.actor, 'profile.manageTokens');
  const { name, expiresInDays, currentPassword } = validate(CreateTokenInput, input);
  await assertMayHoldAnotherToken(ctx);
  const confirmed = await confirmCurrentPassword(ctx, currentPassword);
  return { confirmed, name, ...(expiresInDays ? { expiresInDays } : {}) };
}

/** Makes the token the owner asked for on /account/tokens (after prepareOwnToken). */
export async function createApiToken(ctx: ActorContext, request: OwnTokenRequest) {
  authorize(ctx.actor, 'profile.manageTokens');
  if (request.confirmed.userId !== ctx.actor.userId) throw new NotFound();
  return issueToken(ctx, request);
}

/**
 * An operator's token for an account (`fms token create`): whoever runs the CLI already holds the
 * database, so no password is asked; the audit entry says it came from the command line.
 */
export async function createApiTokenAsOperator(ctx: ActorContext, input: unknown) {
  authorize(ctx.actor, 'profile.manageTokens');
  return issueToken(ctx, validate(TokenFields, input), { via: 'cli' });
}

async function issueToken(ctx: ActorContext, request: { name: string; expiresInDays?: number }, audit: Record<string, string> = {}) {
  await assertMayHoldAnotherToken(ctx);
  const token = TOKEN_PREFIX + randomToken(32);
  const now = ctx.clock.now();
  const row = await repo.insertToken(ctx.db, {
    userId: ctx.actor.userId,
    name: request.name,
    tokenHash: sha256(token),
    prefix: token.slice(0, TOKEN_PREFIX.length + 6),
    createdAt: now,
    expiresAt: request.expiresInDays ? new Date(now.getTime() + request.expiresInDays * 86_400_000) : null,
  });
  await recordAudit(ctx, { action: 'token.created', entity: 'api_token', entityId: row.id, after: { name: request.name, prefix: row.prefix, expiresAt: row.expiresAt, ...audit } });
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

/**
 * Revokes every active token of an account, for good: a password reset, disabling the account, or
 * its owner's password change when asked. The calling service authorizes its action first.
 */
export function revokeAllTokensOfUser(ctx: Pick<ServiceContext, 'db' | 'clock'>, userId: number): Promise<number> {
  return repo.revokeTokensOfUser(ctx.db, userId, ctx.clock.now());
}

export function countActiveTokens(ctx: Pick<ServiceContext, 'db' | 'clock'>, userId: number): Promise<number> {
  return repo.countActiveTokensOfUser(ctx.db, userId, ctx.clock.now());
}

/** The actor behind a bearer token, or null when unknown, revoked, expired or its user disabled. */
export async function resolveApiToken(ctx: ServiceContext, token: string): Promise<{ actor: Actor; tokenHash: string; mustChangePassword: boolean } | null> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
  const tokenHash = sha256(token);
  const found = await repo.findTokenWithUser(ctx.db, tokenHash);
  const now = ctx.clock.now();
  if (!found) return null;
  const { token: row, user } = found;
  if (row.revokedAt || (row.expiresAt && row.expiresAt.getTime() <= now.getTime())) return null;
  if (user.disabled) return null;
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

/** Which of these usernames are taken (by the unique index: the cost follows the names asked about). */
export async function takenUsernames(ctx: Pick<ServiceContext, 'db'>, names: readonly string[]): Promise<Set<string>> {
  return new Set(await repo.takenUsernames(ctx.db, names));
}

export function insertUsers(ctx: Pick<ServiceContext, 'db'>, users: Parameters<typeof repo.insertUsers>[1]) {
  return repo.insertUsers(ctx.db, users);
}

export function findUserOfPerson(ctx: Pick<ServiceContext, 'db'>, person: { studentId: number } | { lecturerId: number }) {
  return 'studentId' in person ? repo.findUserOfStudent(ctx.db, person.studentId) : repo.findUserOfLecturer(ctx.db, person.lecturerId);
}
