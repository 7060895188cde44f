import type { Insertable, SelectQueryBuilder, Updateable } from 'kysely';
import type { StudentScope } from '../../access.js';
import type { Db } from '../../db/index.js';
import { archivedColumn, matchesPeopleSearch, type PeopleSearch } from '../../db/people-search.js';
import { boundedCount, recordCount, type ListTotal } from '../../db/record-counts.js';
import type { Database, StudentsTable } from '../../db/schema.js';
import type { CursorPart, CursorValue } from '../../lib/cursor.js';
import { storedColumns } from '../../lib/record-fields.js';
import { studentFields } from './fields.js';
import type { StudentSort } from './schemas.js';

export interface StudentFilter {
  scope: StudentScope;
  /** The search over the column the actor may search (access.ts studentSearchFields). */
  search: PeopleSearch | null;
  groupId?: number | null;
  archived: boolean;
}

function base(db: Db) {
  return db.selectFrom('students').leftJoin('groups', 'groups.id', 'students.groupId');
}

/** A query over the students alone: the filter, the order, a count and a deep page's key need no group. */
type Students<O> = SelectQueryBuilder<Database, 'students', O>;

/**
 * The students alone, for a count or a deep page's key: they need no group name, and the join made
 * the count over 100,000 students 2–3× slower (bench/RESULTS.md). A page's rows join the group last.
 */
function studentsOnly(db: Db) {
  return db.selectFrom('students');
}

function filtered<O>(query: Students<O>, filter: StudentFilter): Students<O> {
  let q = query.where(archivedColumn('students', filter.search), '=', filter.archived);
  const scope = filter.scope;
  if (scope.kind === 'taughtBy')
    q = q.where('students.groupId', 'in', (eb) => eb.selectFrom('teaching').select('teaching.groupId').where('teaching.lecturerId', '=', scope.lecturerId));
  else if (scope.kind === 'self') q = q.where('students.id', '=', scope.studentId);
  else if (scope.kind === 'none') q = q.where((eb) => eb.val(false));
  if (filter.groupId) q = q.where('students.groupId', '=', filter.groupId);
  if (filter.search) q = q.where(matchesPeopleSearch(filter.search));
  return q;
}

// The declared fields (features/students/fields.ts) and what every page of a student needs besides.
const columns = [
  'students.id',
  ...storedColumns(studentFields, 'students'),
  'groups.name as groupName',
  'students.photoFileId',
  'students.photoThumbnailFileId',
  'students.archived',
  'students.createdAt',
  'students.updatedAt',
  'students.sortName',
] as const;

/** The sort's key columns, in order; the id is always last so equal names still page stably. */
export function sortKeyOf(sort: StudentSort, row: { sortName: string; studentNumber: string; id: number }): CursorValue[] {
  if (sort.endsWith('name')) return [row.sortName, row.id];
  if (sort.endsWith('number')) return [row.studentNumber, row.id];
  return [row.id];
}

/** What each value of the sort's cursor must be, so a forged cursor never reaches the query. */
export function sortKeyShape(sort: StudentSort): CursorPart[] {
  return sort.endsWith('name') || sort.endsWith('number') ? ['string', 'id'] : ['id'];
}

/** The sort's order, starting after (or, inclusive, at) a key. */
function ordered<O>(query: Students<O>, sort: StudentSort, from?: { key: CursorValue[]; inclusive: boolean }): Students<O> {
  const desc = sort.startsWith('-');
  const direction = desc ? 'desc' : 'asc';
  const op = from?.inclusive ? (desc ? '<=' : '>=') : desc ? '<' : '>';
  const key = from?.key;
  let q = query;
  if (sort.endsWith('name')) {
    if (key) q = q.where((eb) => eb(eb.refTuple('students.sortName', 'students.id'), op, eb.tuple(String(key[0]), Number(key[1]))));
    q = q.orderBy('students.sortName', direction).orderBy('students.id', direction);
  } else if (sort.endsWith('number')) {
    if (key) q = q.where((eb) => eb(eb.refTuple('students.studentNumber', 'students.id'), op, eb.tuple(String(key[0]), Number(key[1]))));
    q = q.orderBy('students.studentNumber', direction).orderBy('students.id', direction);
  } else {
    if (key) q = q.where('students.id', op, Number(key[0]));
    q = q.orderBy('students.id', direction);
  }
  return q;
}

/** The sort key of the row at `offset`, selecting only the sort's own (indexed) columns. */
async function anchorKey(db: Db, filter: StudentFilter, sort: StudentSort, offset: number): Promise<CursorValue[] | null> {
  if (sort.endsWith('name')) {
    const row = await ordered(filtered(studentsOnly(db).select(['students.sortName', 'students.id']), filter), sort).offset(offset).limit(1).executeTakeFirst();
    return row ? [row.sortName, row.id] : null;
  }
  if (sort.endsWith('number')) {
    const row = await ordered(filtered(studentsOnly(db).select(['students.studentNumber', 'students.id']), filter), sort).offset(offset).limit(1).executeTakeFirst();
    return row ? [row.studentNumber, row.id] : null;
  }
  const row = await ordered(filtered(studentsOnly(db).select(['students.id']), filter), sort).offset(offset).limit(1).executeTakeFirst();
  return row ? [row.id] : null;
}

