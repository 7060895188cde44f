// Bulk import of students, lecturers and subjects from xlsx or CSV, as the rest of FMS calls it: the import
// pages, the API, the CLI and the tests. Each part lives in a file of its own:
//   plan.ts           the dry run: reading the sheet, checking and matching rows, the report's numbers
//   apply.ts          re-planning and writing all rows or none, in batches, with progress; its refusals
//   stored-imports.ts the web flow: the dry run kept until it is confirmed, the one-time credentials
//   templates.ts      the template workbook and the credentials sheet
//   report.ts         the report's shape
//   kinds/            one adapter per importable kind: what differs between students, lecturers and subjects
export type { ImportKind } from '../../db/schema.js';
export { applyImport, ImportHasErrors, ImportPlanChanged, LargeChangeUnconfirmed } from './apply.js';
export { importableKinds, importKinds, isImportKind } from './kinds/index.js';
export { IMPORT_MAX_ROWS, LARGE_CHANGE_SHARE, planImport } from './plan.js';
export type { ImportIssue, ImportReport } from './report.js';
export {
  confirmImport,
  discardStaleImports,
  DRY_RUN_LIFETIME_MS,
  getImport,
  listImports,
  startImport,
  takeImportCredentials,
  type ConfirmOutcome,
  type ImportView,
  type StartedImport,
} from './stored-imports.js';
export { writeCredentialsSheet, writeImportTemplate } from './templates.js';
