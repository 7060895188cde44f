// Rate limits: a generous global limit per client (RATELIMIT_DEFAULT), tighter ones where routes ask:
// sign-in, and the API's budget per token (API_RATELIMIT, applied in features/api/routes.ts).
// Counters live in memory, or in Redis when RATELIMIT_STORAGE_URI is a Redis URL so every worker
// and server shares them.
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../lib/errors.js';
import fp from 'fastify-plugin';
import { clientOf } from '../lib/client-address.js';
import { sendNotFound } from './error-handler.js';
import './types.js';

export const SIGN_IN_LIMIT_PER_MINUTE = 10;

const windowWords: Record<number, string> = { 1000: 'a second', 60_000: 'a minute', 3_600_000: 'an hour', 86_400_000: 'a day' };

/** A rate as the docs say it: "1000 requests an hour". */
export function rateInWords(rate: { max: number; windowMs: number }): string {
  return `${rate.max} request${rate.max === 1 ? '' : 's'} ${windowWords[rate.windowMs] ?? `per ${rate.windowMs / 1000} s`}`;
}

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

/**
 * The assistant's limit per person (ASSISTANT_RATELIMIT), for its page and its API call alike: a
 * question may cost a model's answer, so it is counted per account, wherever it is asked from.
 * A preHandler, once the session or token has said who asks. Made once (app.ts) and given to both
 * routes: each limiter keeps its own counters. Beside, not instead of, the global and API limits
 * (a request counts in those first; @fastify/rate-limit's own hooks run one limiter a request).
 */
export type AssistantLimit = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

export function assistantLimit(app: FastifyInstance): AssistantLimit {
  const { max, windowMs } = app.deps.config.assistantRateLimit;
  const check = app.createRateLimit({ max, timeWindow: windowMs, keyGenerator: (request) => (request.actor ? `assistant:user:${request.actor.userId}` : `assistant:${clientKey(request)}`) });
  return async (request, reply) => {
    const limit = await check(request);
    if (limit.isAllowed || !limit.isExceeded) return;
    reply.header('retry-after', String(limit.ttlInSeconds));
    throw new AppError(429, 'rate_limited', `You have asked ${max} questions within ${rateInWords({ max, windowMs }).replace(/^\d+ requests? /, '')}: try again in ${limit.ttlInSeconds} seconds.`);
  };
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
    // The not-found handler is no route, so the global limit reaches it only when asked: without
    // this, a client guessing addresses is never limited (and a limited one still gets 404s).
    app.setNotFoundHandler({ preHandler: app.rateLimit() }, (request, reply) => sendNotFound(request, reply));
  },
  { name: 'fms-rate-limit' },
);
