// Admins' audit trail page under /admin/audit: the whole trail, filtered by GET parameters.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Invalid } from '../../lib/errors.js';
import { requireActor } from '../../plugins/session.js';
import * as audit from './service.js';
import { AuditPage } from './views/audit-page.js';

const queryKeys = ['actor', 'action', 'entity', 'entityId', 'from', 'to', 'before', 'after', 'limit'] as const;

/** The query's single string values (a repeated parameter is not a filter anyone typed). */
function queryOf(request: FastifyRequest<{ Querystring: Record<string, unknown> }>): Record<string, string> {
  const query: Record<string, string> = {};
  for (const key of queryKeys) {
    const value = request.query[key];
    if (typeof value === 'string' && value !== '') query[key] = value;
  }
  return query;
}

export default async function auditRoutes(app: FastifyInstance) {
  app.get<{ Querystring: Record<string, unknown> }>('/', async (request, reply) => {
    const ctx = { ...request.ctx(), actor: requireActor(request) };
    const query = queryOf(request);
    try {
      const page = await audit.listAuditPage(ctx, query);
      return reply.html(<AuditPage page={reply.pageContext()} entries={page.entries} filter={page.filter} olderCursor={page.olderCursor} newerCursor={page.newerCursor} />);
    } catch (error) {
      // A filter that cannot be used: the form again, with what was typed and what to fix.
      if (!(error instanceof Invalid)) throw error;
      reply.code(error.statusCode);
      const typed: audit.AuditFilter = { actor: query.actor, action: query.action, entity: query.entity, entityId: query.entityId, from: query.from, to: query.to };
      return reply.html(<AuditPage page={reply.pageContext()} entries={[]} filter={typed} olderCursor={null} newerCursor={null} errors={error.fields} message={error.message} />);
    }
  });
}
