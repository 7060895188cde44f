// Exercises: what a subject's lecturers set for some of its groups, with a text (Markdown) and a
// due time. Students see those set for their group, each with its state for them.
import { exerciseScope, groupsTaughtBy, lecturerScope, type Actor } from '../../access.js';
import { signedInActor, type ServiceContext } from '../../context.js';
import { Forbidden, Invalid, NotFound, type FieldMessages } from '../../lib/errors.js';
import { newRecordValues, storedValues, type StoredRecord } from '../../lib/record-fields.js';
import { validate } from '../../lib/validation.js';
import { recordAudit } from '../audit/service.js';
import * as files from '../files/service.js';
import { getSubject, mayTeach, type Named, type SubjectView } from '../subjects/service.js';
import type { ScoreRelease, SubmissionStatus } from '../../db/schema.js';
import { exerciseFields } from './fields.js';
import * as repo from './repository.js';
import { CreateExerciseInput, UpdateExerciseInput } from './schemas.js';

/** The declared fields as stored, the choice of when scores are shown as the column's type. */
type ExerciseValues = Omit<StoredRecord<typeof exerciseFields>, 'scoreRelease'> & { scoreRelease: ScoreRelease };

/** The stored values of the declared fields given in checked input (the others are left out). */
const valuesOf = (data: object) => storedValues(exerciseFields, data as Record<string, unknown>) as Partial<ExerciseValues>;

export interface ExerciseView {
  id: number;
  subjectId: number;
  subjectName: string;
  title: string;
  /** Markdown. */
  text: string;
  dueAt: Date | null;
  scoreRelease: ScoreRelease;
  scoresReleasedAt: Date | null;
  groups: Named[];
  createdAt: Date;
  updatedAt: Date;
}

type ExerciseRow = NonNullable<Awaited<ReturnType<typeof repo.findExercise>>>;

async function views(ctx: Pick<ServiceContext, 'db'>, rows: readonly ExerciseRow[]): Promise<ExerciseView[]> {
  const groups = await repo.groupsOfExercises(
    ctx.db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => ({
    id: r.id,
    subjectId: r.subjectId,
    subjectName: r.subjectName,
    title: r.title,
    text: r.text,
    dueAt: r.dueAt,
    scoreRelease: r.scoreRelease,
    scoresReleasedAt: r.scoresReleasedAt,
    groups: groups.filter((g) => g.exerciseId === r.id).map((g) => ({ id: g.id, name: g.name })),
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  }));
}

export async function getExercise(ctx: ServiceContext, id: number): Promise<ExerciseView> {
  const row = await repo.findExercise(ctx.db, exerciseScope(signedInActor(ctx)), id);
  if (!row) throw new NotFound('No such exercise.');
  return (await views(ctx, [row]))[0]!;
}

/** A subject's exercises the actor may see (a student: those set for their group), for a subject already found in the actor's sight (getSubject). */
export async function exercisesOfShownSubject(ctx: ServiceContext, subject: Pick<SubjectView, 'id'>): Promise<ExerciseView[]> {
  return views(ctx, await repo.exercisesOfSubject(ctx.db, exerciseScope(signedInActor(ctx)), subject.id));
}

/**
 * The exercises of the subjects the signed-in lecturer teaches that fall due within `ms` from now,
 * soonest first, at most `limit` (their dashboard's week). Their own teaching, even for a lecturer
 * who is also an admin.
 */
export async function exercisesDueForLecturer(ctx: ServiceContext, ms: number, limit: number): Promise<ExerciseView[]> {
  const actor = signedInActor(ctx);
  if (actor.role !== 'lecturer' || actor.lecturerId === null) throw new Forbidden();
  const now = ctx.clock.now();
  return views(ctx, await repo.exercisesDueBetween(ctx.db, { kind: 'taughtBy', lecturerId: actor.lecturerId }, now, new Date(now.getTime() + ms), limit));
}

/** The groups the actor may set the subject's exercises for: all its groups for admins, those they teach it to for a lecturer. */
export function settableGroups(actor: Actor, subject: SubjectView): Named[] {
  return groupsTaughtBy(actor, subject);
}

async function subjectToTeach(ctx: ServiceContext, subjectId: number): Promise<SubjectView> {
  const subject = await getSubject(ctx, subjectId);
  if (!mayTeach(signedInActor(ctx), subject)) throw new Forbidden("Only an admin or a lecturer who teaches this subject may set, change or delete its exercises.");
  return subject;
}

/** Throws unless the actor may change the exercise (admins, the subject's lecturers). */
export async function mayChangeExercise(ctx: ServiceContext, exercise: Pick<ExerciseView, 'subjectId'>): Promise<void> {
  await subjectToTeach(ctx, exercise.subjectId);
}

function checkGroups(actor: Actor, subject: SubjectView, groupIds: readonly number[], fields: FieldMessages) {
  const allowed = settableGroups(actor, subject);
  const outside = groupIds.filter((id) => !allowed.some((g) => g.id === id));
  if (outside.length)
    fields.groupIds = allowed.length
      ? `Choose among the groups you may set it for: ${allowed.map((g) => g.name).join(', ')}.`
      : 'No group takes this subject from you yet: an admin adds groups and lecturers on the subject page.';
}

