import { sql, type ExpressionBuilder, type Insertable, type SelectQueryBuilder, type Updateable } from 'kysely';
import type { ExerciseScope } from '../../access.js';
import { dialectOf, type Db } from '../../db/index.js';
import { amongIdsOn } from '../../db/people-search.js';
import type { Database, ExercisesTable, SubmissionsTable } from '../../db/schema.js';

/** The exercises in the scope: a lecturer's through the teaching of their subjects, a student's through their group. */
function scoped<O>(query: SelectQueryBuilder<Database, 'exercises', O>, scope: ExerciseScope) {
  switch (scope.kind) {
    case 'all':
      return query;
    case 'taughtBy':
      return query.where('exercises.subjectId', 'in', (eb) => eb.selectFrom('teaching').select('teaching.subjectId').where('teaching.lecturerId', '=', scope.lecturerId));
    case 'setFor':
      return query.where('exercises.id', 'in', (eb) =>
        eb
          .selectFrom('exerciseGroups')
          .select('exerciseGroups.exerciseId')
          .where('exerciseGroups.groupId', '=', (s) => s.selectFrom('students').select('students.groupId').where('students.id', '=', scope.studentId)),
      );
    case 'none':
      return query.where((eb) => eb.val(false));
  }
}

const columns = [
  'exercises.id',
  'exercises.subjectId',
  'subjects.name as subjectName',
  'exercises.title',
  'exercises.text',
  'exercises.dueAt',
  'exercises.scoreRelease',
  'exercises.scoresReleasedAt',
  'exercises.createdAt',
  'exercises.updatedAt',
] as const;

function withSubject(db: Db) {
  return db.selectFrom('exercises').innerJoin('subjects', 'subjects.id', 'exercises.subjectId');
}

export function findExercise(db: Db, scope: ExerciseScope, id: number) {
  return scoped(withSubject(db).select(columns), scope).where('exercises.id', '=', id).executeTakeFirst();
}

/** A subject's exercises in the scope, by due time (those without one last). */
export function exercisesOfSubject(db: Db, scope: ExerciseScope, subjectId: number) {
  return scoped(withSubject(db).select(columns), scope)
    .where('exercises.subjectId', '=', subjectId)
    .orderBy((eb) => eb.case().when('exercises.dueAt', 'is', null).then(1).else(0).end())
    .orderBy('exercises.dueAt')
    .orderBy('exercises.id')
    .execute();
}

/**
 * Exercises in the scope due from `from` until `until`, of subjects not archived, soonest first, at
 * most `limit`: a lecturer's week (their dashboard), read per subject through exercises_subject_idx.
 */
export function exercisesDueBetween(db: Db, scope: ExerciseScope, from: Date, until: Date, limit: number) {
  const current = withSubject(db).where((eb) => eb.not(eb.ref('subjects.archived')));
  return scoped(current.select(columns), scope)
    .where('exercises.dueAt', '>=', from)
    .where('exercises.dueAt', '<', until)
    .orderBy('exercises.dueAt')
    .orderBy('exercises.id')
    .limit(limit)
    .execute();
}

/**
 * The exercises set for a group, of subjects not archived, each with this student's submission (or
 * none): the student's own group (looked up by the statement) or the one given. A group has tens of
 * exercises per term, not thousands.
 */
function setForStudent(db: Db, studentId: number, groupId: number | null) {
  return withSubject(db)
    .leftJoin('submissions', (join) => join.onRef('submissions.exerciseId', '=', 'exercises.id').on('submissions.studentId', '=', studentId))
    .where('exercises.id', 'in', (eb) =>
      eb
        .selectFrom('exerciseGroups')
        .select('exerciseGroups.exerciseId')
        .where('exerciseGroups.groupId', '=', groupId ?? ((s) => s.selectFrom('students').select('students.groupId').where('students.id', '=', studentId))),
    )
    // NOT, not `= false`: SQLite would start from the archived flag's index and read every subject.
    .where((eb) => eb.not(eb.ref('subjects.archived')));
}

