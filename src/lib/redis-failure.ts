// Why Redis does not answer, in an operator's words: "redis unreachable at localhost:4251: connect
// ECONNREFUSED 127.0.0.1:4251". A command that fails while ioredis reconnects says only "Reached the
// max retries per request limit"; the cause is the connection error ioredis emitted before it, so
// this keeps the last one until the connection is ready again.
import { causeOf } from './error-cause.js';

/** The part of an ioredis client this needs (its options and its events). */
export interface RedisLike {
  options: { host?: string; port?: number; path?: string | null };
  on(event: string, listener: (...args: any[]) => void): unknown;
  off(event: string, listener: (...args: any[]) => void): unknown;
}

/** `localhost:6379`, `[::1]:6379` or the socket path; never the password. */
export function redisAddress(redis: Pick<RedisLike, 'options'>): string {
  const { host, port, path } = redis.options;
  if (path) return path;
  const name = host ?? 'localhost';
  return `${name.includes(':') ? `[${name}]` : name}:${port ?? 6379}`;
}

export interface RedisFailures {
  /** The cause of `error` from a command: the connection's own error when there is one. */
  cause(error: unknown): string;
  /** `redis unreachable at <address>: <cause>` */
  describe(error: unknown): string;
  stop(): void;
}

export function watchRedisFailures(redis: RedisLike): RedisFailures {
  let last: Error | null = null;
  const onError = (error: Error) => {
    last = error;
  };
  const onReady = () => {
    last = null;
  };
  redis.on('error', onError);
  redis.on('ready', onReady);
  const cause = (error: unknown) => causeOf(last ?? error);
  return {
    cause,
    describe: (error) => `redis unreachable at ${redisAddress(redis)}: ${cause(error)}`,
    stop() {
      redis.off('error', onError);
      redis.off('ready', onReady);
    },
  };
}
