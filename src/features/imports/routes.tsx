// Admins' import pages under /admin/imports: templates, upload for a dry run, the report, the
// confirmation and the one-time credentials download.
import { PassThrough, type Writable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authorize } from '../../access.js';
import { AppError } from '../../lib/errors.js';
import { formatBytes } from '../../lib/bytes.js';
import { singleQueryValues } from '../../lib/query-values.js';
import { validate } from '../../lib/validation.js';
import { readUpload } from '../../plugins/uploads.js';
import { idOf } from '../../routes/record-id.js';
import { ctxOf } from '../../routes/request-context.js';
import * as imports from './service.js';
import { ConfirmImportInput, importKindsInWords, ImportsPageQuery, ReportPageQuery } from './schemas.js';
import { ImportsPage } from './views/imports-page.js';
import { ERRORS_PAGE_SIZE, ImportReportPage, UPDATES_PAGE_SIZE } from './views/report-page.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function pageParam(value: string | undefined, total: number, size: number): number {
  const page = Number(value);
  const last = Math.max(1, Math.ceil(total / size));
  return Number.isInteger(page) && page >= 1 ? Math.min(page, last) : 1;
}

/** Writes a sheet into memory: templates and credentials sheets are small, and a failure then still gets an error page. */
async function sheetBytes(write: (stream: Writable) => Promise<void>): Promise<Buffer> {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  await write(stream);
  return Buffer.concat(chunks);
}

function sendXlsx(reply: FastifyReply, filename: string, bytes: Buffer) {
  return reply
    .header('content-type', XLSX)
    .header('content-disposition', `attachment; filename="${filename}"`)
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'no-store')
    .send(bytes);
}

export default async function importRoutes(app: FastifyInstance) {
  const { config } = app.deps;

  async function uploadPage(request: FastifyRequest, reply: FastifyReply, state: { kind?: string; errors?: Record<string, string>; message?: string | null } = {}) {
    const ctx = ctxOf(request);
    const recent = await imports.listImports(ctx);
    return reply.html(
      <ImportsPage
        page={reply.pageContext()}
        kinds={imports.importableKinds(ctx.actor)}
        recent={recent}
        kind={state.kind}
        errors={state.errors}
        message={state.message}
        maxRows={imports.IMPORT_MAX_ROWS}
        maxBytesLabel={formatBytes(config.maxContentLength)}
      />,
    );
  }

  app.get('/', async (request, reply) => {
    authorize(ctxOf(request).actor, 'imports.run');
    // A parameter given twice answers 422 naming it, as on every list (lib/query-values).
    return uploadPage(request, reply, { kind: singleQueryValues(ImportsPageQuery, request.query).kind });
  });

  app.get<{ Params: { kind: string } }>('/template/:kind', async (request, reply) => {
    const kind = request.params.kind;
    if (!imports.isImportKind(kind)) throw new AppError(404, 'not_found', `There is no such template: choose ${importKindsInWords}.`);
    const ctx = ctxOf(request);
    const bytes = await sheetBytes((stream) => imports.writeImportTemplate(ctx, kind, stream));
    return sendXlsx(reply, `fms-${kind}-template.xlsx`, bytes);
  });

  app.post('/', async (request, reply) => {
    const ctx = ctxOf(request);
    authorize(ctx.actor, 'imports.run');
    let upload;
    try {
      upload = await readUpload(request, { field: 'file', maxBytes: config.maxContentLength });
    } catch (error) {
      if (!(error instanceof AppError) || !error.fields.file) throw error;
      reply.code(error.statusCode);
      return uploadPage(request, reply, { errors: error.fields, message: error.message });
    }
    const kind = upload.fields.kind;
    if (!imports.isImportKind(kind)) {
      reply.code(422);
      return uploadPage(request, reply, { errors: { kind: `Choose what the file holds: ${importKindsInWords}.` }, message: 'Check the highlighted fields.' });
    }
    let started;
    try {
      started = await request.inTransaction((tx) => imports.startImport({ ...tx, actor: ctx.actor }, kind, { bytes: upload.bytes, filename: upload.filename, contentType: upload.mimetype }));
    } catch (error) {
      if (!(error instanceof AppError) || !error.fields.file) throw error;
      reply.code(error.statusCode);
      return uploadPage(request, reply, { kind, errors: error.fields, message: 'The file was not imported: nothing changed.' });
    }
    // Old dry runs nobody confirmed: cleaned up now and then, never at the cost of this request.
    await imports.discardStaleImports(ctx).catch((error: unknown) => request.log.warn({ err: error }, 'could not discard stale imports'));
    return reply.redirect(`/admin/imports/${started.id}`, 303);
  });

  async function reportPage(request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, confirmError?: string) {
    const view = await imports.getImport(ctxOf(request), idOf(request));
    const query = singleQueryValues(ReportPageQuery, request.query);
    return reply.html(
      <ImportReportPage
        page={reply.pageContext()}
        view={view}
        errorsPage={pageParam(query.errors, view.report.errors.length, ERRORS_PAGE_SIZE)}
        updatesPage={pageParam(query.updates, view.report.updates.length, UPDATES_PAGE_SIZE)}
        confirmError={confirmError}
      />,
    );
  }

  app.get<{ Params: { id: string } }>('/:id', async (request, reply) => reportPage(request, reply));

  app.post<{ Params: { id: string }; Body: Record<string, string> }>('/:id/confirm', async (request, reply) => {
    const ctx = ctxOf(request);
    const input = validate(ConfirmImportInput, { planHash: request.body?.planHash ?? '', confirmLargeChange: request.body?.confirmLargeChange ?? '' });
    const id = idOf(request);
    let outcome;
    try {
      outcome = await request.inTransaction((tx) =>
        imports.confirmImport({ ...tx, actor: ctx.actor }, id, { planHash: input.planHash || undefined, confirmLargeChange: input.confirmLargeChange === 'yes' }),
      );
    } catch (error) {
      if (!(error instanceof imports.LargeChangeUnconfirmed)) throw error;
      reply.code(error.statusCode);
      return reportPage(request, reply, error.message);
    }
    if (outcome.outcome === 'changed') reply.flash('warning', 'The records changed since the dry run, so this is the report as it stands now. Nothing was imported yet: review it and confirm again.');
    // The page itself says what was applied; the flash adds only what must not be missed.
    else if (outcome.accounts) reply.flash('warning', 'Download the credentials sheet now: it is given out only once.');
    return reply.redirect(`/admin/imports/${id}`, 303);
  });

  // A POST with the CSRF token, not a link: taking the sheet uses it up, and a prefetch or a link
  // scanner must not. The sheet is built before the transaction commits, so a failure to build it
  // leaves the passwords in place for another try.
  app.post<{ Params: { id: string } }>('/:id/credentials', async (request, reply) => {
    const ctx = ctxOf(request);
    const id = idOf(request);
    const { kind, bytes } = await request.inTransaction(async (tx) => {
      const taken = await imports.takeImportCredentials({ ...tx, actor: ctx.actor }, id);
      return { kind: taken.kind, bytes: await sheetBytes((stream) => imports.writeCredentialsSheet(stream, taken.kind, taken.credentials)) };
    });
    return sendXlsx(reply, `fms-${kind}-credentials-import-${id}.xlsx`, bytes);
  });
}
