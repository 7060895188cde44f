// ASVS 14.4.2: every JSON answer under /api/ says it is a file to save, not a page to show. A browser
// sent straight to an API address (a link, a frame, a typed URL) then offers a download instead of
// rendering what the answer holds, so nothing in a record can ever run as a page on this origin.
// Programs and fetch() ignore the header. Typed by the parts of Fastify's reply it uses, so only the
// routes files import Fastify.

export const API_CONTENT_DISPOSITION = 'attachment; filename="api.json"';

/** application/json and the +json types (problem+json, …), with or without parameters. */
export function isJsonType(contentType: unknown): boolean {
  return typeof contentType === 'string' && /^application\/([\w.-]+\+)?json\s*(;|$)/i.test(contentType);
}

interface HeaderReply {
  getHeader(name: string): unknown;
  header(name: string, value: string): unknown;
}

/** An onSend hook: JSON answers get Content-Disposition: attachment (a route that set its own keeps it). */
export async function jsonAsAttachment<P>(_request: unknown, reply: HeaderReply, payload: P): Promise<P> {
  if (isJsonType(reply.getHeader('content-type')) && reply.getHeader('content-disposition') === undefined) {
    reply.header('content-disposition', API_CONTENT_DISPOSITION);
  }
  return payload;
}
