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

export interface AuditQuery {
  /** An account's id; null: entries without an account (the command line, refused sign-ins). */
  actorId?: number | null;
  action?: { exact: string } | { prefix: string };
  entity?: string;
  entityId?: string;
  /** Instants: from inclusive, until exclusive. */
  from?: Date;
  until?: Date;
  /** Keyset position: rows older than this (newest first) or newer than this (oldest first). */
  position?: { direction: 'older' | 'newer'; at: Date; id: number };
  limit: number;
}

const entryColumns = [
  'auditLog.id',
  'auditLog.action',
  'auditLog.entity',
  'auditLog.entityId',
  'auditLog.before',
  'auditLog.after',
  'auditLog.at',
  'auditLog.ip',
  'auditLog.actorId',
  'users.username as actorUsername',
  'users.displayName as actorName',
] as const;

/**
 * One page of the trail in (at, id) order: newest first, or oldest first after a `newer` position.
 * Every filter is an equality or a range over an indexed column (actor_id+at, action+at,
 * entity+entity_id+at, at), and pages are keyset positions, never OFFSET, so the query stays fast
 * at any depth of a trail with millions of rows. An action prefix is a range (`student.` ≤ action <
 * `student/`), which uses the index on both engines where LIKE would not under every collation.
 */
export function queryAuditEntries(db: Db, q: AuditQuery) {
  let query = db.selectFrom('auditLog').leftJoin('users', 'users.id', 'auditLog.actorId').select(entryColumns);
  if (q.actorId === null) query = query.where('auditLog.actorId', 'is', null);
  else if (q.actorId !== undefined) query = query.where('auditLog.actorId', '=', q.actorId);
  if (q.action && 'exact' in q.action) query = query.where('auditLog.action', '=', q.action.exact);
  else if (q.action) query = query.where('auditLog.action', '>=', q.action.prefix).where('auditLog.action', '<', prefixEnd(q.action.prefix));
  if (q.entity) query = query.where('auditLog.entity', '=', q.entity);
  if (q.entityId) query = query.where('auditLog.entityId', '=', q.entityId);
  if (q.from) query = query.where('auditLog.at', '>=', q.from);
  if (q.until) query = query.where('auditLog.at', '<', q.until);
  const position = q.position;
  if (position?.direction === 'older') {
    // (at, id) < (p.at, p.id), spelled so that `at <= p.at` can drive the index.
    query = query.where('auditLog.at', '<=', position.at).where((eb) =>
      eb.or([eb('auditLog.at', '<', position.at), eb('auditLog.id', '<', position.id)]),
    );
  } else if (position?.direction === 'newer') {
    query = query.where('auditLog.at', '>=', position.at).where((eb) =>
      eb.or([eb('auditLog.at', '>', position.at), eb('auditLog.id', '>', position.id)]),
    );
  }
  const order = position?.direction === 'newer' ? 'asc' : 'desc';
  return query.orderBy('auditLog.at', order).orderBy('auditLog.id', order).limit(q.limit).execute();
}

/** The smallest string greater than every string starting with `prefix` (prefixes here are ASCII). */
function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

export async function userIdByUsername(db: Db, username: string): Promise<number | null> {
  const row = await db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst();
  return row?.id ?? null;
}
