// What every API route does with its request: the rate limit per token, the caller (401 without a
// token), a read context or one transaction for a write, the record id from the URL. Typed by the
// parts of Fastify's request it uses, so only the routes files import Fastify.
import type { Actor } from '../../access.js';
import type { TSchema } from 'typebox';
import { Invalid, NotFound, Unauthenticated, type FieldMessages } from '../../lib/errors.js';
import { validate } from '../../lib/validation.js';
import type { AuthContext } from '../../context.js';

/** The version of the API's contract: in its path, and in the OpenAPI document. */
export const API_VERSION = '1';
export const API_PREFIX = `/api/v${API_VERSION}`;

/**
 * Every API route carries this config: the site-wide limit per address gives way to the API's own,
 * API_RATELIMIT per token across all API routes (a hook of `apiRoutes`). A limit in the route's
 * config would count each route apart, the whole budget for each.
 */
export const apiRouteConfig = { rateLimit: false } as const;

export interface ApiRequest {
  readonly actor: Actor | null;
  ctx(): AuthContext;
  inTransaction<T>(work: (ctx: AuthContext) => Promise<T>): Promise<T>;
}

export type ActorAuthContext = AuthContext & { readonly actor: Actor };

/** The caller, or 401: the API has no sign-in page to send anyone to. */
export function callerOf(request: ApiRequest): Actor {
  if (!request.actor) throw new Unauthenticated('Send an API token: Authorization: Bearer fms_… (create one under Account › API tokens).');
  return request.actor;
}

/** A context for reads, as the caller. */
export function readAs(request: ApiRequest): ActorAuthContext {
  const actor = callerOf(request);
  return { ...request.ctx(), actor };
}

/** One unit of work as the caller, in one transaction: all of it is written, or none. */
export function writeAs<T>(request: ApiRequest, work: (ctx: ActorAuthContext) => Promise<T>): Promise<T> {
  const actor = callerOf(request);
  return request.inTransaction((ctx) => work({ ...ctx, actor }));
}

/** The `:id` of the URL; anything but a positive whole number names no record (404). */
export function recordId(params: unknown, what = 'record'): number {
  const text = (params as { id?: unknown } | null)?.id;
  const id = typeof text === 'string' && /^[1-9]\d{0,15}$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(id)) throw new NotFound(`No such ${what}.`);
  return id;
}

/**
 * Only the query parameters a list understands, as given (the service validates them). Whole
 * numbers in `integers` are handed over as numbers: a query string has only text, and a schema that
 * also accepts "" for "any" would otherwise refuse "42".
 */
export function pick(query: unknown, keys: readonly string[], integers: readonly string[] = []): Record<string, unknown> {
  const source = (query ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const value = source[key];
    if (value === undefined) continue;
    out[key] = integers.includes(key) && typeof value === 'string' && /^[1-9]\d{0,14}$/.test(value) ? Number(value) : value;
  }
  return out;
}

/**
 * A JSON body's fields must all be the schema's: the services drop what they do not know (forms
 * carry `_csrf` and buttons), and a client sending `username` in a change would otherwise hear
 * 200 for a change that never happened.
 */
export function knownFieldsOnly(body: unknown, schema: TSchema & { properties?: Record<string, unknown> }): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
  const known = Object.keys(schema.properties ?? {});
  // `_csrf` is how a signed-in browser may send its token (plugins/csrf.ts), not a field.
  const unknown = Object.keys(body).filter((key) => key !== '_csrf' && !known.includes(key));
  if (unknown.length === 0) return body;
  const fields: FieldMessages = Object.fromEntries(unknown.map((key) => [key, `Not a field here; the fields are ${known.join(', ')}.`]));
  // The fields it does take are checked as well, so one answer names every problem rather than the
  // unknown ones first and the rest on the next try. (The service's own checks, which need the
  // database, run only on a body with no unknown field.)
  try {
    validate(schema, Object.fromEntries(Object.entries(body).filter(([key]) => known.includes(key))));
  } catch (error) {
    if (!(error instanceof Invalid)) throw error;
    Object.assign(fields, error.fields);
  }
  throw new Invalid('The body has fields this call does not take.', fields);
}
