// Counts failed attempts per client in a fixed window, in Redis when the app has it (so every worker
// and server shares the count, as the rate limiter's counters do) or in this process's memory.
// An attempt reserves its place before the secret is compared and a success gives it back, so a
// burst of simultaneous guesses cannot all pass a check made before any of them has failed.
import type { Redis } from 'ioredis';

export interface AttemptCounter {
  /** Counts one attempt for key; answers how many the window holds now and when it ends. */
  reserve(key: string): Promise<{ attempts: number; retryAfterMs: number }>;
  /** Gives back the attempt a success had reserved. */
  release(key: string): Promise<void>;
}

export function attemptCounter(options: { redis: Redis | null; prefix: string; windowMs: number }): AttemptCounter {
  return options.redis ? redisCounter(options.redis, options.prefix, options.windowMs) : memoryCounter(options.windowMs);
}

function redisCounter(redis: Redis, prefix: string, windowMs: number): AttemptCounter {
  return {
    async reserve(key) {
      // SET NX starts the window with its expiry; INCR keeps it. One MULTI: no key without expiry.
      const results = await redis.multi().set(`${prefix}${key}`, 0, 'PX', windowMs, 'NX').incr(`${prefix}${key}`).pttl(`${prefix}${key}`).exec();
      if (!results || results.some(([error]) => error)) throw new Error(`Redis refused the attempt counter: ${String(results?.find(([e]) => e)?.[0] ?? 'no reply')}`);
      return { attempts: Number(results[1]![1]), retryAfterMs: Math.max(Number(results[2]![1]), 0) };
    },
    async release(key) {
      // Only while the window lasts: a DECR after it expired would leave a key without expiry.
      await redis.eval("if redis.call('exists', KEYS[1]) == 1 then return redis.call('decr', KEYS[1]) end return 0", 1, `${prefix}${key}`);
    },
  };
}

function memoryCounter(windowMs: number): AttemptCounter {
  const windows = new Map<string, { attempts: number; endsAt: number }>();
  const current = (key: string, now: number) => {
    const window = windows.get(key);
    return window && window.endsAt > now ? window : undefined;
  };
  return {
    async reserve(key) {
      const now = Date.now();
      // Forget ended windows now and then, so guessing from many addresses cannot grow the map forever.
      if (windows.size > 10_000) for (const [k, w] of windows) if (w.endsAt <= now) windows.delete(k);
      const window = current(key, now) ?? { attempts: 0, endsAt: now + windowMs };
      window.attempts += 1;
      windows.set(key, window);
      return { attempts: window.attempts, retryAfterMs: window.endsAt - now };
    },
    async release(key) {
      const window = current(key, Date.now());
      if (window && window.attempts > 0) window.attempts -= 1;
    },
  };
}
