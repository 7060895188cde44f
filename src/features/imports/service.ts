// Bulk import of students and lecturers from xlsx or CSV. A file is first planned (a dry run): every
// row checked with the forms' rules, matched to existing records, and reported as created, updated
// (with a field-by-field diff), unchanged or in error. Applying re-plans against the database as it
// is now and writes all rows or none, in the caller's transaction. The web flow keeps the upload
// between its dry run and its confirmation in the imports table; the CLI and the API plan and
// apply in one go.
import { createHash } from 'node:crypto';
import { Readable, type Writable } from 'node:stream';
import { authorize, can } from '../../access.js';
import type { ServiceContext } from '../../context.js';
import type { ImportKind } from '../../db/schema.js';
import { AppError, Conflict, Forbidden, NotFound } from '../../lib/errors.js';
import { plural } from '../../lib/plural.js';
import { mapHeaders, readSheetRows, rowFields, writeXlsx, type Sheet, type SheetInput } from '../../lib/spreadsheets.js';
import { newStorageKey, type Storage } from '../../storage/index.js';
import { recordAudit } from '../audit/service.js';
import { allUsernames } from '../auth/service.js';
import * as files from '../files/service.js';
import * as groups from '../groups/service.js';
import { decryptCredentials, encryptCredentials, type Credential } from './credentials.js';
import { adapterFor, columnLabel, importKinds, type ExistingRecord, type ImportRecord, type KindAdapter, type MatchKey } from './kinds.js';
import * as repo from './repository.js';

export type { Credential, ImportKind };
export { importKinds, isImportKind } from './kinds.js';

/** Most data rows one file may hold. */
export const IMPORT_MAX_ROWS = 20_000;
/** An import updating more than this share of the existing active records needs a second confirmation. */
export const LARGE_CHANGE_SHARE = 0.2;
/** Rows written per call to the students' or lecturers' bulk functions (and per progress step). */
const APPLY_BATCH = 500;
/** Dry runs never confirmed are deleted, with their files, after this long. */
export const DRY_RUN_LIFETIME_MS = 24 * 60 * 60 * 1000;

export type IssueCode =
  | 'missing_column'
  | 'duplicate_column'
  | 'missing'
  | 'invalid'
  | 'unknown_group'
  | 'archived_group'
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

export interface ImportResult {
  report: ImportReport;
  /** The new accounts' one-time passwords: hand them out, never store them in clear. */
  credentials: Credential[];
}

export interface ImportProgress {
  step: string;
  done: number;
  total: number;
  unit: 'rows';
}

export interface ApplyOptions {
  /** Required when the import changes more than LARGE_CHANGE_SHARE of the existing records. */
  confirmLargeChange?: boolean;
  /** The plan the person saw; a different plan now is refused with ImportPlanChanged. */
  expectedPlanHash?: string;
  onProgress?: (event: ImportProgress) => void;
}

/** The file has errors (row by row in `report`); nothing was written. */
export class ImportHasErrors extends AppError {
  constructor(readonly report: ImportReport) {
    const message = report.errors.some((e) => e.row === null)
      ? `The file cannot be imported: ${report.errors.find((e) => e.row === null)!.message} Nothing was imported.`
      : `The file has ${plural(report.errors.length, 'error')} on ${plural(report.counts.rowsWithErrors, 'row')}; fix them and upload it again. Nothing was imported.`;
    super(422, 'import_invalid', message, { file: message });
  }
}

/** The records changed since the plan was shown; `report` is the new plan. Nothing was written. */
export class ImportPlanChanged extends AppError {
  constructor(readonly report: ImportReport) {
    super(409, 'import_changed', 'The records changed since the dry run, so the import would now do something else; review the new report and confirm again.');
  }
}

/** The import changes more than the threshold; it needs confirmLargeChange. Nothing was written. */
export class LargeChangeUnconfirmed extends AppError {
  constructor(readonly report: ImportReport) {
    const message = `This import changes ${percent(report.changedShare)} of the existing ${report.kind} (more than ${percent(report.largeChangeThreshold)}); confirm the large change to apply it.`;
    super(409, 'confirmation_required', message, { confirmLargeChange: message });
  }
}

