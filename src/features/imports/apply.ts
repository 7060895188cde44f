// Applying an import: the file planned again against the database as it is now, then written all
// rows or none, in the caller's transaction and in batches, with progress. Every refusal comes
// before anything is written and carries the report.
import type { ServiceContext } from '../../context.js';
import type { ImportKind } from '../../db/schema.js';
import { AppError } from '../../lib/errors.js';
import { plural } from '../../lib/plural.js';
import type { SheetInput } from '../../lib/spreadsheets.js';
import type { Credential } from './credentials.js';
import type { KindAdapter } from './kinds/adapter.js';
import { authorizeKind } from './kinds/index.js';
import { buildPlan, readImportSheet, type Plan } from './plan.js';
import type { ImportReport } from './report.js';

/** Rows written per call to the kind's bulk functions (and per progress step). */
const APPLY_BATCH = 500;

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

/** Writes a plan made in this transaction; refuses, writing nothing, a plan with errors, changed or unconfirmed. */
export async function applyPlan(ctx: ServiceContext, adapter: KindAdapter, plan: Plan, options: ApplyOptions): Promise<ImportResult> {
  const { report } = plan;
  if (report.errors.length > 0) throw new ImportHasErrors(report);
  if (options.expectedPlanHash !== undefined && options.expectedPlanHash !== report.planHash) throw new ImportPlanChanged(report);
  if (report.largeChange && !options.confirmLargeChange) throw new LargeChangeUnconfirmed(report);
  const progress = options.onProgress ?? (() => {});
  const credentials: Credential[] = [];
  const creating = `creating ${adapter.kind}`;
  const naming = { reserved: new Set(plan.creates.flatMap((c) => (c.username ? [c.username.toLowerCase()] : []))), nextNumbers: new Map<string, number>() };
  for (let i = 0; i < plan.creates.length; i += APPLY_BATCH) {
    progress({ step: creating, done: i, total: plan.creates.length, unit: 'rows' });
    const batch = plan.creates.slice(i, i + APPLY_BATCH);
    const accounts = await adapter.create(
      ctx,
      batch.map((c) => ({ ...c.record, username: c.username })),
      naming,
    );
    accounts.forEach((a, j) => credentials.push({ row: batch[j]!.row, name: a.name, key: a.key, username: a.username, oneTimePassword: a.oneTimePassword }));
  }
  if (plan.creates.length) progress({ step: creating, done: plan.creates.length, total: plan.creates.length, unit: 'rows' });
  const updating = `updating ${adapter.kind}`;
  for (let i = 0; i < plan.updates.length; i += APPLY_BATCH) {
    progress({ step: updating, done: i, total: plan.updates.length, unit: 'rows' });
    await adapter.update(
      ctx,
      plan.updates.slice(i, i + APPLY_BATCH).map(({ id, before, changes, record }) => ({ id, before, changes, record })),
    );
  }
  if (plan.updates.length) progress({ step: updating, done: plan.updates.length, total: plan.updates.length, unit: 'rows' });
  return { report, credentials };
}
