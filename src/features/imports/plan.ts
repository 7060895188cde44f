// Planning an import (the dry run): the sheet read, every row checked with the forms' rules, the
// rows checked against each other, matched to existing records, and reported as created, updated
// (with a field-by-field diff), unchanged or in error. Nothing is written; applying re-plans.
import { createHash } from 'node:crypto';
import type { ServiceContext } from '../../context.js';
import type { ImportKind } from '../../db/schema.js';
import { mapHeaders, readSheetRows, rowFields, type Sheet, type SheetInput } from '../../lib/spreadsheets.js';
import { takenUsernames } from '../auth/service.js';
import type { ExistingRecord, ImportRecord, KindAdapter, MatchKey, References } from './kinds/adapter.js';
import { authorizeKind } from './kinds/index.js';
import type { ImportChange, ImportIssue, ImportReport, IssueCode, PlannedUpdate } from './report.js';

/** Most data rows one file may hold. */
export const IMPORT_MAX_ROWS = 20_000;
/** An import updating more than this share of the existing active records needs a second confirmation. */
export const LARGE_CHANGE_SHARE = 0.2;

export interface PlannedRow {
  row: number;
  record: ImportRecord;
  username: string | null;
}

/** The report, and what applying would write. */
export interface Plan {
  report: ImportReport;
  creates: PlannedRow[];
  updates: { row: number; id: number; before: ImportRecord; changes: ImportRecord; record: ImportRecord }[];
}

/** A kind whose rows name no other record. */
const noReferences: References = { resolve: () => ({ values: {}, issues: [] }), show: () => undefined };

/** Reads an uploaded file; throws SpreadsheetRefused (422, on the `file` field) for what cannot be read. */
export function readImportSheet(file: SheetInput): Promise<Sheet> {
  return readSheetRows(file, { maxRows: IMPORT_MAX_ROWS });
}

/** The dry run: what importing the file would do, written nowhere. */
export async function planImport(ctx: ServiceContext, kind: ImportKind, file: SheetInput): Promise<ImportReport> {
  const adapter = authorizeKind(ctx, kind);
  return (await buildPlan(ctx, adapter, await readImportSheet(file), file.filename)).report;
}

