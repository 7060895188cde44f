import type { Insertable, SelectQueryBuilder, Updateable } from 'kysely';
import type { LecturerScope } from '../../access.js';
import type { Db } from '../../db/index.js';
import { archivedColumn, matchesPeopleSearch, type PeopleSearch } from '../../db/people-search.js';
import { boundedCount, recordCount, type ListTotal } from '../../db/record-counts.js';
import type { Database, LecturersTable } from '../../db/schema.js';
import type { CursorPart, CursorValue } from '../../lib/cursor.js';
import type { LecturerSort } from './schemas.js';

export interface LecturerFilter {
  scope: LecturerScope;
  search: PeopleSearch | null;
  degree?: string | null;
  groupId?: number | null;
  archived: boolean;
}

function filtered<O>(query: SelectQueryBuilder<Database, 'lecturers', O>, filter: LecturerFilter) {
  let q = query.where(archivedColumn('lecturers', filter.search), '=', filter.archived);
  const scope = filter.scope;
  if (scope.kind === 'self') q = q.where('lecturers.id', '=', scope.lecturerId);
  else if (scope.kind === 'none') q = q.where((eb) => eb.val(false));
  if (filter.degree) q = q.where('lecturers.academicDegree', '=', filter.degree);
  if (filter.groupId) q = q.where('lecturers.id', 'in', (eb) => eb.selectFrom('teaching').select('teaching.lecturerId').where('teaching.groupId', '=', filter.groupId!));
  if (filter.search) q = q.where(matchesPeopleSearch(filter.search));
  return q;
}

export function sortKeyOf(sort: LecturerSort, row: { sortName: string; id: number }): CursorValue[] {
  return sort.endsWith('name') ? [row.sortName, row.id] : [row.id];
}

/** What each value of the sort's cursor must be, so a forged cursor never reaches the query. */
export function sortKeyShape(sort: LecturerSort): CursorPart[] {
  return sort.endsWith('name') ? ['string', 'id'] : ['id'];
}

export function listLecturers(db: Db, filter: LecturerFilter, page: { sort: LecturerSort; limit: number; after?: CursorValue[]; offset?: number }) {
  const desc = page.sort.startsWith('-');
  const direction = desc ? 'desc' : 'asc';
  const op = desc ? '<' : '>';
  let query = filtered(db.selectFrom('lecturers').selectAll('lecturers'), filter);
  const after = page.after;
  if (page.sort.endsWith('name')) {
    if (after) query = query.where((eb) => eb(eb.refTuple('lecturers.sortName', 'lecturers.id'), op, eb.tuple(String(after[0]), Number(after[1]))));
    query = query.orderBy('lecturers.sortName', direction).orderBy('lecturers.id', direction);
  } else {
    if (after) query = query.where('lecturers.id', op, Number(after[0]));
    query = query.orderBy('lecturers.id', direction);
  }
  if (page.offset) query = query.offset(page.offset);
  return query.limit(page.limit).execute();
}

/** As countStudents: the kept figure when nothing narrows the list, else counted as far as `bound`. */
export async function countLecturers(db: Db, filter: LecturerFilter, bound: number): Promise<ListTotal> {
  if (filter.scope.kind === 'all' && !filter.groupId && !filter.search && !filter.degree)
    return { total: await recordCount(db, filter.archived ? 'lecturers.archived' : 'lecturers.active'), atLeast: false };
  return boundedCount(db, filtered(db.selectFrom('lecturers'), filter), bound);
}

export function findLecturer(db: Db, scope: LecturerScope, id: number) {
  if (scope.kind === 'none') return Promise.resolve(undefined);
  let query = db.selectFrom('lecturers').selectAll().where('id', '=', id);
  if (scope.kind === 'self') query = query.where('id', '=', scope.lecturerId);
  return query.executeTakeFirst();
}

/** The groups each lecturer teaches (through any subject), by lecturer id. */
export async function groupsTaughtBy(db: Db, lecturerIds: readonly number[]): Promise<Map<number, { id: number; name: string }[]>> {
  const out = new Map<number, { id: number; name: string }[]>();
  if (lecturerIds.length === 0) return out;
  const rows = await db
    .selectFrom('teaching')
    .innerJoin('groups', 'groups.id', 'teaching.groupId')
    .select(['teaching.lecturerId', 'groups.id', 'groups.name'])
    .distinct()
    .where('teaching.lecturerId', 'in', lecturerIds)
    .orderBy('groups.name')
    .execute();
  for (const r of rows) {
    const list = out.get(r.lecturerId) ?? [];
    list.push({ id: r.id, name: r.name });
    out.set(r.lecturerId, list);
  }
  return out;
}