export async function listStudents(db: Db, filter: StudentFilter, page: { sort: StudentSort; limit: number; after?: CursorValue[]; offset?: number }) {
  let from = page.after ? { key: page.after, inclusive: false } : undefined;
  if (!from && page.offset) {
    // A numbered page far down the list: find its first row's key through the index alone (no
    // table row read for the rows skipped), then read the page from that key.
    const key = await anchorKey(db, filter, page.sort, page.offset);
    if (!key) return [];
    from = { key, inclusive: true };
  }
  return ordered(filtered(studentsOnly(db), filter), page.sort, from)
    .leftJoin('groups', 'groups.id', 'students.groupId')
    .select(columns)
    .limit(page.limit)
    .execute();
}

/**
 * How many students the list holds: the kept figure when nothing narrows it (db/record-counts.ts),
 * else counted as far as `bound` (a filter, a search, a lecturer's groups).
 */
export async function countStudents(db: Db, filter: StudentFilter, bound: number): Promise<ListTotal> {
  if (filter.scope.kind === 'all' && !filter.groupId && !filter.search)
    return { total: await recordCount(db, filter.archived ? 'students.archived' : 'students.active'), atLeast: false };
  return boundedCount(db, filtered(studentsOnly(db), filter), bound);
}

/** One student within the actor's scope, archived or not. */
export function findStudent(db: Db, scope: StudentScope, id: number) {
  let query = base(db).select(columns).where('students.id', '=', id);
  if (scope.kind === 'taughtBy')
    query = query.where('students.groupId', 'in', (eb) => eb.selectFrom('teaching').select('teaching.groupId').where('teaching.lecturerId', '=', scope.lecturerId));
  else if (scope.kind === 'self') query = query.where('students.id', '=', scope.studentId);
  else if (scope.kind === 'none') return Promise.resolve(undefined);
  return query.executeTakeFirst();
}

export function findStudentByNumber(db: Db, studentNumber: string) {
  return db.selectFrom('students').select(['id', 'studentNumber', 'archived']).where('studentNumber', '=', studentNumber).executeTakeFirst();
}

export function findStudentByEmail(db: Db, email: string) {
  return db.selectFrom('students').select(['id', 'email', 'archived']).where('email', '=', email).executeTakeFirst();
}

export async function insertStudent(db: Db, student: Insertable<StudentsTable>) {
  return db.insertInto('students').values(student).returning('id').executeTakeFirstOrThrow();
}

export async function updateStudent(db: Db, id: number, changes: Updateable<StudentsTable>) {
  await db.updateTable('students').set(changes).where('id', '=', id).execute();
}

/** Existing students whose number or e-mail appears in an import (in chunks of 500 keys). */
export async function findStudentsByKeys(db: Db, numbers: readonly string[], emails: readonly string[]) {
  const rows = new Map<number, Awaited<ReturnType<typeof findStudent>> & object>();
  for (const [column, keys] of [
    ['students.studentNumber', numbers],
    ['students.email', emails],
  ] as const) {
    for (let i = 0; i < keys.length; i += 500) {
      const chunk = keys.slice(i, i + 500);
      for (const row of await base(db).select(columns).where(column, 'in', chunk).execute()) rows.set(row.id, row);
    }
  }
  return [...rows.values()];
}

export async function insertStudents(db: Db, students: Insertable<StudentsTable>[]): Promise<{ id: number; studentNumber: string }[]> {
  const out: { id: number; studentNumber: string }[] = [];
  for (let i = 0; i < students.length; i += 200) {
    out.push(...(await db.insertInto('students').values(students.slice(i, i + 200)).returning(['id', 'studentNumber']).execute()));
  }
  return out;
}

export function countActiveStudents(db: Db): Promise<number> {
  return recordCount(db, 'students.active');
}

// ---- the record's studies (studies.ts) ---------------------------------------------------------

/**
 * The subjects the group takes (subject_groups), not archived, each once per lecturer who teaches
 * it to the group (none: one row with no lecturer). `viewerLecturerId`: a lecturer looking at the
 * record; `viewerTeaches` then says whether they teach the subject to any group (whether they may
 * open its page), else it is false. One statement for the whole card.
 */
export function subjectsOfGroup(db: Db, groupId: number, viewerLecturerId: number | null) {
  return db
    .selectFrom('subjectGroups')
    .innerJoin('subjects', 'subjects.id', 'subjectGroups.subjectId')
    .leftJoin('teaching', (join) => join.onRef('teaching.subjectId', '=', 'subjects.id').on('teaching.groupId', '=', groupId))
    .leftJoin('lecturers', 'lecturers.id', 'teaching.lecturerId')
    .select(['subjects.id', 'subjects.name', 'teaching.lecturerId', 'lecturers.lastName', 'lecturers.firstName'])
    .select((eb) =>
      (viewerLecturerId === null
        ? eb.val(false)
        : eb.exists(eb.selectFrom('teaching as mine').select('mine.id').whereRef('mine.subjectId', '=', 'subjects.id').where('mine.lecturerId', '=', viewerLecturerId))
      ).as('viewerTeaches'),
    )
    .where('subjectGroups.groupId', '=', groupId)
    // NOT, not `= false`: SQLite would start from the archived flag's index and read every subject.
    .where((eb) => eb.not(eb.ref('subjects.archived')))
    .orderBy('subjects.name')
    .orderBy('subjects.id')
    .orderBy('lecturers.sortName')
    .execute();
}
