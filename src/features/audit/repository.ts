import type { SelectQueryBuilder } from 'kysely';
import type { Db } from '../../db/index.js';
import type { Database } from '../../db/schema.js';

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

/**
 * The actor's username and name, each looked up by key for the page's rows. Not a join: joined,
 * PostgreSQL may merge the page with the accounts in id order, walking every account up to the
 * highest actor's id (the plan test caught it on a lecturer's history at `medium`).
 */
function withActor<O>(query: SelectQueryBuilder<Database, 'auditLog', O>) {
  return query.select((eb) => [
    eb.selectFrom('users').select('users.username').whereRef('users.id', '=', 'auditLog.actorId').as('actorUsername'),
    eb.selectFrom('users').select('users.displayName').whereRef('users.id', '=', 'auditLog.actorId').as('actorName'),
  ]);
}

export function listAuditEntries(db: Db, filter: { entity?: string; entityId?: string; limit: number }) {
  let query = withActor(db.selectFrom('auditLog').select(['auditLog.id', 'auditLog.action', 'auditLog.entity', 'auditLog.entityId', 'auditLog.before', 'auditLog.after', 'auditLog.at', 'auditLog.ip']));
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
] as const;


/**
 * One page of the trail in (at, id) order: newest first, or oldest first after a `newer` position.
 * Every filter is an equality or a range over an indexed column (actor_id+at, action+at,
 * entity+entity_id+at, at), and pages are keyset positions, never OFFSET, so the query stays fast
 * at any depth of a trail with millions of rows.
 *
 * An action prefix ("student.") is the one filter an index cannot serve in time order: a range over
 * (action, at) comes back sorted by action, and SQLite then sorts every matching row (a quarter of
 * a million for a common prefix in a million entries: a quarter of a second). So the prefix is first
 * expanded into the actions that exist under it, each found by one index seek, and each action's page
 * is read in time order from (action, at); the pages are merged here. A prefix covering more than
 * PREFIX_EXPANSION_LIMIT actions falls back to the range.
 */
export async function queryAuditEntries(db: Db, q: AuditQuery) {
  if (!q.action || 'exact' in q.action) return pageQuery(db, q, q.action?.exact).execute();
  const actions = await actionsWithPrefix(db, q.action.prefix, PREFIX_EXPANSION_LIMIT + 1);
  if (actions.length > PREFIX_EXPANSION_LIMIT) return pageQuery(db, q, { prefix: q.action.prefix }).execute();
  const pages = [];
  for (const action of actions) pages.push(...(await pageQuery(db, q, action).execute()));
  const sign = q.position?.direction === 'newer' ? 1 : -1;
  pages.sort((a, b) => sign * (a.at.getTime() - b.at.getTime() || a.id - b.id));
  return pages.slice(0, q.limit);
}

const PREFIX_EXPANSION_LIMIT = 30;

function pageQuery(db: Db, q: AuditQuery, action: string | { prefix: string } | undefined) {
  let query = withActor(db.selectFrom('auditLog').select(entryColumns));
  if (q.actorId === null) query = query.where('auditLog.actorId', 'is', null);
  else if (q.actorId !== undefined) query = query.where('auditLog.actorId', '=', q.actorId);
  if (typeof action === 'string') query = query.where('auditLog.action', '=', action);
  else if (action) query = query.where('auditLog.action', '>=', action.prefix).where('auditLog.action', '<', prefixEnd(action.prefix));
  if (q.entity) query = query.where('auditLog.entity', '=', q.entity);
  if (q.entityId) query = query.where('auditLog.entityId', '=', q.entityId);
  if (q.from) query = query.where('auditLog.at', '>=', q.from);
  if (q.until) query = query.where('auditLog.at', '<', q.until);
  const position = q.position;
  if (position?.direction === 'older') {
    // (at, id) < (p.at, p.id), spelled so that `at <= p.at` can drive the index.
    query = query.where('auditLog.at', '<=', position.at).where((eb) => eb.or([eb('auditLog.at', '<', position.at), eb('auditLog.id', '<', position.id)]));
  } else if (position?.direction === 'newer') {
    query = query.where('auditLog.at', '>=', position.at).where((eb) => eb.or([eb('auditLog.at', '>', position.at), eb('auditLog.id', '>', position.id)]));
  }
  const order = position?.direction === 'newer' ? 'asc' : 'desc';
  return query.orderBy('auditLog.at', order).orderBy('auditLog.id', order).limit(q.limit);
}

/**
 * The distinct actions starting with `prefix`, at most `max`, each found by one seek on the
 * (action, at) index (a loose index scan: neither engine skips through an index for DISTINCT). The
 * prefix is a range (`student.` ≤ action < `student/`), which uses the index on both engines where
 * LIKE would not under every collation.
 */
async function actionsWithPrefix(db: Db, prefix: string, max: number): Promise<string[]> {
  const end = prefixEnd(prefix);
  const found: string[] = [];
  while (found.length < max) {
    const last = found.at(-1);
    const row = await db
      .selectFrom('auditLog')
      .select((eb) => eb.fn.min('auditLog.action').as('action'))
      .where('auditLog.action', last === undefined ? '>=' : '>', last ?? prefix)
      .where('auditLog.action', '<', end)
      .executeTakeFirst();
    if (!row?.action) break;
    found.push(row.action);
  }
  return found;
}

/** The smallest string greater than every string starting with `prefix` (prefixes here are ASCII). */
function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

export async function userIdByUsername(db: Db, username: string): Promise<number | null> {
  const row = await db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst();
  return row?.id ?? null;
}

/**
 * The record whose creation (`action`) since `since` came from the form `formId` (a random UUID the
 * form carries into the audit entry), if any.
 */
export async function entityCreatedByForm(db: Db, action: string, formId: string, since: Date): Promise<string | null> {
  if (!/^[0-9a-f-]{36}$/.test(formId)) return null;
  const row = await db
    .selectFrom('auditLog')
    .select('entityId')
    .where('action', '=', action)
    .where('at', '>=', since)
    .where('after', 'like', `%"formId":"${formId}"%`)
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return row?.entityId ?? null;
}