// The entry names the subject and groups by name and keeps the due time under `due`, as every
// exercise entry has since the first; the labels come from fields.ts (audit/field-labels.ts).
function auditable(e: ExerciseView) {
  return { title: e.title, subject: e.subjectName, groups: e.groups.map((g) => g.name).join(', '), due: e.dueAt ? e.dueAt.toISOString() : '', scoreRelease: e.scoreRelease };
}

export async function createExercise(ctx: ServiceContext, input: unknown): Promise<ExerciseView> {
  const data = validate(CreateExerciseInput, input);
  const subject = await subjectToTeach(ctx, data.subjectId);
  const fields: FieldMessages = {};
  checkGroups(signedInActor(ctx), subject, data.groupIds, fields);
  if (Object.keys(fields).length) throw new Invalid('Check the highlighted fields.', fields);
  const now = ctx.clock.now();
  const { id } = await repo.insertExercise(ctx.db, {
    subjectId: subject.id,
    ...newRecordValues(exerciseFields, valuesOf(data)),
    scoreRelease: data.scoreRelease ?? 'on-scoring',
    scoresReleasedAt: null,
    attachmentFileId: null,
    createdBy: ctx.actor && ctx.actor.userId > 0 ? ctx.actor.userId : null,
    createdAt: now,
    updatedAt: now,
  });
  await repo.setExerciseGroups(ctx.db, id, data.groupIds);
  const exercise = await getExercise(ctx, id);
  await recordAudit(ctx, { action: 'exercise.created', entity: 'exercise', entityId: id, after: auditable(exercise) });
  return exercise;
}

export async function updateExercise(ctx: ServiceContext, id: number, input: unknown): Promise<ExerciseView> {
  const before = await getExercise(ctx, id);
  const subject = await subjectToTeach(ctx, before.subjectId);
  const data = validate(UpdateExerciseInput, input);
  const fields: FieldMessages = {};
  // Groups already set may stay (another lecturer's, on a shared exercise); only new ones must be the actor's.
  if (data.groupIds)
    checkGroups(
      signedInActor(ctx),
      subject,
      data.groupIds.filter((id) => !before.groups.some((g) => g.id === id)),
      fields,
    );
  if (Object.keys(fields).length) throw new Invalid('Check the highlighted fields.', fields);
  await repo.updateExercise(ctx.db, id, { ...valuesOf(data), updatedAt: ctx.clock.now() });
  if (data.groupIds) {
    // Another lecturer's groups on a shared exercise stay, whatever this actor sends (the form shows
    // them fixed; an API client may leave them out).
    const settable = new Set(settableGroups(signedInActor(ctx), subject).map((g) => g.id));
    const fixed = before.groups.filter((g) => !settable.has(g.id)).map((g) => g.id);
    await repo.setExerciseGroups(ctx.db, id, [...new Set([...data.groupIds, ...fixed])]);
  }
  const after = await getExercise(ctx, id);
  await recordAudit(ctx, { action: 'exercise.updated', entity: 'exercise', entityId: id, before: auditable(before), after: auditable(after) });
  return after;
}

/** Deletes the exercise with its submissions and its brief; their files' objects go after commit. */
export async function deleteExercise(ctx: ServiceContext, id: number): Promise<ExerciseView & { afterCommit(): Promise<void> }> {
  const before = await getExercise(ctx, id);
  await subjectToTeach(ctx, before.subjectId);
  const attached = [...new Set((await repo.submissionFilesOfExercise(ctx.db, id)).map((r) => r.attachmentFileId!))];
  const brief = await repo.briefOf(ctx.db, id);
  await repo.deleteExercise(ctx.db, id);
  // The submissions went with the exercise; their files go unless another exercise's sending
  // (sent with the same file) still names them: two statements, not two per file.
  const stillSent = await repo.filesStillSent(ctx.db, attached);
  const keys = await files.deleteFileRecordsById(ctx, [...(brief ? [brief.fileId] : []), ...attached.filter((fileId) => !stillSent.has(fileId))]);
  await recordAudit(ctx, { action: 'exercise.deleted', entity: 'exercise', entityId: id, before: auditable(before) });
  return { ...before, afterCommit: () => files.discardStoredObjects(ctx, keys) };
}

/** An exercise as one student stands with it. */
export type ExerciseState = 'open' | 'due soon' | 'overdue' | 'waiting' | 'scored';

/** Within this long before its due time an open exercise is "due soon". */
export const DUE_SOON_MS = 48 * 3_600_000;

/**
 * Where the student stands: scored (once the score is released), waiting (sent, not scored or not
 * yet released), or by its due time open, due soon or overdue (nothing sent, or the lecturer
 * removed what was sent).
 */
