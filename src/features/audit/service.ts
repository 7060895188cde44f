// The audit trail: who did what to which record, before and after, when and from where.
import { authorize } from '../../access.js';
import type { ServiceContext } from '../../context.js';
import { decodeCursor, encodeCursor } from '../../lib/cursor.js';
import { Conflict, Invalid } from '../../lib/errors.js';
import { validate } from '../../lib/validation.js';
import type { AuditEntryProps } from '../../views/record-history.js';
import { fieldLabelsOf } from './field-labels.js';
import * as repo from './repository.js';
import { AuditFilterQuery } from './schemas.js';

/** Fields never written to the audit trail, whatever record they belong to. */
const secretFields = new Set(['passwordHash', 'password', 'tokenHash', 'idHash']);

function snapshot(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return JSON.stringify(value, (key, v) => (secretFields.has(key) ? undefined : v));
}

export async function recordAudit(
  ctx: ServiceContext,
  event: { action: string; entity: string; entityId?: string | number | null; before?: unknown; after?: unknown; actorId?: number | null },
): Promise<void> {
  await repo.insertAuditEntry(ctx.db, {
    actorId: event.actorId !== undefined ? event.actorId : ctx.actor && ctx.actor.userId > 0 ? ctx.actor.userId : null,
    action: event.action,
    entity: event.entity,
    entityId: event.entityId === undefined || event.entityId === null ? null : String(event.entityId),
    before: snapshot(event.before),
    after: snapshot(event.after),
    at: ctx.clock.now(),
    ip: ctx.ip ?? null,
  });
}

type AuditEvent = { action: string; entity: string; entityId?: string | number | null; before?: unknown; after?: unknown };

/** Many entries at once (a bulk import), written in a few statements with one timestamp. */
export async function recordAuditMany(ctx: ServiceContext, events: readonly AuditEvent[]): Promise<void> {
  const at = ctx.clock.now();
  const actorId = ctx.actor && ctx.actor.userId > 0 ? ctx.actor.userId : null;
  await repo.insertAuditEntries(
    ctx.db,
    events.map((event) => ({
      actorId,
      action: event.action,
      entity: event.entity,
      entityId: event.entityId === undefined || event.entityId === null ? null : String(event.entityId),
      before: snapshot(event.before),
      after: snapshot(event.after),
      at,
      ip: ctx.ip ?? null,
    })),
  );
}

export async function listAudit(ctx: ServiceContext, filter: { entity?: string; entityId?: string; limit?: number }) {
  authorize(ctx.actor, 'audit.view');
  return repo.listAuditEntries(ctx.db, { ...filter, limit: Math.min(filter.limit ?? 100, 500) });
}

export const AUDIT_PAGE_SIZE = 50;
export const RECORD_HISTORY_LIMIT = 50;
const DAY_MS = 24 * 60 * 60 * 1000;

/** One entry as pages show it (the view parses the stored before/after JSON); the name is always set, null for none. */
export type AuditEntryView = AuditEntryProps & { actorName: string | null };

/** Each entry with its record kind's field labels (shared objects: nothing is copied per entry). */
function withFieldLabels(entries: AuditEntryView[]): AuditEntryView[] {
  for (const entry of entries) entry.fieldLabels = fieldLabelsOf(entry.entity);
  return entries;
}

/** The filter as understood: empty fields dropped, so it can be echoed into the form and links. */
export interface AuditFilter {
  actor?: string;
  action?: string;
  entity?: string;
  entityId?: string;
  from?: string;
  to?: string;
}

export interface AuditPage {
  entries: AuditEntryView[];
  filter: AuditFilter;
  /** Cursors for the neighbouring pages (pass as `before` / `after`), null at either end. */
  olderCursor: string | null;
  newerCursor: string | null;
  pageSize: number;
}

/** A YYYY-MM-DD day's first instant in UTC, or null when there is no such day (2026-02-30). */
function utcDay(text: string): Date | null {
  const day = new Date(`${text}T00:00:00.000Z`);
  return Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== text ? null : day;
}

function cursorOf(entry: AuditEntryView): string {
  return encodeCursor([entry.at.toISOString(), entry.id]);
}

function positionOf(cursor: string, field: 'before' | 'after') {
  let values;
  try {
    values = decodeCursor(cursor, 2);
  } catch {
    throw new Invalid('The page link is not valid.', { [field]: 'Start again from the first page of the audit trail.' });
  }
  const [at, id] = values;
  const instant = typeof at === 'string' ? new Date(at) : null;
  if (!instant || Number.isNaN(instant.getTime()) || typeof id !== 'number' || !Number.isSafeInteger(id))
    throw new Invalid('The page link is not valid.', { [field]: 'Start again from the first page of the audit trail.' });
  return { at: instant, id };
}

/**
 * A page of the audit trail for admins, newest first, filtered by actor (username, or "system"
 * for entries without an account), action (exact, or a prefix ending in "." such as "student."),
 * record type and id, and a range of UTC days (from and to inclusive). Pages are keyset cursors.
 */
