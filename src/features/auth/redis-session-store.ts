// Sessions in Redis: one key per session (expiring with it) and one set per user to list and end
// them. Shared by every worker and server that points at the same Redis.
import type { Redis } from 'ioredis';
import type { SessionRecord, SessionStore } from '../../session-store.js';

interface Stored extends Omit<SessionRecord, 'createdAt' | 'lastSeenAt' | 'expiresAt'> {
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
}

export function redisSessionStore(redis: Redis, options: { prefix?: string; idleTimeoutMs: number }): SessionStore {
  const prefix = options.prefix ?? 'fms:';
  const key = (h: string) => `${prefix}session:${h}`;
  const userKey = (u: number) => `${prefix}user-sessions:${u}`;
  const ttl = (s: SessionRecord, now: Date) =>
    Math.max(1, Math.min(s.expiresAt.getTime() - now.getTime(), options.idleTimeoutMs));

  const decode = (text: string | null): SessionRecord | null => {
    if (!text) return null;
    const s = JSON.parse(text) as Stored;
    return { ...s, createdAt: new Date(s.createdAt), lastSeenAt: new Date(s.lastSeenAt), expiresAt: new Date(s.expiresAt) };
  };

  const get = async (h: string) => decode(await redis.get(key(h)));

  return {
    async save(s) {
      await redis
        .multi()
        .set(key(s.idHash), JSON.stringify(s), 'PX', ttl(s, s.lastSeenAt))
        .sadd(userKey(s.userId), s.idHash)
        .pexpire(userKey(s.userId), Math.max(1, s.expiresAt.getTime() - s.lastSeenAt.getTime()))
        .exec();
    },
    get,
    async touch(h, at) {
      const s = await get(h);
      if (!s) return;
      const touched = { ...s, lastSeenAt: at };
      await redis.set(key(h), JSON.stringify(touched), 'PX', ttl(touched, at));
    },
    async destroy(h) {
      const s = await get(h);
      await redis.del(key(h));
      if (s) await redis.srem(userKey(s.userId), h);
    },
    async listForUser(u) {
      const hashes = await redis.smembers(userKey(u));
      if (hashes.length === 0) return [];
      const values = await redis.mget(hashes.map(key));
      const stale = hashes.filter((_, i) => !values[i]);
      if (stale.length) await redis.srem(userKey(u), ...stale);
      return values
        .map(decode)
        .filter((s): s is SessionRecord => s !== null)
        .sort((a, b) => b.lastSeenAt.getTime() - a.lastSeenAt.getTime());
    },
    async destroyForUser(u, except) {
      const hashes = (await redis.smembers(userKey(u))).filter((h) => h !== except);
      if (hashes.length === 0) return 0;
      const removed = await redis.del(...hashes.map(key));
      await redis.srem(userKey(u), ...hashes);
      return removed;
    },
    async sweep() {
      return 0;
    },
  };
}
