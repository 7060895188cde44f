// The audit trail: who did what to which record, before and after, when and from where.
import { authorize } from '../../access.js';
import type { ServiceContext } from '../../context.js';
import * as repo from './repository.js';

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