export async function listAuditPage(ctx: ServiceContext, query: unknown): Promise<AuditPage> {
  authorize(ctx.actor, 'audit.view');
  const input = validate(AuditFilterQuery, query);
  const filter: AuditFilter = {};
  for (const key of ['actor', 'action', 'entity', 'entityId', 'from', 'to'] as const) if (input[key]) filter[key] = input[key];
  const fields: Record<string, string> = {};

  const from = filter.from ? utcDay(filter.from) : undefined;
  const to = filter.to ? utcDay(filter.to) : undefined;
  if (from === null) fields.from = `There is no day ${filter.from}; give the from date as YYYY-MM-DD.`;
  if (to === null) fields.to = `There is no day ${filter.to}; give the to date as YYYY-MM-DD.`;
  if (from && to && from.getTime() > to.getTime()) fields.to = 'The to date is before the from date.';

  let actorId: number | null | undefined;
  if (filter.actor) {
    const username = filter.actor.toLowerCase();
    filter.actor = username;
    actorId = await repo.userIdByUsername(ctx.db, username);
    // "system" is the command line and every entry without an account, unless someone is named so.
    if (actorId === null && username !== 'system') fields.actor = `No account is named "${username}".`;
  }
  if (input.before && input.after) fields.after = 'Page either before or after an entry, not both.';
  if (Object.keys(fields).length) throw new Invalid('Check the highlighted filters.', fields);

  const action = filter.action
    ? filter.action.endsWith('.*') || filter.action.endsWith('.')
      ? { prefix: filter.action.replace(/\*$/, '') }
      : { exact: filter.action }
    : undefined;
  const pageSize = input.limit ?? AUDIT_PAGE_SIZE;
  const position = input.before
    ? { direction: 'older' as const, ...positionOf(input.before, 'before') }
    : input.after
      ? { direction: 'newer' as const, ...positionOf(input.after, 'after') }
      : undefined;

  const rows: AuditEntryView[] = await repo.queryAuditEntries(ctx.db, {
    actorId,
    action,
    entity: filter.entity,
    entityId: filter.entityId,
    from: from ?? undefined,
    until: to ? new Date(to.getTime() + DAY_MS) : undefined,
    position,
    limit: pageSize + 1,
  });
  const more = rows.length > pageSize;
  const entries = withFieldLabels(rows.slice(0, pageSize));
  if (position?.direction === 'newer') {
    entries.reverse();
    return {
      entries,
      filter,
      pageSize,
      newerCursor: more && entries.length ? cursorOf(entries[0]!) : null,
      olderCursor: entries.length ? cursorOf(entries[entries.length - 1]!) : null,
    };
  }
  return {
    entries,
    filter,
    pageSize,
    olderCursor: more ? cursorOf(entries[entries.length - 1]!) : null,
    // Coming from a newer page, there is one to go back to (empty if those entries were deleted).
    newerCursor: position && entries.length ? cursorOf(entries[0]!) : null,
  };
}

/**
 * Every entry the audit page shows under its filter, newest first, page by page, for an export. A
 * filter that cannot be used is refused before the first entry, as on the page.
 */
export async function* exportAudit(ctx: ServiceContext, query: unknown): AsyncGenerator<AuditEntryView> {
  const { before: _before, after: _after, limit: _limit, ...filter } = (query ?? {}) as Record<string, unknown>;
  let before: string | null = null;
  do {
    const page: AuditPage = await listAuditPage(ctx, { ...filter, limit: 200, ...(before ? { before } : {}) });
    yield* page.entries;
    before = page.olderCursor;
  } while (before);
}

export interface RecordHistoryResult {
  entries: AuditEntryView[];
  /** More entries exist than shown; the full trail is at `trailHref`. */
  more: boolean;
  trailHref: string;
}

/**
 * One record's history for its page (students, lecturers, groups, accounts), newest first. Admins
 * only ('audit.view'): a record page shows it when `can(actor, 'audit.view')`.
 */
export async function recordHistory(ctx: ServiceContext, entity: string, entityId: string | number, limit = RECORD_HISTORY_LIMIT): Promise<RecordHistoryResult> {
  authorize(ctx.actor, 'audit.view');
  const id = String(entityId);
  const size = Math.max(1, Math.min(limit, 200));
  const rows: AuditEntryView[] = await repo.queryAuditEntries(ctx.db, { entity, entityId: id, limit: size + 1 });
  return {
    entries: withFieldLabels(rows.slice(0, size)),
    more: rows.length > size,
    trailHref: `/admin/audit?${new URLSearchParams({ entity, entityId: id }).toString()}`,
  };
}

/**
 * Which record a form already created: forms that answer 201 with a page (the one-time password must
 * not travel through a redirect) carry a random id into their creation's audit entry, so a refreshed
 * page cannot create the record twice.
 */
export async function recordCreatedByForm(ctx: ServiceContext, action: string, formId: string, since: Date): Promise<string | null> {
  return repo.entityCreatedByForm(ctx.db, action, formId, since);
}

/** A new-record form sent again (a refresh of its answer page) after it created a record: 409 naming it. */
export class AlreadySubmitted extends Conflict {
  constructor(
    readonly recordId: number,
    message: string,
  ) {
    super(message, {});
  }
}

/** How long a new-record form's id is remembered: a refresh of the answer within it adds nobody. */
export const FORM_ID_MEMORY_MS = 60 * 60 * 1000;

/**
 * The form's id when it is one (a random UUID its page put in it), after checking it has not done
 * `action` within the last hour; AlreadySubmitted with `already` if it has. The id then goes into
 * the action's audit entry as `formId`.
 */
export async function formIdNotYetUsed(ctx: ServiceContext, action: string, already: string, formId: string | undefined): Promise<string | undefined> {
  if (!formId || !/^[0-9a-f-]{36}$/.test(formId)) return undefined;
  const created = await recordCreatedByForm(ctx, action, formId, new Date(ctx.clock.now().getTime() - FORM_ID_MEMORY_MS));
  if (created !== null) throw new AlreadySubmitted(Number(created), already);
  return formId;
}