/** A student's own exercises (My exercises) with their submission, by due time. */
export function exercisesOfStudent(db: Db, studentId: number) {
  return setForStudent(db, studentId, null)
    .select([
      ...columns,
      'submissions.id as submissionId',
      'submissions.status as submissionStatus',
      'submissions.score',
      'submissions.late',
      'submissions.submittedAt',
      'submissions.note',
      'submissions.version',
      'submissions.dismissReason',
      'submissions.attachmentFileId',
      'exercises.attachmentFileId as briefFileId',
    ])
    .orderBy((eb) => eb.case().when('exercises.dueAt', 'is', null).then(1).else(0).end())
    .orderBy('exercises.dueAt')
    .orderBy('exercises.id')
    .execute();
}

/**
 * What a student still has to send (nothing sent, or what they sent was removed) with a due time
 * at or after `now` (`ahead`: soonest first, at most `limit`) or before it (overdue): the open, due
 * soon and overdue states of exerciseState, in SQL, with only the columns a dashboard shows.
 */
function stillToSend(db: Db, studentId: number) {
  return setForStudent(db, studentId, null).where((eb) => eb.or([eb('submissions.id', 'is', null), eb('submissions.status', '=', 'dismissed')]));
}

export function exercisesAheadOfStudent(db: Db, studentId: number, now: Date, limit: number) {
  return stillToSend(db, studentId)
    .where('exercises.dueAt', '>=', now)
    .select(['exercises.id', 'exercises.title', 'exercises.dueAt', 'exercises.subjectId', 'subjects.name as subjectName'])
    .orderBy('exercises.dueAt')
    .orderBy('exercises.id')
    .limit(limit)
    .execute();
}

