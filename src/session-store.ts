// Where server-side sessions live, as the app and the CLI see it: the database by default
// (features/auth/session-store.ts), Redis when RATELIMIT_STORAGE_URI is a Redis URL
// (features/auth/redis-session-store.ts). Both keep only the sha256 of the session id. The
// interface sits below the features so the plugins that carry it on each request import no feature.
import type { Session, User } from './db/schema.js';

export type SessionRecord = Session;

export interface SessionStore {
  save(session: SessionRecord): Promise<void>;
  get(idHash: string): Promise<SessionRecord | null>;
  /**
   * The session and its account together, where the store can read both at once (the database's
   * can, in one statement; Redis holds no accounts). Without it, the account is read after.
   */
  getWithUser?(idHash: string): Promise<{ session: SessionRecord; user: User } | null>;
  touch(idHash: string, at: Date): Promise<void>;
  destroy(idHash: string): Promise<void>;
  listForUser(userId: number): Promise<SessionRecord[]>;
  /** Ends every session of the user, except one when given; returns how many ended. */
  destroyForUser(userId: number, exceptIdHash?: string): Promise<number>;
  /** Removes expired sessions (Redis expires them by itself). */
  sweep(now: Date): Promise<number>;
}
