// The record id in an address (/students/:id, /groups/:id/edit, ...), read one way by every route.
import type { FastifyRequest } from 'fastify';

type IdRequest = FastifyRequest<{ Params: { id: string } }>;

/** The `:id` of the address; anything but a positive integer becomes 0, which no record has (404). */
export function idOf(request: IdRequest): number {
  const id = Number(request.params.id);
  return Number.isSafeInteger(id) && id > 0 ? id : 0;
}
