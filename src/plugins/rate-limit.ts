// Rate limits: a generous global limit per client, tighter ones where routes ask (sign-in, API).
// Counters live in memory, or in Redis when RATELIMIT_STORAGE_URI is a Redis URL so every worker
// and server shares them.
import rateLimit from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { clientOf } from '../lib/client-address.js';
import './types.js';

export const SIGN_IN_LIMIT_PER_MINUTE = 10;
export const API_LIMIT_PER_HOUR = 1000;

/** Everything is counted per client: an IPv4 address or an IPv6 /64 (lib/client-address.ts). */
export function clientKey(request: FastifyRequest): string {
  // Over a unix socket without TRUST_PROXY=unix there is no address: all such clients share one key.
  return `ip:${clientOf(request.ip)}`;
}

/**
 * API calls with a valid token are counted per token (whoever holds it, from wherever); calls with
 * no token or a bad one per client address, so guessing tokens cannot dodge the limit. The session
 * plugin has resolved the token by the time the route's limiter runs.
 */
export function apiKey(request: FastifyRequest): string {
  return request.tokenHash ? `token:${request.tokenHash}` : clientKey(request);
}

export default fp(
  async (app) => {
    const { redis, config } = app.deps;
    await app.register(rateLimit, {
      global: true,
      max: config.rateLimitDefault.max,
      timeWindow: config.rateLimitDefault.windowMs,
      keyGenerator: clientKey,
      ...(redis ? { redis, nameSpace: 'fms:ratelimit:' } : {}),
      enableDraftSpec: true,
      skipOnError: false,
      allowList: (request) => ['/healthz', '/metrics'].includes(request.url) || request.url.startsWith('/static/'),
      errorResponseBuilder: (_request, context) => ({
        statusCode: 429,
        code: 'rate_limited',
        message: `Too many requests; try again in ${context.after}.`,
      }),
    });
  },
  { name: 'fms-rate-limit' },
);
