// The imports' inputs and the report as the JSON API answers it.
import Type from 'typebox';
import { importKinds } from './kinds/index.js';

/** The importable kinds as one choice in words ("students or lecturers"), for the messages that ask for one. */
export const importKindsInWords = [importKinds.slice(0, -1).join(', '), importKinds.at(-1)].filter(Boolean).join(' or ');

export const ImportKindInput = Type.Union(
  importKinds.map((kind) => Type.Literal(kind)),
  { title: 'Import', errorMessage: `Choose what to import: ${importKindsInWords}.` },
);

/** The imports page's address: which kind the upload form starts with (?kind=students). */
export const ImportsPageQuery = Type.Object({
  kind: Type.Optional(Type.String({ maxLength: 16, title: 'Import kind' })),
});

/** The report page's address: the page of its error list and of its update list. */
export const ReportPageQuery = Type.Object({
  errors: Type.Optional(Type.String({ maxLength: 10, title: 'Errors page' })),
  updates: Type.Optional(Type.String({ maxLength: 10, title: 'Updates page' })),
});

export const ConfirmImportInput = Type.Object({
  planHash: Type.Optional(Type.String({ maxLength: 64, pattern: '^[0-9a-f]{0,64}$', errorMessage: 'Reload the report and confirm again.' })),
  confirmLargeChange: Type.Optional(Type.Union([Type.Literal('yes'), Type.Literal('')], { errorMessage: 'Tick the box to confirm the large change.' })),
});

const Issue = Type.Object({
  row: Type.Union([Type.Integer(), Type.Null()], { description: 'The row number as the spreadsheet shows it; null for the file as a whole.' }),
  column: Type.Union([Type.String(), Type.Null()], { description: 'The column as the file names it.' }),
  code: Type.Union(
    ['missing_column', 'duplicate_column', 'missing', 'invalid', 'unknown_group', 'archived_group', 'unknown_lecturer', 'archived_lecturer', 'duplicate_in_file', 'duplicate_in_database', 'archived_record', 'not_allowed'].map((c) => Type.Literal(c)),
  ),
  message: Type.String({ description: 'What is wrong and how to fix it.' }),
});

/** What importing a file would do (the dry run) or did. */
export const ImportReportOutput = Type.Object({
  kind: ImportKindInput,
  fileName: Type.String(),
  format: Type.Union([Type.Literal('xlsx'), Type.Literal('csv')]),
  rows: Type.Integer({ description: 'Data rows in the file.' }),
  counts: Type.Object({ create: Type.Integer(), update: Type.Integer(), unchanged: Type.Integer(), rowsWithErrors: Type.Integer() }),
  errors: Type.Array(Issue),
  warnings: Type.Array(Type.String()),
  columns: Type.Array(Type.Object({ header: Type.String(), field: Type.String() })),
  creates: Type.Array(Type.Object({ row: Type.Integer(), label: Type.String() })),
  updates: Type.Array(
    Type.Object({
      row: Type.Integer(),
      id: Type.Integer(),
      label: Type.String(),
      changes: Type.Array(Type.Object({ field: Type.String(), column: Type.String(), before: Type.String(), after: Type.String() })),
    }),
  ),
  existingActive: Type.Integer(),
  changedShare: Type.Number({ description: 'Updated records / active records before the import.' }),
  largeChangeThreshold: Type.Number(),
  largeChange: Type.Boolean({ description: 'Applying needs confirmLargeChange=true.' }),
  planHash: Type.String({ description: 'sha256 of what applying would write.' }),
  canApply: Type.Boolean(),
});
