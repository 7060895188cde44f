// Where server-side sessions live: the database by default, Redis when RATELIMIT_STORAGE_URI is a
// Redis URL (shared by every worker and server). Both keep only the sha256 of the session id.
import type { Db } from '../../db/index.js';
import type { Session } from '../../db/schema.js';
import * as repo from './repository.js';

export type SessionRecord = Session;

export interface SessionStore {
  save(session: SessionRecord): Promise<void>;
  get(idHash: string): Promise<SessionRecord | null>;
  touch(idHash: string, at: Date): Promise<void>;
  destroy(idHash: string): Promise<void>;
  listForUser(userId: number): Promise<SessionRecord[]>;
  /** Ends every session of the user, except one when given; returns how many ended. */
  destroyForUser(userId: number, exceptIdHash?: string): Promise<number>;
  /** Removes expired sessions (Redis expires them by itself). */
  sweep(now: Date): Promise<number>;
}

export function databaseSessionStore(db: Db): SessionStore {
  return {
    save: (s) => repo.insertSession(db, s),
    get: async (h) => (await repo.findSession(db, h)) ?? null,
    touch: (h, at) => repo.touchSession(db, h, at),
    destroy: (h) => repo.deleteSession(db, h),
    listForUser: (u) => repo.listSessionsOfUser(db, u),
    destroyForUser: (u, except) => repo.deleteSessionsOfUser(db, u, except),
    sweep: (now) => repo.deleteExpiredSessions(db, now),
  };
}
