import type { Db } from '../../db/index.js';

export interface AuditEntry {
  actorId: number | null;
  action: string;
  entity: string;
  entityId: string | null;
  before: string | null;
  after: string | null;
  at: Date;
  ip: string | null;
}

export async function insertAuditEntry(db: Db, entry: AuditEntry) {
  await db.insertInto('auditLog').values(entry).execute();
}

export async function insertAuditEntries(db: Db, entries: AuditEntry[]) {
  for (let i = 0; i < entries.length; i += 500) await db.insertInto('auditLog').values(entries.slice(i, i + 500)).execute();
}

export function listAuditEntries(db: Db, filter: { entity?: string; entityId?: string; limit: number }) {
  let query = db
    .selectFrom('auditLog')
    .leftJoin('users', 'users.id', 'auditLog.actorId')
    .select([
      'auditLog.id',
      'auditLog.action',
      'auditLog.entity',
      'auditLog.entityId',
      'auditLog.before',
      'auditLog.after',
      'auditLog.at',
      'auditLog.ip',
      'users.username as actorUsername',
    ]);
  if (filter.entity) query = query.where('auditLog.entity', '=', filter.entity);
  if (filter.entityId) query = query.where('auditLog.entityId', '=', filter.entityId);
  return query.orderBy('auditLog.at', 'desc').orderBy('auditLog.id', 'desc').limit(filter.limit).execute();
}
