// Sessions in the database (the `sessions` table), the default store; redis-session-store.ts is the
// other one. The interface both implement is src/session-store.ts.
import type { Db } from '../../db/index.js';
import type { SessionStore } from '../../session-store.js';
import * as repo from './repository.js';

export function databaseSessionStore(db: Db): SessionStore {
  return {
    save: (s) => repo.insertSession(db, s),
    get: async (h) => (await repo.findSession(db, h)) ?? null,
    getWithUser: (h) => repo.findSessionWithUser(db, h),
    touch: (h, at) => repo.touchSession(db, h, at),
    destroy: (h) => repo.deleteSession(db, h),
    listForUser: (u) => repo.listSessionsOfUser(db, u),
    destroyForUser: (u, except) => repo.deleteSessionsOfUser(db, u, except),
    sweep: (now) => repo.deleteExpiredSessions(db, now),
  };
}
