// Admins' audit trail page under /admin/audit: the whole trail, filtered by GET parameters.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authorize } from '../../access.js';
import { Invalid } from '../../lib/errors.js';
import { singleQueryValues } from '../../lib/query-values.js';
import { addExportRoutes } from '../../routes/export-sheet.js';
import { requireActor } from '../../plugins/session.js';
import { ctxOf } from '../../routes/request-context.js';
import { auditChangesText } from '../../views/record-history.js';
import { AuditFilterQuery } from './schemas.js';
import * as audit from './service.js';
import { AuditPage } from './views/audit-page.js';

/**
 * The filter's parameters as typed, empty ones left out. A parameter given twice answers 422 naming
 * it, as on every list (lib/query-values): nobody typed two filters into one box.
 */
function queryOf(request: FastifyRequest<{ Querystring: Record<string, unknown> }>): Record<string, string> {
  // Who may not see the trail hears 403 whatever the address says.
  authorize(requireActor(request), 'audit.view');
  const query: Record<string, string> = {};
  for (const [key, value] of Object.entries(singleQueryValues(AuditFilterQuery, request.query))) if (value) query[key] = value;
  return query;
}

export default async function auditRoutes(app: FastifyInstance) {
  app.get<{ Querystring: Record<string, unknown> }>('/', async (request, reply) => {
    const ctx = ctxOf(request);
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
    const ctx = ctxOf(request);
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
        changes: auditChangesText(e.before, e.after, e.fieldLabels),
        ip: e.ip ?? '',
        before: e.before ?? '',
        after: e.after ?? '',
      }),
    };
  });
}
