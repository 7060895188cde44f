// Admins' audit trail page under /admin/audit: the whole trail, filtered by GET parameters.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Invalid } from '../../lib/errors.js';
import { addExportRoutes } from '../../plugins/export-sheet.js';
import { requireActor } from '../../plugins/session.js';
import { auditChangesText } from '../../views/record-history.js';
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

  addExportRoutes(app, (request: FastifyRequest<{ Querystring: Record<string, unknown> }>) => {
    const ctx = { ...request.ctx(), actor: requireActor(request) };
    return {
      basename: 'audit-trail',
      sheetName: 'Audit trail',
      today: ctx.clock.now(),
      columns: [
        { header: 'When (UTC)', key: 'at', width: 22 },
        { header: 'Who', key: 'actor', width: 16 },
        { header: 'Name', key: 'actorName', width: 24 },
        { header: 'Action', key: 'action', width: 26 },
        { header: 'Record type', key: 'entity', width: 12 },
        { header: 'Record', key: 'entityId', width: 10 },
        { header: 'Changes', key: 'changes', width: 80 },
        { header: 'Address', key: 'ip', width: 16 },
        { header: 'Before (JSON)', key: 'before', width: 40 },
        { header: 'After (JSON)', key: 'after', width: 40 },
      ],
      rows: audit.exportAudit(ctx, queryOf(request)),
      toRecord: (e) => ({
        at: e.at.toISOString(),
        actor: e.actorUsername ?? 'system',
        actorName: e.actorName ?? '',
        action: e.action,
        entity: e.entity,
        entityId: e.entityId ?? '',
        changes: auditChangesText(e.before, e.after),
        ip: e.ip ?? '',
        before: e.before ?? '',
        after: e.after ?? '',
      }),
    };
  });
}
