// The report of an import: what a dry run found and what applying did, as the pages, the API and the
// CLI show it (and as the imports table keeps it, in JSON).
import type { ImportKind } from '../../db/schema.js';
import type { Sheet } from '../../lib/spreadsheets.js';

export type IssueCode =
  | 'missing_column'
  | 'duplicate_column'
  | 'missing'
  | 'invalid'
  | 'unknown_group'
  | 'archived_group'
  | 'unknown_lecturer'
  | 'archived_lecturer'
  | 'duplicate_in_file'
  | 'duplicate_in_database'
  | 'archived_record'
  | 'not_allowed';

/** One error: the row (null for the file as a whole), the column as the file names it, why. */
export interface ImportIssue {
  row: number | null;
  column: string | null;
  code: IssueCode;
  message: string;
}

export interface ImportChange {
  field: string;
  column: string;
  before: string;
  after: string;
}

export interface PlannedUpdate {
  row: number;
  id: number;
  label: string;
  changes: ImportChange[];
}

export interface PlannedCreate {
  row: number;
  label: string;
}

export interface ImportReport {
  kind: ImportKind;
  fileName: string;
  format: Sheet['format'];
  /** Data rows in the file (blank rows not counted). */
  rows: number;
  counts: { create: number; update: number; unchanged: number; rowsWithErrors: number };
  errors: ImportIssue[];
  /** Things that do not stop the import: columns that are ignored. */
  warnings: string[];
  /** How the file's columns were understood. */
  columns: { header: string; field: string }[];
  creates: PlannedCreate[];
  updates: PlannedUpdate[];
  /** Active records of this kind before the import. */
  existingActive: number;
  /** updates / existingActive. */
  changedShare: number;
  largeChangeThreshold: number;
  /** More than the threshold would change: applying needs confirmLargeChange. */
  largeChange: boolean;
  /** Fingerprint of exactly what applying would write; confirming checks it is still the same. */
  planHash: string;
  /** No errors and something to change. */
  canApply: boolean;
}
