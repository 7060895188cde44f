// The web flow: the dry run's upload and report kept in the imports table (and the file in storage)
// until an admin confirms it, applied then after a fresh plan; the new accounts' one-time passwords
// sealed for one download; dry runs nobody confirmed discarded. The CLI and the API plan and apply
// in one go instead (plan.ts, apply.ts).
import { Readable } from 'node:stream';
import { authorize } from '../../access.js';
import type { ServiceContext } from '../../context.js';
import type { ImportKind } from '../../db/schema.js';
import { AppError, Conflict, Forbidden, NotFound } from '../../lib/errors.js';
import type { SheetInput } from '../../lib/spreadsheets.js';
import { newStorageKey, type Storage } from '../../storage/index.js';
import { recordAudit } from '../audit/service.js';
import * as files from '../files/service.js';
import { applyPlan, ImportHasErrors, type ApplyOptions } from './apply.js';
import { decryptCredentials, encryptCredentials, type Credential } from './credentials.js';
import { adapterFor, authorizeKind, importableKinds } from './kinds/index.js';
import { buildPlan, readImportSheet } from './plan.js';
import type { ImportReport } from './report.js';
import * as repo from './repository.js';

/** Dry runs never confirmed are deleted, with their files, after this long. */
export const DRY_RUN_LIFETIME_MS = 24 * 60 * 60 * 1000;

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
  /** Its new records get sign-in accounts (people, not subjects), so it may have a credentials sheet. */
  accounts: boolean;
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
  const { row, adapter } = await requireImport(ctx, id);
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
    accounts: adapter.accounts,
    credentialsWaiting: waiting,
    mayTakeCredentials: waiting && row.createdBy !== null && row.createdBy === ctx.actor?.userId,
  };
}

/** The latest imports of the kinds the actor may import, newest first. */
export async function listImports(ctx: ServiceContext, limit = 20) {
  authorize(ctx.actor, 'imports.run');
  return repo.listRecentImports(
    ctx.db,
    importableKinds(ctx.actor).map((k) => k.kind),
    limit,
  );
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
