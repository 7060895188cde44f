import type { Insertable, Updateable } from 'kysely';
import type { ThesisScope } from '../../access.js';
import type { Db } from '../../db/index.js';
import type { ThesesTable, ThesisStatus } from '../../db/schema.js';

/** Goes up with every change to the theses (migration 0012's triggers): one look-up by key. */
export async function thesesVersion(db: Db): Promise<number> {
  const row = await db.selectFrom('recordCounts').select('n').where('counted', '=', 'theses.version').executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Every thesis's id and title, for the similarity index (built once per change, not per search). */
export function allTitles(db: Db) {
  return db.selectFrom('theses').select(['id', 'title']).orderBy('id').execute();
}

function withNames(db: Db) {
  return db
    .selectFrom('theses')
    .innerJoin('students', 'students.id', 'theses.studentId')
    .select([
      'theses.id',
      'theses.studentId',
      'theses.title',
      'theses.supervisorId',
      'theses.year',
      'theses.status',
      'theses.createdAt',
      'theses.updatedAt',
      'students.firstName as studentFirstName',
      'students.lastName as studentLastName',
      'students.groupId',
      // By key per row, not joined: joined, PostgreSQL hashed every lecturer for a page of 51.
      (eb) => eb.selectFrom('lecturers').select('lecturers.firstName').whereRef('lecturers.id', '=', 'theses.supervisorId').as('supervisorFirstName'),
      (eb) => eb.selectFrom('lecturers').select('lecturers.lastName').whereRef('lecturers.id', '=', 'theses.supervisorId').as('supervisorLastName'),
    ]);
}

export type ThesisRow = NonNullable<Awaited<ReturnType<typeof findThesisOfStudent>>>;

export function findThesisOfStudent(db: Db, studentId: number) {
  return withNames(db).where('theses.studentId', '=', studentId).executeTakeFirst();
}

/**
 * The theses in the scope, newest first, a page of `limit` after `before` (an id): an admin's every
 * one (the primary key walked from the top: every row passes); a student's their own (by key); a
 * lecturer's those they supervise and those of the students of the groups they teach, gathered by
 * key first (theses_supervisor_idx; the groups' students, then theses_student_unique): as many as
 * the lecturer's students, never the department's theses walked.
 */
export async function listTheses(db: Db, scope: ThesisScope, page: { limit: number; before?: number }) {
  let q = withNames(db);
  if (scope.kind === 'none') return [];
  if (scope.kind === 'own') q = q.where('theses.studentId', '=', scope.studentId);
  if (scope.kind === 'lecturer') {
    const [supervised, taught] = await Promise.all([
      db.selectFrom('theses').select('id').where('supervisorId', '=', scope.lecturerId).execute(),
      db
        .selectFrom('theses')
        .innerJoin('students', 'students.id', 'theses.studentId')
        .select('theses.id')
        .where('students.groupId', 'in', (eb) => eb.selectFrom('teaching').select('teaching.groupId').where('teaching.lecturerId', '=', scope.lecturerId))
        .execute(),
    ]);
    const ids = [...new Set([...supervised, ...taught].map((r) => r.id))]
      .filter((id) => page.before === undefined || id < page.before)
      .sort((a, b) => b - a)
      .slice(0, page.limit);
    if (ids.length === 0) return [];
    q = q.where('theses.id', 'in', ids);
  }
  if (page.before !== undefined) q = q.where('theses.id', '<', page.before);
  return q.orderBy('theses.id', 'desc').limit(page.limit).execute();
}

export async function insertThesis(db: Db, thesis: Insertable<ThesesTable>): Promise<number> {
  return (await db.insertInto('theses').values(thesis).returning('id').executeTakeFirstOrThrow()).id;
}

/** Changes the thesis (only while its status is `onlyIf`, when given); answers whether it did. */
export async function updateThesis(db: Db, id: number, changes: Updateable<ThesesTable>, onlyIf?: ThesisStatus): Promise<boolean> {
  const result = await db
    .updateTable('theses')
    .set(changes)
    .where('id', '=', id)
    .$if(onlyIf !== undefined, (q) => q.where('status', '=', onlyIf!))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
