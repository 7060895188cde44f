// The signed-in actor's service context for a route: every feature's handlers start from here, so a
// request without a signed-in user answers 401 the same way everywhere.
import type { FastifyRequest } from 'fastify';
import type { ActorContext, AuthContext } from '../context.js';
import { requireActor } from '../plugins/session.js';

export type RequestContext = AuthContext & ActorContext;

/** The request's service context with the signed-in actor (401 without one). */
export function ctxOf(request: FastifyRequest): RequestContext {
  return { ...request.ctx(), actor: requireActor(request) };
}

/** One unit of work for the signed-in actor, in a transaction. */
export function asActor<T>(request: FastifyRequest, work: (ctx: RequestContext) => Promise<T>): Promise<T> {
  const actor = requireActor(request);
  return request.inTransaction((ctx) => work({ ...ctx, actor }));
}
