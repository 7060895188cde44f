// Queries for accounts, sessions and API tokens.
import { sql, type SqlBool } from 'kysely';
import { dialectOf, type Db } from '../../db/index.js';
import type { NewUser, Session, User, UserUpdate } from '../../db/schema.js';

export function findUserByUsername(db: Db, username: string) {
  return db.selectFrom('users').selectAll().where('username', '=', username.toLowerCase()).executeTakeFirst();
}

export function findUserById(db: Db, id: number) {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertUser(db: Db, user: NewUser) {
  return db.insertInto('users').values(user).returningAll().executeTakeFirstOrThrow();
}

export async function updateUser(db: Db, id: number, changes: UserUpdate) {
  await db.updateTable('users').set(changes).where('id', '=', id).execute();
}

// The lockout (lockout.ts). Each reservation is one statement, atomic on SQLite and PostgreSQL, and
// must not run inside a longer transaction: a rollback would take the counted attempt back.

export interface LockoutWindow {
  now: Date;
  /** Failures that started at or before this instant have expired: the count starts again. */
  windowStart: Date;
  max: number;
}

/**
 * Counts one more password check of the account from the client, or answers null (and counts
 * nothing) while the pair is locked or already holds `max` checks in its window.
 */
export async function reserveClientAttempt(db: Db, userId: number, client: string, w: LockoutWindow): Promise<number | null> {
  const row = await db
    .insertInto('signInFailures')
    .values({ userId, client, failures: 1, firstFailedAt: w.now, lockedUntil: null })
    .onConflict((oc) =>
      oc
        .columns(['userId', 'client'])
        .doUpdateSet((eb) => {
          const expired = eb('signInFailures.firstFailedAt', '<=', w.windowStart);
          return {
            failures: eb.case().when(expired).then(1).else(eb('signInFailures.failures', '+', 1)).end(),
            firstFailedAt: eb.case().when(expired).then(w.now).else(eb.ref('signInFailures.firstFailedAt')).end(),
          };
        })
        .where((eb) =>
          eb.and([
            eb.or([eb('signInFailures.lockedUntil', 'is', null), eb('signInFailures.lockedUntil', '<=', w.now)]),
            eb.or([eb('signInFailures.firstFailedAt', '<=', w.windowStart), eb('signInFailures.failures', '<', w.max)]),
          ]),
        ),
    )
    .returning('failures')
    .executeTakeFirst();
  return row ? row.failures : null;
}

/** The same for the account as a whole, on its users row. */
export async function reserveAccountAttempt(db: Db, userId: number, w: LockoutWindow): Promise<number | null> {
  const row = await db
    .updateTable('users')
    .set((eb) => {
      const expired = eb.or([eb('firstFailedLoginAt', 'is', null), eb('firstFailedLoginAt', '<=', w.windowStart)]);
      return {
        failedLogins: eb.case().when(expired).then(1).else(eb('failedLogins', '+', 1)).end(),
        firstFailedLoginAt: eb.case().when(expired).then(w.now).else(eb.ref('firstFailedLoginAt')).end(),
      };
    })
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('lockedUntil', 'is', null), eb('lockedUntil', '<=', w.now)]))
    .where((eb) => eb.or([eb('firstFailedLoginAt', 'is', null), eb('firstFailedLoginAt', '<=', w.windowStart), eb('failedLogins', '<', w.max)]))
    .returning('failedLogins')
    .executeTakeFirst();
  return row ? row.failedLogins : null;
}

/** Gives back a reserved client check that was never made (the account turned out locked). */
export async function releaseClientAttempt(db: Db, userId: number, client: string) {
  await db
    .updateTable('signInFailures')
    .set((eb) => ({ failures: eb.case().when('failures', '>', 0).then(eb('failures', '-', 1)).else(0).end() }))
    .where('userId', '=', userId)
    .where('client', '=', client)
    .execute();
}

/** Locks the pair; its count starts again when the lock ends. */
export async function lockClient(db: Db, userId: number, client: string, until: Date) {
  await db.updateTable('signInFailures').set({ lockedUntil: until, failures: 0 }).where('userId', '=', userId).where('client', '=', client).execute();
}

/** Locks the account as a whole; its count starts again when the lock ends. */
export async function lockAccount(db: Db, userId: number, until: Date) {
  await db.updateTable('users').set({ lockedUntil: until, failedLogins: 0, firstFailedLoginAt: null }).where('id', '=', userId).execute();
}

