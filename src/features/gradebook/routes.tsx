// The gradebook pages under /subjects/:id/gradebook: a subject's table of scores and states for one
// of its groups (?group=ID, or the first), and the same table as xlsx or csv. Admins see every
// group's, lecturers those of the groups they teach the subject to; anyone else: 404.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { NotFound } from '../../lib/errors.js';
import { singleQueryValues } from '../../lib/query-values.js';
import { sendSheet } from '../../routes/export-sheet.js';
import { idOf } from '../../routes/record-id.js';
import { ctxOf } from '../../routes/request-context.js';
import { GradebookQuery } from './schemas.js';
import { gradebook } from './service.js';
import { gradebookSheet } from './sheet.js';
import { GradebookPage } from './views/gradebook-page.js';

type GradebookRequest = FastifyRequest<{ Params: { id: string }; Querystring: Record<string, unknown> }>;

/** The gradebook the address asks for, as the signed-in actor may see it. */
function gradebookOf(request: GradebookRequest) {
  // A group named twice answers 422 naming it, as every list's parameters do (lib/query-values).
  const { group } = singleQueryValues(GradebookQuery, request.query);
  return gradebook(ctxOf(request), idOf(request), group);
}

export default async function gradebookRoutes(app: FastifyInstance) {
  app.get<{ Params: { id: string }; Querystring: Record<string, unknown> }>('/:id/gradebook', async (request, reply) => {
    const book = await gradebookOf(request);
    return reply.html(<GradebookPage page={reply.pageContext()} book={book} timeZone={request.server.deps.config.timeZone} />);
  });

  for (const format of ['xlsx', 'csv'] as const) {
    app.get<{ Params: { id: string }; Querystring: Record<string, unknown> }>(`/:id/gradebook/export.${format}`, async (request, reply) => {
      const book = await gradebookOf(request);
      if (!book.group) throw new NotFound('No group takes this subject yet, so it has no gradebook to export.');
      const sheet = gradebookSheet({ ...book, group: book.group });
      async function* records() {
        yield* sheet.records;
      }
      return sendSheet(reply, {
        basename: sheet.basename,
        sheetName: sheet.sheetName,
        today: book.now,
        columns: sheet.columns,
        rows: records(),
        toRecord: (record) => record,
        format,
        log: request.log,
      });
    });
  }
}