export function exerciseState(now: Date, dueAt: Date | null, submission: { status: SubmissionStatus; released: boolean } | null): ExerciseState {
  if (submission?.status === 'graded') return submission.released ? 'scored' : 'waiting';
  if (submission?.status === 'waiting') return 'waiting';
  if (!dueAt) return 'open';
  if (now.getTime() > dueAt.getTime()) return 'overdue';
  return dueAt.getTime() - now.getTime() <= DUE_SOON_MS ? 'due soon' : 'open';
}

/** Whether a score on this exercise is shown to the student yet. */
export function scoreReleased(exercise: { scoreRelease: ScoreRelease; scoresReleasedAt: Date | null }): boolean {
  return exercise.scoreRelease === 'on-scoring' || exercise.scoresReleasedAt !== null;
}

export interface MyExercise {
  exercise: Omit<ExerciseView, 'groups'>;
  state: ExerciseState;
  submission: { id: number; status: SubmissionStatus; late: boolean; submittedAt: Date; note: string; version: number; dismissReason: string | null; hasFile: boolean } | null;
  /** The score, once released. */
  score: number | null;
  /** Whether the exercise has a brief to download (brief.ts). */
  hasBrief: boolean;
}

/**
 * A student's exercises as the staff see them on the student's record (students/studies.ts): those
 * set for the record's group, of `subjectIds` only (null: all), with the student's submission. The
 * gradebook's rule holds here whatever the caller passes: an admin any subject's, a lecturer only
 * those they teach to that group (lecturerScope); anyone else is refused.
 */
export function exercisesOfStudentForStaff(ctx: ServiceContext, studentId: number, groupId: number, subjectIds: readonly number[] | null) {
  const scope = lecturerScope(signedInActor(ctx));
  if (scope.kind === 'none') throw new Forbidden();
  return repo.exercisesOfStudentInSubjects(ctx.db, studentId, groupId, subjectIds, scope.kind === 'self' ? scope.lecturerId : null);
}

/** The later of a time and another that may be missing. */
const latest = (a: Date, b: Date | null) => (b && b.getTime() > a.getTime() ? b : a);

/**
 * The signed-in student's dashboard: the exercises still to send that fall due ahead, soonest first
 * (at most `limit`, each open or due soon), how many are overdue with nothing sent, and their
 * released scores, the latest first (at most `limit`). The same states as myExercises, read with
 * the few columns they need: a student with a term's 60 exercises costs a millisecond less a view.
 */
export async function studentOutlook(ctx: ServiceContext, limit: number) {
  const actor = signedInActor(ctx);
  if (actor.role !== 'student' || actor.studentId === null) throw new Forbidden();
  const now = ctx.clock.now();
  const [ahead, overdue, released] = await Promise.all([
    repo.exercisesAheadOfStudent(ctx.db, actor.studentId, now, limit),
    repo.countOverdueOfStudent(ctx.db, actor.studentId, now),
    repo.releasedScoresOfStudent(ctx.db, actor.studentId),
  ]);
  const scores = released
    .map((r) => ({ exercise: { id: r.id, title: r.title, subjectId: r.subjectId, subjectName: r.subjectName, dueAt: null }, score: r.score!, scoredAt: latest(r.gradedAt ?? now, r.scoresReleasedAt) }))
    .sort((a, b) => b.scoredAt.getTime() - a.scoredAt.getTime() || b.exercise.id - a.exercise.id)
    .slice(0, limit);
  return {
    deadlines: ahead.map((r) => ({ exercise: { id: r.id, title: r.title, subjectId: r.subjectId, subjectName: r.subjectName, dueAt: r.dueAt }, state: exerciseState(now, r.dueAt, null) })),
    overdue,
    scores,
  };
}

/** The signed-in student's exercises with their state, by due time. */
export async function myExercises(ctx: ServiceContext): Promise<MyExercise[]> {
  const actor = signedInActor(ctx);
  if (actor.role !== 'student' || actor.studentId === null) throw new Forbidden('Exercises are listed for students; lecturers find them on their subjects.');
  const rows = await repo.exercisesOfStudent(ctx.db, actor.studentId);
  const now = ctx.clock.now();
  return rows.map((r) => {
    const released = scoreReleased(r);
    const submission = r.submissionId
      ? {
          id: r.submissionId,
          status: r.submissionStatus!,
          late: Boolean(r.late),
          submittedAt: r.submittedAt!,
          note: r.note ?? '',
          version: r.version!,
          dismissReason: r.dismissReason ?? null,
          hasFile: r.attachmentFileId !== null,
        }
      : null;
    return {
      exercise: { id: r.id, subjectId: r.subjectId, subjectName: r.subjectName, title: r.title, text: r.text, dueAt: r.dueAt, scoreRelease: r.scoreRelease, scoresReleasedAt: r.scoresReleasedAt, createdAt: r.createdAt, updatedAt: r.updatedAt },
      state: exerciseState(now, r.dueAt, submission ? { status: submission.status, released } : null),
      submission,
      score: submission?.status === 'graded' && released ? r.score : null,
      hasBrief: r.briefFileId !== null,
    };
  });
}
