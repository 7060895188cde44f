// Pages that must not outlive their one showing.
import type { FastifyReply } from 'fastify';

/** A page that shows a password must not be kept by the browser or any cache. */
export function noStore(reply: FastifyReply): void {
  reply.header('Cache-Control', 'no-store');
}
