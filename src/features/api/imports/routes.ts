// POST /api/v1/imports/students and /api/v1/imports/lecturers: a spreadsheet (xlsx or CSV) in the
// multipart field `file`. `?dryRun=true` answers the report and writes nothing; without it the file
// is planned again and applied in one transaction (every row or none), and the answer carries the
// new accounts' one-time passwords. An import that would update more than a fifth of the existing
// records needs `?confirmLargeChange=true`; `?planHash=` (from a dry run) refuses to apply a plan
// that changed since.
import type { FastifyInstance, FastifyReply } from 'fastify';
import Type from 'typebox';
import { authorize } from '../../../access.js';
import { validate } from '../../../lib/validation.js';
import { readUpload } from '../../../plugins/uploads.js';
import { adapterFor } from '../../imports/kinds/index.js';
import * as imports from '../../imports/service.js';
import { apiRouteConfig, callerOf, readAs, writeAs } from '../request.js';
import { errorResponses, ref } from '../schemas.js';

const ImportQuery = Type.Object({
  dryRun: Type.Optional(Type.Boolean({ description: 'true: answer the report only; nothing is written.', errorMessage: 'Use dryRun=true or dryRun=false.' })),
  confirmLargeChange: Type.Optional(
    Type.Boolean({
      description: `true: apply even when the import updates more than ${imports.LARGE_CHANGE_SHARE * 100}% of the existing active records.`,
      errorMessage: 'Use confirmLargeChange=true after reviewing the dry run.',
    }),
  ),
  planHash: Type.Optional(
    Type.String({
      pattern: '^[0-9a-f]{64}$',
      description: "The dry run's `report.planHash`: apply only if the import would still do exactly that (409 `import_changed` otherwise).",
      errorMessage: 'Pass the planHash of the dry run report unchanged (64 hexadecimal characters).',
    }),
  ),
});

/** The errors that carry the import's report: the API answers the report beside the error. */
function withReport(error: unknown): (Error & { statusCode: number; code: string; fields: Record<string, string>; report: imports.ImportReport }) | null {
  return error instanceof imports.ImportHasErrors || error instanceof imports.ImportPlanChanged || error instanceof imports.LargeChangeUnconfirmed ? error : null;
}

function sendWithReport(reply: FastifyReply, error: NonNullable<ReturnType<typeof withReport>>) {
  return reply.code(error.statusCode).send({ error: { code: error.code, message: error.message, fields: error.fields }, report: error.report });
}

export default async function importRoutes(app: FastifyInstance) {
  const { config } = app.deps;

  for (const kind of imports.importKinds) {
    const adapter = adapterFor(kind);
    // "student number or e-mail": the kind's match keys, named by their column headers.
    const matchedBy = adapter.matchKeys.map((key) => adapter.columnLabel(key.field).toLowerCase()).join(' or ');
    app.post(
      `/${kind}`,
      {
        config: apiRouteConfig,
        schema: {
          tags: ['imports'],
          summary: `Import ${kind} from a spreadsheet`,
          description:
            `Admins only. Send the file (xlsx or CSV, as in the template at /admin/imports/template/${kind}) as multipart/form-data in the field \`file\`. ` +
            `Rows are matched to existing ${kind} by ${matchedBy}: new ones are created${adapter.accounts ? ' with an account' : ''}, known ones updated. ` +
            'With `dryRun=true` the answer is the report and nothing is written. Otherwise the import is planned again and applied in one transaction: every row or none. ' +
            'A file with errors is refused with 422 `import_invalid` and the report (its `errors` name each row and column).',
          consumes: ['multipart/form-data'],
          querystring: ImportQuery,
          body: Type.Object({ file: Type.String({ format: 'binary', description: 'The spreadsheet, at most MAX_CONTENT_LENGTH.' }) }, { required: ['file'] }),
          response: {
            200: {
              ...ref('ImportOutcome'),
              description: 'The dry run (`applied: false`) or the applied import (`applied: true`, with the new accounts).',
            },
            403: { ...ref('Error'), description: `Only admins import ${kind}.` },
            409: {
              ...ref('ImportRefused'),
              description:
                '`confirmation_required`: the import updates more than the threshold; check the report and repeat with `confirmLargeChange=true`. `import_changed`: the records changed since the dry run named by `planHash`; the report is the new plan.',
            },
            413: { ...ref('Error'), description: 'The file is larger than MAX_CONTENT_LENGTH.' },
            422: {
              ...ref('ImportRefused'),
              description: '`import_invalid`: the file has errors (the report lists them); `invalid`: the file could not be read or a parameter is wrong (`error.fields` names it).',
            },
            ...errorResponses,
          },
        },
      },
      async (request, reply) => {
        // Who may import is settled before the upload is read.
        authorize(callerOf(request), 'imports.run');
        const options = validate(ImportQuery, request.query ?? {});
        const upload = await readUpload(request, { field: 'file', maxBytes: config.maxContentLength });
        const file = { bytes: upload.bytes, filename: upload.filename, contentType: upload.mimetype };
        if (options.dryRun) {
          const report = await imports.planImport(readAs(request), kind, file);
          return { applied: false, report, accounts: [] };
        }
        try {
          const result = await writeAs(request, (ctx) => imports.applyImport(ctx, kind, file, { confirmLargeChange: options.confirmLargeChange === true, expectedPlanHash: options.planHash }));
          return { applied: true, report: result.report, accounts: result.credentials };
        } catch (error) {
          const refused = withReport(error);
          if (refused) return sendWithReport(reply, refused);
          throw error;
        }
      },
    );
  }
}
