// Streaming a list export (xlsx or csv) to the browser: the rows come from a service's async
// generator in batches, so a 100,000-row export never sits in memory. The first row is pulled
// before any header is sent, so a refused filter or a missing permission still answers with a
// proper error page instead of a broken download.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { PassThrough } from 'node:stream';
import { StreamAbandoned, writeCsv, writeXlsx, type SheetColumn, type SheetRecord } from '../lib/spreadsheets.js';

export type ExportFormat = 'xlsx' | 'csv';

/** The column an export of archived records adds (its rows' `archived` as yes/no). */
export const ARCHIVED_COLUMN: SheetColumn = { header: 'Archived', key: 'archived', width: 10 };

export interface SheetReply {
  header(name: string, value: string): unknown;
  send(payload?: unknown): unknown;
}

const contentTypes: Record<ExportFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
};

/** What a list's export holds: which rows, how each becomes a spreadsheet row, and the file's name. */
export interface ListExport<T> {
  /** "students" -> students-2026-05-01.xlsx */
  basename: string;
  sheetName: string;
  today: Date;
  columns: readonly SheetColumn[];
  rows: AsyncIterable<T>;
  toRecord: (item: T) => SheetRecord;
}

export async function sendSheet<T>(
  reply: SheetReply,
  options: ListExport<T> & { format: ExportFormat; log: { info(object: object, message: string): void; warn(object: object, message: string): void } },
): Promise<unknown> {
  const iterator = options.rows[Symbol.asyncIterator]();
  const first = await iterator.next();
  async function* records(): AsyncGenerator<SheetRecord> {
    if (first.done) return;
    yield options.toRecord(first.value);
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield options.toRecord(next.value);
    }
  }
  const filename = `${options.basename}-${options.today.toISOString().slice(0, 10)}.${options.format}`;
  reply.header('Content-Type', contentTypes[options.format]);
  reply.header('Content-Disposition', `attachment; filename="${filename}"`);
  reply.header('X-Content-Type-Options', 'nosniff');
  reply.header('Cache-Control', 'private, no-store');
  const stream = new PassThrough();
  const writing = options.format === 'xlsx' ? writeXlsx(stream, [{ name: options.sheetName, columns: options.columns, rows: records() }]) : writeCsv(stream, options.columns, records());
  // Headers are gone by the time a later batch could fail: the writer destroys the stream, so the
  // download breaks off visibly rather than ending as a short file that looks complete.
  writing.catch((error: unknown) => {
    // A cancelled download is the user's choice, not a fault: the writer has stopped reading rows.
    if (error instanceof StreamAbandoned) options.log.info({ filename }, 'export abandoned by the client');
    else options.log.warn({ err: error, filename }, 'export failed while streaming');
  });
  return reply.send(stream);
}

/**
 * GET `export.xlsx` and `export.csv` under the routes' prefix (a list page's own filter parameters
 * apply): `describe` checks the actor and reads the filter, exactly as the list page does.
 */
export function addExportRoutes<Q, T>(app: FastifyInstance, describe: (request: FastifyRequest<{ Querystring: Q }>) => ListExport<T>): void {
  for (const format of ['xlsx', 'csv'] as const satisfies readonly ExportFormat[]) {
    app.get<{ Querystring: Q }>(`/export.${format}`, async (request, reply) => sendSheet(reply, { ...describe(request), format, log: request.log }));
  }
}
