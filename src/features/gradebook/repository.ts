// The gradebook's reads: one subject's exercises set for one group, the group's active students, and
// their submissions of those exercises. Three statements whatever the group's size (convention 16).
import type { Db } from '../../db/index.js';

/** The subject's exercises set for the group, by due time (those without one last). */
export function exercisesSetFor(db: Db, subjectId: number, groupId: number) {
  return db
    .selectFrom('exercises')
    .innerJoin('exerciseGroups', 'exerciseGroups.exerciseId', 'exercises.id')
    .select(['exercises.id', 'exercises.title', 'exercises.dueAt', 'exercises.scoreRelease', 'exercises.scoresReleasedAt'])
    .where('exercises.subjectId', '=', subjectId)
    .where('exerciseGroups.groupId', '=', groupId)
    .orderBy((eb) => eb.case().when('exercises.dueAt', 'is', null).then(1).else(0).end())
    .orderBy('exercises.dueAt')
    .orderBy('exercises.id')
    .execute();
}

/** The group's active students in the lists' name order (through students_group_name_idx). */
export function activeStudentsOf(db: Db, groupId: number) {
  return db
    .selectFrom('students')
    .select(['id', 'studentNumber', 'lastName', 'firstName', 'patronymic'])
    .where('groupId', '=', groupId)
    .where('archived', '=', false)
    .orderBy('sortName')
    .orderBy('id')
    .execute();
}

/**
 * What the group's active students sent for the subject's exercises set for the group: at most one
 * entry per student and exercise (submissions_exercise_student_unique).
 */
export function submissionsOf(db: Db, subjectId: number, groupId: number) {
  return db
    .selectFrom('submissions')
    .innerJoin('students', 'students.id', 'submissions.studentId')
    .innerJoin('exercises', 'exercises.id', 'submissions.exerciseId')
    .innerJoin('exerciseGroups', (join) => join.onRef('exerciseGroups.exerciseId', '=', 'submissions.exerciseId').on('exerciseGroups.groupId', '=', groupId))
    .select(['submissions.exerciseId', 'submissions.studentId', 'submissions.status', 'submissions.score', 'submissions.late'])
    .where('students.groupId', '=', groupId)
    .where('students.archived', '=', false)
    .where('exercises.subjectId', '=', subjectId)
    .execute();
}
