// Rate limits: a generous global limit per client, tighter ones where routes ask (sign-in, API).
// Counters live in memory, or in Redis when RATELIMIT_STORAGE_URI is a Redis URL so every worker
// and server shares them.
import rateLimit from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { sha256 } from '../lib/secrets.js';
import './types.js';

export const GLOBAL_LIMIT_PER_MINUTE = 600;
export const SIGN_IN_LIMIT_PER_MINUTE = 10;
export const API_LIMIT_PER_HOUR = 1000;

/** API calls are counted per token (whoever holds it, from wherever), everything else per client. */
export function rateLimitKey(request: FastifyRequest): string {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  return match ? `token:${sha256(match[1]!)}` : `ip:${request.ip}`;
}

export default fp(
  async (app) => {
    const { redis } = app.deps;
    await app.register(rateLimit, {
      global: true,
      max: GLOBAL_LIMIT_PER_MINUTE,
      timeWindow: '1 minute',
      keyGenerator: rateLimitKey,
      ...(redis ? { redis, nameSpace: 'fms:ratelimit:' } : {}),
      enableDraftSpec: true,
      skipOnError: false,
      allowList: (request) => request.url === '/healthz' || request.url === '/readyz' || request.url.startsWith('/static/'),
      errorResponseBuilder: (_request, context) => ({
        statusCode: 429,
        code: 'rate_limited',
        message: `Too many requests; try again in ${context.after}.`,
      }),
    });
  },
  { name: 'fms-rate-limit' },
);