/**
 * A right password: the client's count and the account's start again (`also`: more changes to the
 * account in the same statement, such as the sign-in time). The two statements touch different
 * rows, so they run side by side: on PostgreSQL that is one round trip less for every sign-in.
 */
export async function clearFailures(db: Db, userId: number, client: string | null, also: UserUpdate = {}) {
  let query = db.deleteFrom('signInFailures').where('userId', '=', userId);
  if (client !== null) query = query.where('client', '=', client);
  await Promise.all([
    query.execute(),
    db.updateTable('users').set({ ...also, failedLogins: 0, firstFailedLoginAt: null, lockedUntil: null }).where('id', '=', userId).execute(),
  ]);
}

/** Rows whose window and lock are both over; they would only start again from zero. */
export async function deleteStaleFailures(db: Db, windowStart: Date, now: Date): Promise<number> {
  const result = await db
    .deleteFrom('signInFailures')
    .where('firstFailedAt', '<=', windowStart)
    .where((eb) => eb.or([eb('lockedUntil', 'is', null), eb('lockedUntil', '<=', now)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

// Sessions (the database store; see redis-session-store.ts for the Redis one).

export async function insertSession(db: Db, session: Session) {
  await db.insertInto('sessions').values(session).execute();
}

export function findSession(db: Db, idHash: string) {
  return db.selectFrom('sessions').selectAll().where('idHash', '=', idHash).executeTakeFirst();
}

/**
 * A session and its account in one statement: every signed-in page looks both up, and on
 * PostgreSQL each statement is a round trip. A session whose account is gone is no session.
 */
export async function findSessionWithUser(db: Db, idHash: string): Promise<{ session: Session; user: User } | null> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.userId')
    .selectAll('users')
    .select(['sessions.createdAt as sessionCreatedAt', 'sessions.lastSeenAt as sessionLastSeenAt', 'sessions.expiresAt as sessionExpiresAt', 'sessions.ip as sessionIp', 'sessions.userAgent as sessionUserAgent'])
    .where('sessions.idHash', '=', idHash)
    .executeTakeFirst();
  if (!row) return null;
  const { sessionCreatedAt, sessionLastSeenAt, sessionExpiresAt, sessionIp, sessionUserAgent, ...user } = row;
  return { session: { idHash, userId: user.id, createdAt: sessionCreatedAt, lastSeenAt: sessionLastSeenAt, expiresAt: sessionExpiresAt, ip: sessionIp, userAgent: sessionUserAgent }, user };
}

export async function touchSession(db: Db, idHash: string, at: Date) {
  await db.updateTable('sessions').set({ lastSeenAt: at }).where('idHash', '=', idHash).execute();
}

export async function deleteSession(db: Db, idHash: string) {
  await db.deleteFrom('sessions').where('idHash', '=', idHash).execute();
}

export function listSessionsOfUser(db: Db, userId: number) {
  return db.selectFrom('sessions').selectAll().where('userId', '=', userId).orderBy('lastSeenAt', 'desc').execute();
}

export async function deleteSessionsOfUser(db: Db, userId: number, exceptIdHash?: string): Promise<number> {
  let query = db.deleteFrom('sessions').where('userId', '=', userId);
  if (exceptIdHash) query = query.where('idHash', '!=', exceptIdHash);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function deleteExpiredSessions(db: Db, now: Date): Promise<number> {
  const result = await db.deleteFrom('sessions').where('expiresAt', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}

// API tokens.

export async function insertToken(
  db: Db,
  token: { userId: number; name: string; tokenHash: string; prefix: string; createdAt: Date; expiresAt: Date | null },
) {
  return db.insertInto('apiTokens').values(token).returningAll().executeTakeFirstOrThrow();
}

export function listTokensOfUser(db: Db, userId: number) {
  return db
    .selectFrom('apiTokens')
    .select(['id', 'name', 'prefix', 'createdAt', 'lastUsedAt', 'expiresAt', 'revokedAt'])
    .where('userId', '=', userId)
    .orderBy('createdAt', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

/** A token and its account in one statement (every API request looks both up; see findSessionWithUser). */
export async function findTokenWithUser(db: Db, tokenHash: string) {
  const row = await db
    .selectFrom('apiTokens')
    .innerJoin('users', 'users.id', 'apiTokens.userId')
    .selectAll('users')
    .select(['apiTokens.id as tokenId', 'apiTokens.lastUsedAt as tokenLastUsedAt', 'apiTokens.expiresAt as tokenExpiresAt', 'apiTokens.revokedAt as tokenRevokedAt'])
    .where('apiTokens.tokenHash', '=', tokenHash)
    .executeTakeFirst();
  if (!row) return null;
  const { tokenId, tokenLastUsedAt, tokenExpiresAt, tokenRevokedAt, ...user } = row;
  return { token: { id: tokenId, lastUsedAt: tokenLastUsedAt, expiresAt: tokenExpiresAt, revokedAt: tokenRevokedAt }, user };
}

export async function revokeToken(db: Db, userId: number, tokenId: number, at: Date): Promise<boolean> {
  const result = await db
    .updateTable('apiTokens')
    .set({ revokedAt: at })
    .where('id', '=', tokenId)
    .where('userId', '=', userId)
    .where('revokedAt', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Revokes every active token of the account (expired ones stay as they are); answers how many. */
export async function revokeTokensOfUser(db: Db, userId: number, at: Date): Promise<number> {
  const result = await db
    .updateTable('apiTokens')
    .set({ revokedAt: at })
    .where('userId', '=', userId)
    .where('revokedAt', 'is', null)
    .where((eb) => eb.or([eb('expiresAt', 'is', null), eb('expiresAt', '>', at)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Tokens that still work: neither revoked nor expired. */
export async function countActiveTokensOfUser(db: Db, userId: number, now: Date): Promise<number> {
  const row = await db
    .selectFrom('apiTokens')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('userId', '=', userId)
    .where('revokedAt', 'is', null)
    .where((eb) => eb.or([eb('expiresAt', 'is', null), eb('expiresAt', '>', now)]))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function markTokenUsed(db: Db, tokenId: number, at: Date) {
  await db.updateTable('apiTokens').set({ lastUsedAt: at }).where('id', '=', tokenId).execute();
}

/** Enabled accounts whose password has not changed since the given instant. */
export async function usernamesWithPasswordUnchangedSince(db: Db, at: Date): Promise<string[]> {
  const rows = await db
    .selectFrom('users')
    .select('username')
    .where('passwordChangedAt', '<=', at)
    .where('disabled', '=', false)
    .orderBy('username')
    .execute();
  return rows.map((r) => r.username);
}

/** How many names one lookup asks about (one parameter holds them, so every lookup is one SQL text; the query-plan test checks this many). */
const NAMES_PER_LOOKUP = 500;

/** Which of these usernames are taken: lookups by the unique index, never a read of every account. */
export async function takenUsernames(db: Db, names: readonly string[]): Promise<string[]> {
  const unique = [...new Set(names)];
  const out: string[] = [];
  for (let i = 0; i < unique.length; i += NAMES_PER_LOOKUP) {
    const chunk = unique.slice(i, i + NAMES_PER_LOOKUP);
    const rows = await db.selectFrom('users').select('username').where(sql<SqlBool>`username in (${amongNames(db, chunk)})`).execute();
    out.push(...rows.map((r) => r.username));
  }
  return out;
}

/**
 * The names as a subquery of one parameter. Not `username in ($1, …, $500)`: with hundreds of
 * values PostgreSQL 15 took the trigram index built for the accounts' search (users_username_trgm,
 * which answers equality too) and spent 3 s on 500 names at `large`, where the unique index finds
 * them in 9 ms; a subquery is looked up name by name in the unique index (bench/RESULTS.md). The
 * trigram index is over lower(username) since migration 0013, so it can no longer answer this at all.
 */
function amongNames(db: Db, names: readonly string[]) {
  return dialectOf(db) === 'postgres' ? sql`select unnest(${[...names]}::text[])` : sql`select value from json_each(${JSON.stringify(names)})`;
}

export async function insertUsers(db: Db, users: NewUser[]): Promise<{ id: number; username: string }[]> {
  const out: { id: number; username: string }[] = [];
  // Chunks stay under SQLite's bound-parameter limit (32,766) and keep statements small.
  for (let i = 0; i < users.length; i += 500) {
    out.push(...(await db.insertInto('users').values(users.slice(i, i + 500)).returning(['id', 'username']).execute()));
  }
  return out;
}

export function findUserOfStudent(db: Db, studentId: number) {
  return db.selectFrom('users').selectAll().where('studentId', '=', studentId).executeTakeFirst();
}

export function findUserOfLecturer(db: Db, lecturerId: number) {
  return db.selectFrom('users').selectAll().where('lecturerId', '=', lecturerId).executeTakeFirst();
}
