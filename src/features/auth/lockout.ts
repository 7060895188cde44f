// The lockout: how many wrong passwords an account accepts, from one client and from everyone.
//
// Every password check (sign-in, the current password on /account/password and on token creation)
// first reserves its place in two counts, each with one atomic statement: the pair of account and
// client (an IPv4 address or an IPv6 /64), and the account as a whole. A check whose reservation is
// refused is never made. So 100 simultaneous guesses, from one worker or many, from one server or
// several, get at most CLIENT_MAX_FAILURES (per client) and ACCOUNT_MAX_FAILURES (in all) password
// checks: the lock cannot be outrun while it is being written (security review F1).
//
// Locking the pair first keeps one noisy client from locking everyone else out (F10): a stranger
// who types a lecturer's username five times locks only their own address out of that account. The
// account as a whole locks only at a higher count, which takes several clients, and still keeps a
// distributed guesser far under ASVS 2.2.1's 100 failed attempts an hour.
import type { ServiceContext } from '../../context.js';
import type { User, UserUpdate } from '../../db/schema.js';
import { clientOf } from '../../lib/client-address.js';
import { isOneTimeHash, verifyAgainstDummy, verifyPassword } from '../../lib/passwords.js';
import { recordAudit } from '../audit/service.js';
import * as repo from './repository.js';

/** Wrong passwords from one client that lock that client out of the account. */
export const CLIENT_MAX_FAILURES = 5;
/** The client's count starts again this long after its first failure. */
export const CLIENT_WINDOW_MS = 15 * 60_000;
/** Wrong passwords from all clients together that lock the account as a whole. */
export const ACCOUNT_MAX_FAILURES = 20;
/** The account's count starts again this long after its first failure. */
export const ACCOUNT_WINDOW_MS = 60 * 60_000;
/** How long either lock lasts. */
export const LOCKOUT_MS = 15 * 60_000;

export type PasswordCheck =
  | { outcome: 'right'; /** Wrong passwords for the account since its count last started, from anywhere. */ recentFailures: number }
  | { outcome: 'wrong' }
  | { outcome: 'locked' };

function hashOptions(ctx: ServiceContext) {
  return { fast: ctx.config.mode === 'testing' };
}

/**
 * Checks a password of an existing, enabled account under the lockout. Must run outside any
 * transaction (the route's or the CLI's): a rollback would give a counted guess back.
 *
 * `failedAction` is the audit entry of a wrong password ('auth.sign_in_failed' or
 * 'auth.password_check_failed'); a wrong password that locks records the lock instead.
 */
export async function checkPasswordUnderLockout(
  ctx: ServiceContext,
  user: User,
  password: string,
  failedAction: string,
  /** Changes to the account when the password is right, written with the cleared counts. */
  onRight: UserUpdate = {},
): Promise<PasswordCheck> {
  const now = ctx.clock.now();
  const client = clientOf(ctx.ip);
  const clientCount = await repo.reserveClientAttempt(ctx.db, user.id, client, {
    now,
    windowStart: new Date(now.getTime() - CLIENT_WINDOW_MS),
    max: CLIENT_MAX_FAILURES,
  });
  const accountCount =
    clientCount === null
      ? null
      : await repo.reserveAccountAttempt(ctx.db, user.id, { now, windowStart: new Date(now.getTime() - ACCOUNT_WINDOW_MS), max: ACCOUNT_MAX_FAILURES });
  if (clientCount === null || accountCount === null) {
    if (clientCount !== null) await repo.releaseClientAttempt(ctx.db, user.id, client);
    // The same work as a real check, so a locked account cannot be told apart by timing.
    await verifyAgainstDummy(password, hashOptions(ctx));
    await recordAudit(ctx, { action: 'auth.sign_in_refused', entity: 'user', entityId: user.id, actorId: null, after: { reason: clientCount === null ? 'client locked' : 'account locked' } });
    return { outcome: 'locked' };
  }

  const right = await verifyPassword(user.passwordHash, password);
  // A one-time password's hash is light (ADR 0007): add the usual work so the answer takes as long.
  if (isOneTimeHash(user.passwordHash)) await verifyAgainstDummy(password, hashOptions(ctx));
  if (right) {
    await repo.clearFailures(ctx.db, user.id, client, onRight);
    return { outcome: 'right', recentFailures: accountCount - 1 };
  }

  const until = new Date(now.getTime() + LOCKOUT_MS);
  const minutes = LOCKOUT_MS / 60_000;
  if (accountCount >= ACCOUNT_MAX_FAILURES) {
    await repo.lockAccount(ctx.db, user.id, until);
    await recordAudit(ctx, { action: 'auth.locked', entity: 'user', entityId: user.id, actorId: null, after: { minutes, failures: accountCount } });
    ctx.log.warn({ userId: user.id }, 'account locked after repeated wrong passwords from several clients');
  } else if (clientCount >= CLIENT_MAX_FAILURES) {
    await repo.lockClient(ctx.db, user.id, client, until);
    await recordAudit(ctx, { action: 'auth.client_locked', entity: 'user', entityId: user.id, actorId: null, after: { minutes, client } });
    ctx.log.warn({ userId: user.id, client }, 'one client locked out of an account after repeated wrong passwords');
  } else {
    await recordAudit(ctx, { action: failedAction, entity: 'user', entityId: user.id, actorId: null });
  }
  return { outcome: 'wrong' };
}

/** Lifts every lock of the account and starts its counts again (an admin's password reset). */
export async function clearLockout(ctx: Pick<ServiceContext, 'db'>, userId: number): Promise<void> {
  await repo.clearFailures(ctx.db, userId, null);
}

/** Deletes the counts whose window and lock are over (run hourly with the session sweep). */
export function sweepLockout(ctx: Pick<ServiceContext, 'db'>, now: Date): Promise<number> {
  return repo.deleteStaleFailures(ctx.db, new Date(now.getTime() - Math.max(CLIENT_WINDOW_MS, LOCKOUT_MS)), now);
}