function percent(share: number): string {
  return `${Math.round(share * 1000) / 10}%`;
}

function authorizeKind(ctx: ServiceContext, kind: ImportKind): KindAdapter {
  authorize(ctx.actor, 'imports.run');
  const adapter = adapterFor(kind);
  authorize(ctx.actor, adapter.action);
  return adapter;
}

/** Reads an uploaded file; throws SpreadsheetRefused (422, on the `file` field) for what cannot be read. */
export function readImportSheet(file: SheetInput): Promise<Sheet> {
  return readSheetRows(file, { maxRows: IMPORT_MAX_ROWS });
}

// ---- planning ----------------------------------------------------------------------------------

interface PlannedRow {
  row: number;
  record: ImportRecord;
  username: string | null;
}

interface Plan {
  report: ImportReport;
  creates: PlannedRow[];
  updates: { row: number; id: number; before: ImportRecord; changes: ImportRecord }[];
}

/** The dry run: what importing the file would do, written nowhere. */
export async function planImport(ctx: ServiceContext, kind: ImportKind, file: SheetInput): Promise<ImportReport> {
  const adapter = authorizeKind(ctx, kind);
  return (await buildPlan(ctx, adapter, await readImportSheet(file), file.filename)).report;
}

async function buildPlan(ctx: ServiceContext, adapter: KindAdapter, sheet: Sheet, fileName: string): Promise<Plan> {
  const mapping = mapHeaders(sheet.headers, adapter.columns);
  const present = new Set(mapping.headerByField.keys());
  const headerOf = (field: string) => mapping.headerByField.get(adapter.columnOf(field)) ?? columnLabel(field);
  const errors: ImportIssue[] = [];
  const rowsWithErrors = new Set<number>();
  const issue = (row: number, field: string | null, code: IssueCode, message: string) => {
    errors.push({ row, column: field === null ? null : headerOf(field), code, message });
    rowsWithErrors.add(row);
  };
  const known = adapter.columns.map((c) => `"${columnLabel(c.field)}"`).join(', ');
  const warnings = mapping.unknown.map((h) => `The column "${h}" is not an import column and is ignored (the columns are ${known}).`);
  for (const field of mapping.missing)
    errors.push({ row: null, column: columnLabel(field), code: 'missing_column', message: `The file has no "${columnLabel(field)}" column; add it, as in the template.` });
  for (const d of mapping.duplicates)
    errors.push({
      row: null,
      column: d.headers.join(', '),
      code: 'duplicate_column',
      message: `The columns ${d.headers.map((h) => `"${h}"`).join(' and ')} both give the ${columnLabel(d.field).toLowerCase()}; keep one of them.`,
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

  // Each row checked alone: the forms' rules, then the group by its name.
  const today = ctx.clock.now().toISOString().slice(0, 10);
  const groupsByName = adapter.kind === 'students' && present.has('group') ? await groups.groupIdsByName(ctx) : new Map<string, { id: number; name: string; archived: boolean }>();
  const checked: PlannedRow[] = [];
  for (const row of sheet.rows) {
    const raw = rowFields(row, mapping);
    const groupText = raw.group;
    delete raw.group;
    const result = adapter.check(raw, today);
    let ok = true;
    if ('fields' in result) {
      ok = false;
      for (const [field, message] of Object.entries(result.fields)) issue(row.rowNumber, field, (raw[field] ?? '') === '' ? 'missing' : 'invalid', message);
    }
    let groupId: number | null | undefined;
    if (groupText !== undefined && adapter.kind === 'students') {
      const group = groupText === '' ? null : groupsByName.get(groups.groupNameKey(groupText));
      if (group === null) groupId = null;
      else if (!group) {
        ok = false;
        issue(row.rowNumber, 'groupId', 'unknown_group', `There is no group named "${groupText}"; create it on the Groups page first, or correct the name.`);
      } else if (group.archived) {
        ok = false;
        issue(row.rowNumber, 'groupId', 'archived_group', `The group ${group.name} is archived; choose an active group.`);
      } else groupId = group.id;
    }
    if (!ok || 'fields' in result) continue;
    checked.push({ row: row.rowNumber, record: groupId === undefined ? result.record : { ...result.record, groupId }, username: result.username });
  }

  // Rows against each other: one row per person.
  const keyOf = (key: MatchKey | 'username', value: unknown) => (key === 'studentNumber' ? String(value) : String(value).toLowerCase());
  const firstRow = new Map<string, number>();
  const distinct: PlannedRow[] = [];
  for (const c of checked) {
    let duplicate = false;
    for (const key of [...adapter.matchKeys, 'username'] as const) {
      const value = key === 'username' ? c.username : c.record[key];
      if (value === null || value === undefined || value === '') continue;
      const seen = `${key}:${keyOf(key, value)}`;
      const first = firstRow.get(seen);
      if (first === undefined) firstRow.set(seen, c.row);
      else {
        duplicate = true;
        issue(c.row, key, 'duplicate_in_file', `The ${columnLabel(key).toLowerCase()} ${String(value)} is also on row ${first}; keep one row per ${adapter.noun}.`);
      }
    }
    if (!duplicate) distinct.push(c);
  }

  // Rows against the database: match, compare, or create.
  const keys: Record<MatchKey, string[]> = { studentNumber: [], email: [] };
  for (const c of distinct) for (const key of adapter.matchKeys) if (c.record[key]) keys[key].push(String(c.record[key]));
  const existing = await adapter.find(ctx, keys);
  const index: Record<MatchKey, Map<string, ExistingRecord>> = { studentNumber: new Map(), email: new Map() };
  for (const e of existing) for (const key of adapter.matchKeys) if (e.values[key]) index[key].set(keyOf(key, e.values[key]), e);
  const groupNames = new Map([...groupsByName.values()].map((g) => [g.id, g.name]));
  const show = (field: string, value: unknown) => {
    if (value === null || value === undefined) return '';
    if (field === 'groupId') return groupNames.get(Number(value)) ?? `#${String(value)}`;
    if (typeof value === 'boolean') return value ? 'yes' : 'no';
    return String(value);
  };
  const needUsernames = distinct.some((c) => c.username);
  const taken = needUsernames ? await allUsernames(ctx) : new Set<string>();
  const matchedBy = new Map<number, number>();
  const creates: PlannedRow[] = [];
  const updates: Plan['updates'] = [];
  const shown: PlannedUpdate[] = [];
  let unchanged = 0;
  for (const c of distinct) {
    const found = adapter.matchKeys
      .map((key) => ({ key, value: c.record[key], record: c.record[key] ? index[key].get(keyOf(key, c.record[key])) : undefined }))
      .filter((m): m is { key: MatchKey; value: string; record: ExistingRecord } => m.record !== undefined);
    const [match, other] = [found[0], found.find((m) => m.record.id !== found[0]?.record.id)];
    if (match && other) {
      issue(
        c.row,
        other.key,
        'duplicate_in_database',
        `The ${columnLabel(other.key).toLowerCase()} ${other.value} belongs to ${adapter.label(other.record.values)}, but the ${columnLabel(match.key).toLowerCase()} ${match.value} to ${adapter.label(match.record.values)}; correct one of them.`,
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
        match.key,
        'archived_record',
        `The ${columnLabel(match.key).toLowerCase()} ${match.value} belongs to an archived ${adapter.noun} (${adapter.label(target.values)}); restore the record first, or remove this row.`,
      );
      continue;
    }
    const earlier = matchedBy.get(target.id);
    if (earlier !== undefined) {
      issue(c.row, match.key, 'duplicate_in_file', `Row ${earlier} already matches ${adapter.label(target.values)}; keep one row per ${adapter.noun}.`);
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
      display.push({ field, column: headerOf(field), before: show(field, before), after: show(field, after) });
    }
    if (display.length === 0) {
      unchanged++;
      continue;
    }
    if (adapter.kind === 'lecturers' && changes.isAdmin === false && ctx.actor?.lecturerId === target.id) {
      issue(c.row, 'isAdmin', 'not_allowed', 'This row would remove your own admin rights; write yes in its Admin cell, or leave your row out.');
      continue;
    }
    updates.push({ row: c.row, id: target.id, before: target.values, changes });
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

// ---- applying ----------------------------------------------------------------------------------

/**
 * Plans the file against the database as it is now and applies it: every row or none. Run it in a
 * transaction (the caller's unit of work); it throws ImportHasErrors, ImportPlanChanged or
 * LargeChangeUnconfirmed, each carrying the report, before writing anything.
 */
export async function applyImport(ctx: ServiceContext, kind: ImportKind, file: SheetInput, options: ApplyOptions = {}): Promise<ImportResult> {
  const adapter = authorizeKind(ctx, kind);
  const plan = await buildPlan(ctx, adapter, await readImportSheet(file), file.filename);
  return applyPlan(ctx, adapter, plan, options);
}

async function applyPlan(ctx: ServiceContext, adapter: KindAdapter, plan: Plan, options: ApplyOptions): Promise<ImportResult> {
  const { report } = plan;
  if (report.errors.length > 0) throw new ImportHasErrors(report);
  if (options.expectedPlanHash !== undefined && options.expectedPlanHash !== report.planHash) throw new ImportPlanChanged(report);
  if (report.largeChange && !options.confirmLargeChange) throw new LargeChangeUnconfirmed(report);
  const progress = options.onProgress ?? (() => {});
  const credentials: Credential[] = [];
  const creating = `creating ${adapter.kind}`;
  const reserved = new Set(plan.creates.flatMap((c) => (c.username ? [c.username.toLowerCase()] : [])));
  for (let i = 0; i < plan.creates.length; i += APPLY_BATCH) {
    progress({ step: creating, done: i, total: plan.creates.length, unit: 'rows' });
    const batch = plan.creates.slice(i, i + APPLY_BATCH);
    const accounts = await adapter.create(
      ctx,
      batch.map((c) => ({ ...c.record, username: c.username })),
      reserved,
    );
    accounts.forEach((a, j) => credentials.push({ row: batch[j]!.row, name: a.name, key: a.key, username: a.username, oneTimePassword: a.oneTimePassword }));
  }
  if (plan.creates.length) progress({ step: creating, done: plan.creates.length, total: plan.creates.length, unit: 'rows' });
  const updating = `updating ${adapter.kind}`;
  for (let i = 0; i < plan.updates.length; i += APPLY_BATCH) {
    progress({ step: updating, done: i, total: plan.updates.length, unit: 'rows' });
    await adapter.update(
      ctx,
      plan.updates.slice(i, i + APPLY_BATCH).map(({ id, before, changes }) => ({ id, before, changes })),
    );
  }
  if (plan.updates.length) progress({ step: updating, done: plan.updates.length, total: plan.updates.length, unit: 'rows' });
  return { report, credentials };
}

// ---- the web flow: dry run kept in the imports table, confirmed later --------------------------

function storageOf(ctx: ServiceContext): Storage {
  // A programming error, not a user's: every request and CLI command has storage.
  if (!ctx.storage) throw new Error('Imports need file storage, and the service context has none.');
  return ctx.storage;
}

const CONTENT_TYPES = { xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', csv: 'text/csv' } as const;

/** The uploaded name for display: no folders, no control characters, at most 200 characters. */
function displayName(filename: string): string {
  const base = filename.split(/[\\/]/).pop() ?? '';
  return base.replace(/[\p{Cc}\p{Cf}]/gu, '').trim().slice(0, 200) || 'upload';
}

export interface StartedImport {
  id: number;
  report: ImportReport;
}

/**
 * The web dry run: reads and plans the upload, then keeps the file (storage and files table) and
 * the report in a new imports row. A file that cannot be read is refused before anything is kept.
 */
export async function startImport(ctx: ServiceContext, kind: ImportKind, upload: SheetInput): Promise<StartedImport> {
  const adapter = authorizeKind(ctx, kind);
  const storage = storageOf(ctx);
  const name = displayName(upload.filename);
  const sheet = await readImportSheet(upload);
  const { report } = await buildPlan(ctx, adapter, sheet, name);
  const now = ctx.clock.now();
  const key = newStorageKey(now);
  const contentType = CONTENT_TYPES[sheet.format];
  const stored = await storage.put(key, Readable.from([upload.bytes]), { contentType, size: upload.bytes.length });
  try {
    const fileId = await files.recordStoredFile(ctx, { storageKey: key, originalName: name, contentType, size: stored.size, sha256: stored.sha256 });
    const id = await repo.insertImport(ctx.db, {
      kind,
      status: 'dry_run',
      fileId,
      originalName: name,
      planHash: report.planHash,
      summary: JSON.stringify(report),
      credentials: null,
      createdBy: ctx.actor && ctx.actor.userId > 0 ? ctx.actor.userId : null,
      createdAt: now,
      appliedAt: null,
    });
    return { id, report };
  } catch (error) {
    await storage.delete(key).catch((e: unknown) => ctx.log.warn({ err: e, key }, 'could not delete an import upload after a failure'));
    throw error;
  }
}

export interface ImportView {
  id: number;
  kind: ImportKind;
  status: 'dry_run' | 'applied';
  originalName: string;
  createdAt: Date;
  appliedAt: Date | null;
  createdBy: number | null;
  createdByName: string | null;
  report: ImportReport;
  /** The credentials sheet is still waiting to be downloaded. */
  credentialsWaiting: boolean;
  /** …and the actor is the one who may download it (the admin who applied the import). */
  mayTakeCredentials: boolean;
}

async function requireImport(ctx: ServiceContext, id: number) {
  authorize(ctx.actor, 'imports.run');
  const row = Number.isSafeInteger(id) && id > 0 ? await repo.findImport(ctx.db, id) : undefined;
  if (!row) throw new NotFound('No such import.');
  const adapter = adapterFor(row.kind);
  authorize(ctx.actor, adapter.action);
  return { row, adapter };
}

export async function getImport(ctx: ServiceContext, id: number): Promise<ImportView> {
  const { row } = await requireImport(ctx, id);
  const waiting = Boolean(row.hasCredentials);
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    originalName: row.originalName,
    createdAt: row.createdAt,
    appliedAt: row.status === 'applied' ? row.appliedAt : null,
    createdBy: row.createdBy,
    createdByName: row.createdByName ?? null,
    report: JSON.parse(row.summary ?? 'null') as ImportReport,
    credentialsWaiting: waiting,
    mayTakeCredentials: waiting && row.createdBy !== null && row.createdBy === ctx.actor?.userId,
  };
}

/** The latest imports of the kinds the actor may import, newest first. */
export async function listImports(ctx: ServiceContext, limit = 20) {
  authorize(ctx.actor, 'imports.run');
  const kinds = importKinds.filter((k) => can(ctx.actor, adapterFor(k).action));
  return repo.listRecentImports(ctx.db, kinds, limit);
}

async function readStoredUpload(ctx: ServiceContext, fileId: number | null): Promise<Buffer> {
  const record = fileId === null ? undefined : await files.findFileRecord(ctx, fileId);
  if (!record) throw new Conflict('The uploaded file of this dry run is gone; upload the file again.');
  const object = await storageOf(ctx).get(record.storageKey);
  const chunks: Buffer[] = [];
  for await (const chunk of object.stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export type ConfirmOutcome = { outcome: 'applied'; report: ImportReport; accounts: number } | { outcome: 'changed'; report: ImportReport };

/**
 * Applies a dry run the admin confirmed, in the caller's transaction: re-plans the kept file
 * against the database as it is now and applies it only if the plan is the one the admin saw
 * (`planHash`, else the stored one). A different plan is stored as the import's new report and
 * returned as 'changed', with nothing written. The new accounts' credentials are kept, encrypted,
 * for one download.
 */
export async function confirmImport(
  ctx: ServiceContext,
  id: number,
  input: { planHash?: string; confirmLargeChange?: boolean },
  options: Pick<ApplyOptions, 'onProgress'> = {},
): Promise<ConfirmOutcome> {
  const { row, adapter } = await requireImport(ctx, id);
  if (row.status !== 'dry_run') throw new Conflict('This import was already applied.');
  const now = ctx.clock.now();
  if (!(await repo.claimDryRun(ctx.db, id, now))) throw new Conflict('This import is being applied, or was applied, by someone else; reload the page.');
  const bytes = await readStoredUpload(ctx, row.fileId);
  const plan = await buildPlan(ctx, adapter, await readImportSheet({ bytes, filename: row.originalName }), row.originalName);
  const seen = input.planHash || row.planHash;
  if (plan.report.planHash !== seen) {
    await repo.updateImport(ctx.db, id, { planHash: plan.report.planHash, summary: JSON.stringify(plan.report), appliedAt: null });
    return { outcome: 'changed', report: plan.report };
  }
  // The plan the admin saw, but one that cannot be applied (the page offers no button for it).
  if (plan.report.errors.length > 0) throw new ImportHasErrors(plan.report);
  if (!plan.report.canApply) throw new Conflict('There is nothing to import: every row matches the records already.');
  const result = await applyPlan(ctx, adapter, plan, { confirmLargeChange: input.confirmLargeChange, onProgress: options.onProgress });
  await repo.updateImport(ctx.db, id, {
    status: 'applied',
    appliedAt: now,
    summary: JSON.stringify(result.report),
    credentials: result.credentials.length ? encryptCredentials(ctx.config.secretKey, id, result.credentials) : null,
  });
  await recordAudit(ctx, {
    action: 'import.applied',
    entity: 'import',
    entityId: id,
    after: { kind: row.kind, file: row.originalName, created: result.report.counts.create, updated: result.report.counts.update, unchanged: result.report.counts.unchanged },
  });
  return { outcome: 'applied', report: result.report, accounts: result.credentials.length };
}

/**
 * The new accounts' one-time passwords, once: the sealed copy is removed as it is read (run it in
 * a transaction), so a second request gets 410. Only the admin who ran the import may take them.
 */
export async function takeImportCredentials(ctx: ServiceContext, id: number): Promise<{ kind: ImportKind; credentials: Credential[] }> {
  const { row } = await requireImport(ctx, id);
  if (row.createdBy === null || row.createdBy !== ctx.actor?.userId) throw new Forbidden('Only the admin who ran this import may download its credentials.');
  const sealed = await repo.takeCredentials(ctx.db, id);
  if (!sealed)
    throw new AppError(410, 'gone', 'The credentials of this import were already downloaded; they are given out only once. Reset a person’s password on the Accounts page if theirs is lost.');
  const credentials = decryptCredentials(ctx.config.secretKey, id, sealed);
  await recordAudit(ctx, { action: 'import.credentials_downloaded', entity: 'import', entityId: id, after: { accounts: credentials.length } });
  return { kind: row.kind, credentials };
}

/**
 * Deletes dry runs nobody confirmed within DRY_RUN_LIFETIME_MS, with their files. Best effort: call
 * it outside the unit of work of a request; a storage object it cannot delete is logged.
 */
export async function discardStaleImports(ctx: ServiceContext): Promise<number> {
  const stale = await repo.staleDryRuns(ctx.db, new Date(ctx.clock.now().getTime() - DRY_RUN_LIFETIME_MS));
  if (stale.length === 0) return 0;
  const removed = await repo.deleteDryRuns(
    ctx.db,
    stale.map((s) => s.id),
  );
  const deleted = await files.deleteFileRecords(
    ctx,
    removed.flatMap((s) => (s.fileId === null ? [] : [s.fileId])),
    Object.values(CONTENT_TYPES),
  );
  const storage = storageOf(ctx);
  for (const { storageKey: key } of deleted) await storage.delete(key).catch((e: unknown) => ctx.log.warn({ err: e, key }, 'could not delete a stale import upload'));
  return removed.length;
}

// ---- sheets handed out -------------------------------------------------------------------------

/** The template: the data sheet (headers and one example row) and a notes sheet. Ends `stream`. */
export async function writeImportTemplate(ctx: ServiceContext, kind: ImportKind, stream: Writable): Promise<void> {
  const adapter = authorizeKind(ctx, kind);
  const columns = adapter.columns.map((c) => ({ header: columnLabel(c.field), key: c.field, width: Math.max(14, columnLabel(c.field).length + 4) }));
  const matching =
    kind === 'students'
      ? 'A row whose student number or e-mail belongs to an existing student updates that student; any other row adds a new student with a sign-in account.'
      : 'A row whose e-mail belongs to an existing lecturer updates that lecturer; any other row adds a new lecturer with a sign-in account.';
  const notes = [
    ...adapter.columns.map((c) => ({
      column: columnLabel(c.field),
      required: c.required ? 'yes' : 'no',
      aliases: (c.aliases ?? []).join(', '),
      what: adapter.notes[c.field] ?? '',
    })),
    { column: '', required: '', aliases: '', what: '' },
    { column: 'Matching', required: '', aliases: '', what: matching },
    { column: 'Headers', required: '', aliases: '', what: 'Column headers may be in any order; case, spaces, underscores and hyphens do not matter ("Birth date" = birth_date = BirthDate). Other columns are ignored.' },
    { column: 'Empty cells', required: '', aliases: '', what: 'An empty cell in an optional column clears that field of an existing record. Leave the whole column out to keep the field as it is.' },
    { column: 'Sheets', required: '', aliases: '', what: 'Only the first sheet is read; delete the example row. CSV (UTF-8, comma or semicolon) works too.' },
    { column: 'Limits', required: '', aliases: '', what: `At most ${IMPORT_MAX_ROWS.toLocaleString('en')} rows per file. Nothing is written until you confirm the dry run, and then every row or none.` },
  ];
  await writeXlsx(stream, [
    { name: kind === 'students' ? 'Students' : 'Lecturers', columns, rows: [adapter.example] },
    {
      name: 'Notes',
      columns: [
        { header: 'Column', key: 'column', width: 18 },
        { header: 'Required', key: 'required', width: 10 },
        { header: 'Also accepted as', key: 'aliases', width: 36 },
        { header: 'What to write', key: 'what', width: 100 },
      ],
      rows: notes,
    },
  ]);
}

/** The credentials sheet for the new accounts. Ends `stream`. */
export async function writeCredentialsSheet(stream: Writable, kind: ImportKind, credentials: readonly Credential[]): Promise<void> {
  await writeXlsx(stream, [
    {
      name: 'Accounts',
      columns: [
        { header: 'Name', key: 'name', width: 30 },
        { header: kind === 'students' ? 'Student number' : 'Email', key: 'key', width: 28 },
        { header: 'Username', key: 'username', width: 24 },
        { header: 'One-time password', key: 'oneTimePassword', width: 24 },
        { header: 'Row in the import', key: 'row', width: 18 },
      ],
      rows: credentials,
    },
    {
      name: 'Read me',
      columns: [{ header: 'Read me', key: 'line', width: 110 }],
      rows: [
        { line: 'Each one-time password works for its account until its owner signs in; they must then choose their own password.' },
        { line: 'Give each person only their own line, and delete this file once the passwords are handed out: FMS cannot show them again.' },
        { line: 'A lost one-time password is replaced on the Accounts page (Reset password).' },
      ],
    },
  ]);
}
