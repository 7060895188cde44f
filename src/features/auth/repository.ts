// Queries for accounts, sessions and API tokens.
import { sql, type SqlBool } from 'kysely';
import type { Db } from '../../db/index.js';
import type { NewUser, Session, UserUpdate } from '../../db/schema.js';

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

/** Adds one failed sign-in atomically and returns the new count. */
export async function incrementFailedLogins(db: Db, id: number): Promise<number> {
  const row = await db
    .updateTable('users')
    .set((eb) => ({ failedLogins: eb('failedLogins', '+', 1) }))
    .where('id', '=', id)
    .returning('failedLogins')
    .executeTakeFirst();
  return row?.failedLogins ?? 0;
}

// Sessions (the database store; see redis-session-store.ts for the Redis one).

export async function insertSession(db: Db, session: Session) {
  await db.insertInto('sessions').values(session).execute();
}

export function findSession(db: Db, idHash: string) {
  return db.selectFrom('sessions').selectAll().where('idHash', '=', idHash).executeTakeFirst();
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

export function findTokenByHash(db: Db, tokenHash: string) {
  return db.selectFrom('apiTokens').selectAll().where('tokenHash', '=', tokenHash).executeTakeFirst();
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

/** Usernames equal to the base or starting with it (for picking the next free readable name). */
export async function usernamesStartingWith(db: Db, base: string): Promise<string[]> {
  const pattern = `${base.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const rows = await db.selectFrom('users').select('username').where(sql<SqlBool>`username like ${pattern} escape '\\'`).execute();
  return rows.map((r) => r.username);
}

export async function allUsernames(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('users').select('username').execute();
  return rows.map((r) => r.username);
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