export async function degrees(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('lecturers').select('academicDegree').distinct().where('academicDegree', '!=', '').orderBy('academicDegree').execute();
  return rows.map((r) => r.academicDegree);
}

export function findLecturerByEmail(db: Db, email: string) {
  return db.selectFrom('lecturers').select(['id', 'archived']).where('email', '=', email).executeTakeFirst();
}

export function insertLecturer(db: Db, lecturer: Insertable<LecturersTable>) {
  return db.insertInto('lecturers').values(lecturer).returning('id').executeTakeFirstOrThrow();
}

export async function updateLecturer(db: Db, id: number, changes: Updateable<LecturersTable>) {
  await db.updateTable('lecturers').set(changes).where('id', '=', id).execute();
}

export async function findLecturersByEmails(db: Db, emails: readonly string[]) {
  const out = [];
  for (let i = 0; i < emails.length; i += 500) out.push(...(await db.selectFrom('lecturers').selectAll().where('email', 'in', emails.slice(i, i + 500)).execute()));
  return out;
}

/** RETURNING promises no row order, so callers match the new ids back by e-mail. */
export async function insertLecturers(db: Db, lecturers: Insertable<LecturersTable>[]): Promise<{ id: number; email: string | null }[]> {
  const out: { id: number; email: string | null }[] = [];
  for (let i = 0; i < lecturers.length; i += 200) out.push(...(await db.insertInto('lecturers').values(lecturers.slice(i, i + 200)).returning(['id', 'email']).execute()));
  return out;
}

export function countActiveLecturers(db: Db): Promise<number> {
  return recordCount(db, 'lecturers.active');
}

// ---- pickers -----------------------------------------------------------------------------------

/** A lecturer as a picker needs them: enough to label them, and the search text close matches are ranked by. */
const choiceColumns = ['lecturers.id', 'lecturers.lastName', 'lecturers.firstName', 'lecturers.email', 'lecturers.archived', 'lecturers.sortName', 'lecturers.searchText'] as const;

function scopedChoices(db: Db, scope: LecturerScope) {
  const query = db.selectFrom('lecturers').select(choiceColumns);
  if (scope.kind === 'self') return query.where('lecturers.id', '=', scope.lecturerId);
  if (scope.kind === 'none') return query.where((eb) => eb.val(false));
  return query;
}

/**
 * Active lecturers in the scope whose search text holds the search's words, by name, at most
 * `limit`: the list's own filter, so the trigram index and the (archived, sort_name) index serve it.
 */
export function findLecturerChoices(db: Db, scope: LecturerScope, search: PeopleSearch | null, limit: number) {
  return filtered(db.selectFrom('lecturers').select(choiceColumns), { scope, search, archived: false })
    .orderBy('lecturers.sortName')
    .orderBy('lecturers.id')
    .limit(limit)
    .execute();
}

/** The lecturer in the scope with this e-mail (stored in lower case), archived ones too. */
export function findLecturerChoiceByEmail(db: Db, scope: LecturerScope, email: string) {
  return scopedChoices(db, scope).where('lecturers.email', '=', email).executeTakeFirst();
}

/** The lecturer in the scope with this id, archived ones too. */
export function findLecturerChoice(db: Db, scope: LecturerScope, id: number) {
  return scopedChoices(db, scope).where('lecturers.id', '=', id).executeTakeFirst();
}

/** The lecturers in the scope with these ids, archived ones too, by name. */
export async function findLecturerChoicesByIds(db: Db, scope: LecturerScope, ids: readonly number[]) {
  const out = [];
  for (let i = 0; i < ids.length; i += 500) out.push(...(await scopedChoices(db, scope).where('lecturers.id', 'in', ids.slice(i, i + 500)).execute()));
  return out.sort((a, b) => (a.sortName < b.sortName ? -1 : a.sortName > b.sortName ? 1 : a.id - b.id));
}

/**
 * Active lecturers in the scope whose name order key is one of `sortNames` (a typed full name, read
 * by key from the (archived, sort_name) index), by name, at most `limit`.
 */
export function findActiveLecturersBySortName(db: Db, scope: LecturerScope, sortNames: readonly string[], limit: number) {
  if (sortNames.length === 0) return Promise.resolve([]);
  return scopedChoices(db, scope)
    .where('lecturers.archived', '=', false)
    .where('lecturers.sortName', 'in', sortNames)
    .orderBy('lecturers.sortName')
    .orderBy('lecturers.id')
    .limit(limit)
    .execute();
}
