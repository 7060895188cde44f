// The shape every importable kind fills in: what planning, applying and the template sheets need to
// know about a kind, so none of them has a branch for any one kind. The rules themselves
// (validation, accounts, audit) live in the kind's own service; an adapter only adapts.
import type { Action } from '../../../access.js';
import type { ServiceContext } from '../../../context.js';
import type { UsernameNaming } from '../../accounts/service.js';
import type { ImportKind } from '../../../db/schema.js';
import type { FieldMessages } from '../../../lib/errors.js';
import type { ColumnSpec } from '../../../lib/spreadsheets.js';
import type { IssueCode } from '../report.js';
import { importColumnOf, importColumns, importComparedFields, importTemplate, labelsOf, type RecordFields } from '../../../lib/record-fields.js';

/** A record as an import compares and writes it: field -> value. */
export type ImportRecord = Record<string, string | number | boolean | null>;

export interface ExistingRecord {
  id: number;
  archived: boolean;
  values: ImportRecord;
  /** How the report shows a value that means little alone (a subject's groups as ids): field -> text. */
  shown?: Record<string, string>;
}

export interface CreatedAccount {
  id: number;
  name: string;
  key: string;
  username: string;
  oneTimePassword: string;
}

/** A field that identifies a record: a row matches the existing record with the same value. */
export interface MatchKey {
  field: string;
  /** Compared as written (student numbers); otherwise case does not matter (e-mails, usernames). */
  caseSensitive: boolean;
  /** Compared by this key instead (a subject's name by its folded key, as the subjects service compares names). */
  fold?: (value: string) => string;
}

/** What a kind's hook finds wrong with a row: the record field to blame (the report names its column), why. */
export interface RowIssue {
  field: string;
  code: IssueCode;
  message: string;
}

/** Cells that name another record (a student's group by its name), resolved within one plan. */
export interface References {
  /** The record fields a row's cells give (the group's id), and what is wrong with them. */
  resolve(cells: Readonly<Record<string, string>>): { values: ImportRecord; issues: RowIssue[] };
  /** How the report shows a resolved value (a group's name for its id); undefined for any other field. */
  show(field: string, value: string | number | boolean): string | undefined;
}

export interface KindAdapter {
  kind: ImportKind;
  /** "student" / "lecturer", for messages. */
  noun: string;
  /** A new record gets a sign-in account (people; not subjects): the report and the credentials sheet say so. */
  accounts: boolean;
  /** The action, besides imports.run, that importing this kind needs. */
  action: Action;
  columns: readonly ColumnSpec[];
  /** The fields an import compares and may change on an existing record, in display order. */
  fields: readonly string[];
  /** The keys matching a row to an existing record, in the order they are tried. */
  matchKeys: readonly MatchKey[];
  /** The column (import field) a record field comes from: groupId comes from the group column. */
  columnOf(field: string): string;
  /** How the template heads a column and the report names it ("Student number"); any alias reads. */
  columnLabel(field: string): string;
  /** Checks one row (reference cells excluded) with the form's rules. */
  check(raw: Record<string, string>, today: string): { record: ImportRecord; username: string | null } | { fields: FieldMessages };
  /** The import fields of cells that name other records (a student's group): taken out of each row before `check`, which knows the form's fields only. */
  referenceFields?: readonly string[];
  /**
   * Loads, once per plan, what resolving the row's references to other records needs. `present`:
   * the import fields the file has columns for; `cells`: every row's reference cells (a subject's
   * lecturers by e-mail), so only the records they name are read. A kind without references leaves it out.
   */
  resolveReferences?(ctx: ServiceContext, present: ReadonlySet<string>, cells: readonly Readonly<Record<string, string>>[]): Promise<References>;
  /** `keys`: match field -> the values the file gives for it. */
  find(ctx: ServiceContext, keys: Readonly<Record<string, readonly string[]>>): Promise<ExistingRecord[]>;
  /** Refuses a change the actor may not make through an import (their own admin flag); null lets it through. */
  guardChange?(ctx: ServiceContext, target: ExistingRecord, changes: ImportRecord): RowIssue | null;
  countActive(ctx: ServiceContext): Promise<number>;
  /** `naming`: how the import's batches share their usernames (accounts/service.ts UsernameNaming). */
  create(ctx: ServiceContext, records: readonly (ImportRecord & { username: string | null })[], naming: UsernameNaming): Promise<CreatedAccount[]>;
  /** `record`: the row as planned, every field the file gives (a subject's Teaching column decides how its lists apply). */
  update(ctx: ServiceContext, updates: readonly { id: number; before: ImportRecord; changes: ImportRecord; record: ImportRecord }[]): Promise<void>;
  /** How a record is named in reports: "Ana Kovač (2026-0042)". */
  label(record: ImportRecord): string;
  /** How the Import page and the template (its data sheet) name the kind: "Students". */
  title: string;
  /** The template's note on how a row finds the record it updates. */
  matching: string;
  /** The credentials sheet's heading for CreatedAccount.key: "Student number". */
  keyHeader: string;
  /** The template's example row, by import field. */
  example: Record<string, string>;
  /** What to write in each column, for the template's notes sheet and the documentation. */
  notes: Record<string, string>;
}

/**
 * What an import of a kind takes from the kind's field declaration (features/<kind>/fields.ts):
 * its columns and their aliases, the fields it compares, the column each field comes from, the
 * headers, the template's notes and example row.
 */
export function declaredColumns(fields: RecordFields): Pick<KindAdapter, 'columns' | 'fields' | 'columnOf' | 'columnLabel' | 'example' | 'notes'> {
  const template = importTemplate(fields);
  const labels: Record<string, string> = { ...labelsOf(fields), ...template.labels };
  return {
    columns: importColumns(fields),
    fields: importComparedFields(fields),
    columnOf: (field) => importColumnOf(fields, field),
    columnLabel: (field) => labels[field] ?? field,
    example: template.example,
    notes: template.notes,
  };
}

/** "Ana Kovač", for labels. */
export function fullName(record: ImportRecord): string {
  return `${String(record.firstName ?? '')} ${String(record.lastName ?? '')}`.trim();
}