export async function buildPlan(ctx: ServiceContext, adapter: KindAdapter, sheet: Sheet, fileName: string): Promise<Plan> {
  const mapping = mapHeaders(sheet.headers, adapter.columns);
  const present = new Set(mapping.headerByField.keys());
  const headerOf = (field: string) => mapping.headerByField.get(adapter.columnOf(field)) ?? adapter.columnLabel(field);
  const errors: ImportIssue[] = [];
  const rowsWithErrors = new Set<number>();
  const issue = (row: number, field: string | null, code: IssueCode, message: string) => {
    errors.push({ row, column: field === null ? null : headerOf(field), code, message });
    rowsWithErrors.add(row);
  };
  const known = adapter.columns.map((c) => `"${adapter.columnLabel(c.field)}"`).join(', ');
  const warnings = mapping.unknown.map((h) => `The column "${h}" is not an import column and is ignored (the columns are ${known}).`);
  for (const field of mapping.missing)
    errors.push({ row: null, column: adapter.columnLabel(field), code: 'missing_column', message: `The file has no "${adapter.columnLabel(field)}" column; add it, as in the template.` });
  for (const d of mapping.duplicates)
    errors.push({
      row: null,
      column: d.headers.join(', '),
      code: 'duplicate_column',
      message: `The columns ${d.headers.map((h) => `"${h}"`).join(' and ')} both give the ${adapter.columnLabel(d.field).toLowerCase()}; keep one of them.`,
    });
  const existingActive = await adapter.countActive(ctx);
  const finish = (creates: PlannedRow[], updates: Plan['updates'], shown: PlannedUpdate[], unchanged: number): Plan => {
    errors.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
    const changedShare = existingActive > 0 ? updates.length / existingActive : 0;
    const report: ImportReport = {
      kind: adapter.kind,
      fileName,
      format: sheet.format,
      rows: sheet.rows.length,
      counts: { create: creates.length, update: updates.length, unchanged, rowsWithErrors: rowsWithErrors.size },
      errors,
      warnings,
      columns: [...mapping.fieldByHeader].map(([header, field]) => ({ header, field })),
      creates: creates.map((c) => ({ row: c.row, label: adapter.label(c.record) })),
      updates: shown,
      existingActive,
      changedShare,
      largeChangeThreshold: LARGE_CHANGE_SHARE,
      largeChange: updates.length > 0 && changedShare > LARGE_CHANGE_SHARE,
      planHash: planHash(adapter.kind, creates, updates),
      canApply: errors.length === 0 && creates.length + updates.length > 0,
    };
    return { report, creates, updates };
  };
  if (errors.length > 0) return finish([], [], [], 0);

  // Each row checked alone: the forms' rules, then the cells that name other records (a group),
  // taken out of the row first so the records they name are read once for the whole file.
  const today = ctx.clock.now().toISOString().slice(0, 10);
  const referenceFields = new Set(adapter.referenceFields ?? []);
  const rows = sheet.rows.map((row) => {
    const raw = rowFields(row, mapping);
    const cells: Record<string, string> = {};
    for (const field of referenceFields)
      if (raw[field] !== undefined) {
        cells[field] = raw[field];
        delete raw[field];
      }
    return { row, raw, cells };
  });
  const references = (await adapter.resolveReferences?.(ctx, present, rows.map((r) => r.cells))) ?? noReferences;
  const checked: PlannedRow[] = [];
  for (const { row, raw, cells } of rows) {
    const result = adapter.check(raw, today);
    if ('fields' in result)
      for (const [field, message] of Object.entries(result.fields)) issue(row.rowNumber, field, (raw[field] ?? '') === '' ? 'missing' : 'invalid', message);
    const resolved = references.resolve(cells);
    for (const i of resolved.issues) issue(row.rowNumber, i.field, i.code, i.message);
    if ('fields' in result || resolved.issues.length > 0) continue;
    checked.push({ row: row.rowNumber, record: { ...result.record, ...resolved.values }, username: result.username });
  }

  // Rows against each other: one row per record.
  const keyOf = (key: MatchKey, value: unknown) => (key.fold ? key.fold(String(value)) : key.caseSensitive ? String(value) : String(value).toLowerCase());
  const usernameKey: MatchKey = { field: 'username', caseSensitive: false };
  const firstRow = new Map<string, number>();
  const distinct: PlannedRow[] = [];
  for (const c of checked) {
    let duplicate = false;
    for (const key of [...adapter.matchKeys, usernameKey]) {
      const value = key === usernameKey ? c.username : c.record[key.field];
      if (value === null || value === undefined || value === '') continue;
      const seen = `${key.field}:${keyOf(key, value)}`;
      const first = firstRow.get(seen);
      if (first === undefined) firstRow.set(seen, c.row);
      else {
        duplicate = true;
        issue(c.row, key.field, 'duplicate_in_file', `The ${adapter.columnLabel(key.field).toLowerCase()} ${String(value)} is also on row ${first}; keep one row per ${adapter.noun}.`);
      }
    }
    if (!duplicate) distinct.push(c);
  }

  // Rows against the database: match, compare, or create.
  const keys: Record<string, string[]> = Object.fromEntries(adapter.matchKeys.map((key) => [key.field, []]));
  for (const c of distinct) for (const key of adapter.matchKeys) if (c.record[key.field]) keys[key.field]!.push(String(c.record[key.field]));
  const existing = await adapter.find(ctx, keys);
  const index = new Map(adapter.matchKeys.map((key) => [key.field, new Map<string, ExistingRecord>()]));
  for (const e of existing) for (const key of adapter.matchKeys) if (e.values[key.field]) index.get(key.field)!.set(keyOf(key, e.values[key.field]), e);
  const show = (field: string, value: ImportRecord[string] | undefined) => {
    if (value === null || value === undefined) return '';
    return references.show(field, value) ?? (typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value));
  };
  const asked = distinct.flatMap((c) => (c.username ? [c.username] : []));
  const taken = asked.length > 0 ? await takenUsernames(ctx, asked) : new Set<string>();
  const matchedBy = new Map<number, number>();
  const creates: PlannedRow[] = [];
  const updates: Plan['updates'] = [];
  const shown: PlannedUpdate[] = [];
  let unchanged = 0;
  for (const c of distinct) {
    const found = adapter.matchKeys
      .map((key) => ({ key, value: c.record[key.field], record: c.record[key.field] ? index.get(key.field)!.get(keyOf(key, c.record[key.field])) : undefined }))
      .filter((m): m is { key: MatchKey; value: string; record: ExistingRecord } => m.record !== undefined);
    const [match, other] = [found[0], found.find((m) => m.record.id !== found[0]?.record.id)];
    if (match && other) {
      issue(
        c.row,
        other.key.field,
        'duplicate_in_database',
        `The ${adapter.columnLabel(other.key.field).toLowerCase()} ${other.value} belongs to ${adapter.label(other.record.values)}, but the ${adapter.columnLabel(match.key.field).toLowerCase()} ${match.value} to ${adapter.label(match.record.values)}; correct one of them.`,
      );
      continue;
    }
    if (!match) {
      if (c.username && taken.has(c.username)) {
        issue(c.row, 'username', 'duplicate_in_database', `The username ${c.username} is taken; choose another, or leave the cell empty to generate one.`);
        continue;
      }
      creates.push(c);
      continue;
    }
    const target = match.record;
    if (target.archived) {
      issue(
        c.row,
        match.key.field,
        'archived_record',
        `The ${adapter.columnLabel(match.key.field).toLowerCase()} ${match.value} belongs to an archived ${adapter.noun} (${adapter.label(target.values)}); restore the record first, or remove this row.`,
      );
      continue;
    }
    const earlier = matchedBy.get(target.id);
    if (earlier !== undefined) {
      issue(c.row, match.key.field, 'duplicate_in_file', `Row ${earlier} already matches ${adapter.label(target.values)}; keep one row per ${adapter.noun}.`);
      continue;
    }
    matchedBy.set(target.id, c.row);
    const changes: ImportRecord = {};
    const display: ImportChange[] = [];
    for (const field of adapter.fields) {
      if (!present.has(adapter.columnOf(field)) || !(field in c.record)) continue;
      const before = target.values[field] ?? null;
      const after = c.record[field] ?? null;
      if (before === after) continue;
      changes[field] = after;
      display.push({ field, column: headerOf(field), before: target.shown?.[field] ?? show(field, before), after: show(field, after) });
    }
    if (display.length === 0) {
      unchanged++;
      continue;
    }
    const refused = adapter.guardChange?.(ctx, target, changes);
    if (refused) {
      issue(c.row, refused.field, refused.code, refused.message);
      continue;
    }
    updates.push({ row: c.row, id: target.id, before: target.values, changes, record: c.record });
    shown.push({ row: c.row, id: target.id, label: adapter.label({ ...target.values, ...changes }), changes: display });
  }
  return finish(creates, updates, shown, unchanged);
}

/** What applying would write, as a fingerprint: the same file against the same records gives the same hash. */
function planHash(kind: ImportKind, creates: readonly PlannedRow[], updates: Plan['updates']): string {
  const canonical = JSON.stringify([
    kind,
    creates.map((c) => [c.row, sorted(c.record), c.username]),
    updates.map((u) => [u.row, u.id, sorted(Object.fromEntries(Object.keys(u.changes).map((k) => [k, u.before[k] ?? null]))), sorted(u.changes)]),
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

function sorted(record: ImportRecord): [string, unknown][] {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