export async function countOverdueOfStudent(db: Db, studentId: number, now: Date): Promise<number> {
  const row = await stillToSend(db, studentId)
    // exerciseState: overdue once the due time has passed, not at it.
    .where('exercises.dueAt', '<', now)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/**
 * A student's scored submissions whose score is released (scoreReleased's rule), of the exercises
 * myExercises lists (their group's, of subjects not archived), with when each was scored and released.
 */
export function releasedScoresOfStudent(db: Db, studentId: number) {
  return setForStudent(db, studentId, null)
    // COALESCE keeps the join a left join SQLite cannot start from: a bare `status = 'graded'` let it
    // read every graded submission by submissions_status_idx instead of the student's own.
    .where((eb) => eb(eb.fn.coalesce('submissions.status', sql.lit('')), '=', 'graded'))
    .where((eb) => eb.or([eb('exercises.scoreRelease', '=', 'on-scoring'), eb('exercises.scoresReleasedAt', 'is not', null)]))
    .select(['exercises.id', 'exercises.title', 'exercises.subjectId', 'subjects.name as subjectName', 'submissions.score', 'submissions.gradedAt', 'exercises.scoresReleasedAt'])
    .execute();
}

/**
 * A student's exercises as the staff see them on the student's record: those set for the group the
 * record names, of these subjects only (null: all) and, for a lecturer (`taughtBy`), of the subjects
 * they teach to that group, with the student's submission; by subject, then due time.
 */
export function exercisesOfStudentInSubjects(db: Db, studentId: number, groupId: number, subjectIds: readonly number[] | null, taughtBy: number | null) {
  return setForStudent(db, studentId, groupId)
    .$if(subjectIds !== null, (q) => q.where('exercises.subjectId', 'in', subjectIds!.length ? subjectIds! : [0]))
    // A lecturer: only the subjects they teach to this group (teaching_lecturer_idx).
    .$if(taughtBy !== null, (q) => q.where('exercises.subjectId', 'in', (eb) => eb.selectFrom('teaching').select('teaching.subjectId').where('teaching.lecturerId', '=', taughtBy!).where('teaching.groupId', '=', groupId)))
    .select([
      'exercises.id',
      'exercises.title',
      'exercises.dueAt',
      'exercises.scoreRelease',
      'exercises.scoresReleasedAt',
      'subjects.id as subjectId',
      'subjects.name as subjectName',
      'submissions.status',
      'submissions.score',
      'submissions.late',
      'submissions.submittedAt',
      'submissions.dismissReason',
    ])
    .orderBy('subjects.name')
    .orderBy('subjects.id')
    .orderBy((eb) => eb.case().when('exercises.dueAt', 'is', null).then(1).else(0).end())
    .orderBy('exercises.dueAt')
    .orderBy('exercises.id')
    .execute();
}

/**
 * Each subject and group a lecturer teaches, with the entries of that group waiting for the
 * subject: the Waiting Room's rule (waiting() below) per teaching row, so the rows add up to
 * countWaiting. Past terms' subjects included (the caller shows them while something waits).
 */
export function waitingByTeaching(db: Db, lecturerId: number) {
  const sqlite = dialectOf(db) === 'sqlite';
  return db
    .selectFrom('teaching')
    .innerJoin('subjects', 'subjects.id', 'teaching.subjectId')
    .innerJoin('groups', 'groups.id', 'teaching.groupId')
    .select(['subjects.id as subjectId', 'subjects.name as subjectName', 'subjects.archived', 'groups.id as groupId', 'groups.name as groupName'])
    .select((eb) =>
      eb
        .selectFrom('submissions')
        .innerJoin('students', 'students.id', 'submissions.studentId')
        .select((e) => e.fn.countAll<number>().as('n'))
        // The subject's exercises as a list, not a join: joined, SQLite counted from the status
        // index, every waiting entry of the department once per row.
        .where('submissions.exerciseId', 'in', (e) => e.selectFrom('exercises').select('exercises.id').whereRef('exercises.subjectId', '=', 'teaching.subjectId'))
        .where('submissions.status', '=', 'waiting')
        // On SQLite a unary plus takes the students' group index out of play, so SQLite (without
        // statistics) walks the subject's waiting entries (submissions_queue_idx) and looks up each
        // one's student, rather than probing every student of the group for every exercise (4× the
        // time at `large`). PostgreSQL's own plan (a hash of the group's students) is 3× faster
        // than the one the plus would force on it (pgbench at `large`: 0.67 against 2.05 ms).
        .where((e) => e(sqlite ? sql<number>`+${sql.ref('students.groupId')}` : e.ref('students.groupId'), '=', e.ref('teaching.groupId')))
        .as('waiting'),
    )
    .where('teaching.lecturerId', '=', lecturerId)
    .orderBy('subjects.name')
    .orderBy('subjects.id')
    .orderBy('groups.name')
    .execute();
}

export function groupsOfExercises(db: Db, exerciseIds: readonly number[]) {
  if (exerciseIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('exerciseGroups')
    .innerJoin('groups', 'groups.id', 'exerciseGroups.groupId')
    .select(['exerciseGroups.exerciseId', 'groups.id', 'groups.name'])
    .where('exerciseGroups.exerciseId', 'in', exerciseIds)
    .orderBy('groups.name')
    .execute();
}

export async function insertExercise(db: Db, exercise: Insertable<ExercisesTable>) {
  return db.insertInto('exercises').values(exercise).returning('id').executeTakeFirstOrThrow();
}

export async function updateExercise(db: Db, id: number, changes: Updateable<ExercisesTable>) {
  await db.updateTable('exercises').set(changes).where('id', '=', id).execute();
}

export async function deleteExercise(db: Db, id: number) {
  await db.deleteFrom('exercises').where('id', '=', id).execute();
}

export async function setExerciseGroups(db: Db, exerciseId: number, groupIds: readonly number[]) {
  await db.deleteFrom('exerciseGroups').where('exerciseId', '=', exerciseId).execute();
  if (groupIds.length) await db.insertInto('exerciseGroups').values(groupIds.map((groupId) => ({ exerciseId, groupId }))).execute();
}

/** The exercise's brief (its attached file), with the file's record; undefined when it has none. */
export function briefOf(db: Db, exerciseId: number) {
  return db
    .selectFrom('exercises')
    .innerJoin('files', 'files.id', 'exercises.attachmentFileId')
    .select(['files.id as fileId', 'files.storageKey', 'files.originalName', 'files.contentType', 'files.size', 'files.sha256', 'files.createdAt'])
    .where('exercises.id', '=', exerciseId)
    .executeTakeFirst();
}

/**
 * Puts `to` as the exercise's brief only if the brief is still `from` (null: none); answers whether
 * it was. Two teachers replacing the brief at once: the second is refused, so no file is left unnamed.
 */
export async function setBriefFrom(db: Db, exerciseId: number, from: number | null, to: number | null, updatedAt: Date): Promise<boolean> {
  const result = await db
    .updateTable('exercises')
    .set({ attachmentFileId: to, updatedAt })
    .where('id', '=', exerciseId)
    .where((eb) => (from === null ? eb('attachmentFileId', 'is', null) : eb('attachmentFileId', '=', from)))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The attachments of an exercise's submissions (to delete with it). */
export function submissionFilesOfExercise(db: Db, exerciseId: number) {
  return db.selectFrom('submissions').select('attachmentFileId').where('exerciseId', '=', exerciseId).where('attachmentFileId', 'is not', null).execute();
}

// ---- submissions -------------------------------------------------------------------------------

export function findSubmissionOf(db: Db, exerciseId: number, studentId: number) {
  return db.selectFrom('submissions').selectAll().where('exerciseId', '=', exerciseId).where('studentId', '=', studentId).executeTakeFirst();
}

export function findSubmission(db: Db, id: number) {
  return db
    .selectFrom('submissions')
    .innerJoin('exercises', 'exercises.id', 'submissions.exerciseId')
    .innerJoin('students', 'students.id', 'submissions.studentId')
    .selectAll('submissions')
    .select(['exercises.subjectId', 'exercises.title as exerciseTitle', 'exercises.scoreRelease', 'exercises.scoresReleasedAt', 'students.groupId'])
    .where('submissions.id', '=', id)
    .executeTakeFirst();
}

export async function insertSubmission(db: Db, submission: Insertable<SubmissionsTable>) {
  return db.insertInto('submissions').values(submission).returning('id').executeTakeFirstOrThrow();
}

/** Changes the submission only if it is still at `version`; answers whether it was. */
export async function updateSubmissionAt(db: Db, id: number, version: number, changes: Updateable<SubmissionsTable>): Promise<boolean> {
  const result = await db
    .updateTable('submissions')
    .set({ ...changes, version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Which of these files some submission still names (one file may go with several exercises sent at once), 500 ids a statement. */
export async function filesStillSent(db: Db, fileIds: readonly number[]): Promise<Set<number>> {
  const used = new Set<number>();
  for (let i = 0; i < fileIds.length; i += 500) {
    const rows = await db.selectFrom('submissions').select('attachmentFileId').distinct().where('attachmentFileId', 'in', fileIds.slice(i, i + 500)).execute();
    for (const r of rows) if (r.attachmentFileId !== null) used.add(r.attachmentFileId);
  }
  return used;
}

/** How many submissions refer to the file (one file may go with several exercises sent at once). */
export async function submissionsUsingFile(db: Db, fileId: number): Promise<number> {
  const row = await db.selectFrom('submissions').select((eb) => eb.fn.countAll<number>().as('n')).where('attachmentFileId', '=', fileId).executeTakeFirst();
  return Number(row?.n ?? 0);
}

/**
 * The Waiting Room of a lecturer (null: an admin's, every entry): waiting submissions of the
 * exercises of subjects they teach, from students of the groups they teach those subjects to,
 * oldest first, at most `limit`. Read per exercise through submissions_queue_idx.
 */
export function waitingEntries(db: Db, lecturerId: number | null, limit: number, after?: { submittedAt: Date; id: number }) {
  return waiting(db, lecturerId)
    .$if(after !== undefined, (q) => q.where((eb) => eb(eb.refTuple('submissions.submittedAt', 'submissions.id'), '>', eb.tuple(after!.submittedAt, after!.id))))
    .select([
      'submissions.id',
      'submissions.version',
      'submissions.note',
      'submissions.late',
      'submissions.submittedAt',
      'submissions.attachmentFileId',
      'submissions.studentId',
      'exercises.id as exerciseId',
      'exercises.title as exerciseTitle',
      'exercises.dueAt',
      'subjects.id as subjectId',
      'subjects.name as subjectName',
      'students.studentNumber',
      'students.lastName',
      'students.firstName',
      'students.patronymic',
      'students.birthDate',
      'students.groupId',
      'groups.name as groupName',
    ])
    .orderBy('submissions.submittedAt')
    .orderBy('submissions.id')
    .limit(limit)
    .execute();
}

/** How many entries wait in the lecturer's Waiting Room (their dashboard's figure). */
export async function countWaiting(db: Db, lecturerId: number): Promise<number> {
  const row = await waiting(db, lecturerId)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * The waiting entries of a lecturer's Waiting Room (null: every entry, an admin's), with their
 * exercise and student. A lecturer's start from the exercises of the subjects they teach, each read
 * through submissions_queue_idx (exercise, status), and keep those of the groups they teach that
 * subject to: the cost follows their own queue, not the department's.
 */
function waiting(db: Db, lecturerId: number | null) {
  // Joined in this order, SQLite starts from the lecturer's exercises (given the joins after the
  // filter, it walked the department's queue by status instead).
  const query = db
    .selectFrom('submissions')
    .innerJoin('exercises', 'exercises.id', 'submissions.exerciseId')
    .innerJoin('subjects', 'subjects.id', 'exercises.subjectId')
    .innerJoin('students', 'students.id', 'submissions.studentId')
    .leftJoin('groups', 'groups.id', 'students.groupId')
    .where('submissions.status', '=', 'waiting');
  if (lecturerId === null) return query;
  return query
    .where('submissions.exerciseId', 'in', (eb) =>
      eb
        .selectFrom('exercises as taught')
        .select('taught.id')
        .where('taught.subjectId', 'in', (t) => t.selectFrom('teaching').select('teaching.subjectId').where('teaching.lecturerId', '=', lecturerId)),
    )
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('teaching')
          .select('teaching.id')
          .whereRef('teaching.subjectId', '=', 'exercises.subjectId')
          .whereRef('teaching.groupId', '=', 'students.groupId')
          .where('teaching.lecturerId', '=', lecturerId),
      ),
    );
}

/** Each student's rating: the average of their given scores (released or not: the lecturers' view), and how many. */
export function ratingsOf(db: Db, studentIds: readonly number[]) {
  if (studentIds.length === 0) return Promise.resolve([]);
  // The status is tested per row, not in WHERE: both engines would otherwise read every graded
  // submission of the department by its status index instead of these students' by theirs.
  const graded = (eb: ExpressionBuilder<Database, 'submissions'>) => eb.case().when('submissions.status', '=', 'graded').then(eb.ref('submissions.score')).end();
  return db
    .selectFrom('submissions')
    .select((eb) => ['submissions.studentId', eb.fn.avg<number>(graded(eb)).as('average'), eb.fn.count<number>(graded(eb)).as('scored')])
    // One parameter for any number of students, read by key on both engines (db/people-search amongIdsOn):
    // given as a list, PostgreSQL hashed 500 ids against a scan of every submission.
    .where(amongIdsOn(db, 'submissions.student_id', studentIds))
    .groupBy('submissions.studentId')
    .execute();
}

/** Whether the lecturer teaches the subject to the group. */
export async function teachesGroup(db: Db, lecturerId: number, subjectId: number, groupId: number | null): Promise<boolean> {
  if (groupId === null) return false;
  const row = await db.selectFrom('teaching').select('id').where('lecturerId', '=', lecturerId).where('subjectId', '=', subjectId).where('groupId', '=', groupId).executeTakeFirst();
  return row !== undefined;
}
