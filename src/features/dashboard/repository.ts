import { sql } from 'kysely';
import type { Db } from '../../db/index.js';
import { boundedCount, readRecordCounts, type ListTotal } from '../../db/record-counts.js';

/** The department's figures, kept by triggers (db/record-counts.ts): one small read at any size. */
export async function departmentCounts(db: Db) {
  const c = await readRecordCounts(db);
  return { students: c['students.active'], lecturers: c['lecturers.active'], groups: c['groups.active'], subjects: c['subjects.all'], accounts: c['users.enabled'] };
}

/** Submissions in the Waiting Room across the department, counted up to `bound` (an answer's figure). */
export function countWaitingSubmissionsUpTo(db: Db, bound: number): Promise<ListTotal> {
  return boundedCount(db, db.selectFrom('submissions').where('status', '=', 'waiting'), bound);
}

/** Submissions in the Waiting Room across the department (the metrics' gauge, read per scrape, not per page). */
export async function countWaitingSubmissions(db: Db): Promise<number> {
  const row = await db.selectFrom('submissions').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'waiting').executeTakeFirst();
  return Number(row?.n ?? 0);
}

export function studentWithGroup(db: Db, studentId: number) {
  return db
    .selectFrom('students')
    .leftJoin('groups', 'groups.id', 'students.groupId')
    .select(['students.id', 'students.firstName', 'students.lastName', 'students.studentNumber', 'students.groupId', 'groups.name as groupName'])
    .where('students.id', '=', studentId)
    .executeTakeFirst();
}

export function subjectsOfGroup(db: Db, groupId: number) {
  return db
    .selectFrom('subjectGroups')
    .innerJoin('subjects', 'subjects.id', 'subjectGroups.subjectId')
    .select([
      'subjects.id',
      'subjects.name',
      'subjects.description',
      (eb) =>
        eb
          .selectFrom('teaching')
          .innerJoin('lecturers', 'lecturers.id', 'teaching.lecturerId')
          .select((e) => e.fn.min<string>(e.fn('concat', ['lecturers.firstName', sql.lit(' '), 'lecturers.lastName'])).as('x'))
          .whereRef('teaching.subjectId', '=', 'subjects.id')
          .where('teaching.groupId', '=', groupId)
          .as('lecturerName'),
    ])
    .where('subjectGroups.groupId', '=', groupId)
    .where((eb) => eb.not(eb.ref('subjects.archived')))
    .orderBy('subjects.name')
    .execute();
}

/** The tallied sign-ins and hand-ins of the hours from `from` until `to` (activity_hours' key, per activity). */
export function activityHours(db: Db, from: number, to: number) {
  return db.selectFrom('activityHours').select(['activity', 'hour', 'n']).where('activity', 'in', ['sign_in', 'hand_in']).where('hour', '>=', from).where('hour', '<', to).execute();
}
