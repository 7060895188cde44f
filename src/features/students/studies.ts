// What a student's record shows of their studies: the subjects their group takes, with who teaches
// each to the group, and per subject the exercises set for the group with where the student stands.
// Each viewer sees what the rules elsewhere give them: an admin everything; a lecturer the exercises
// and scores of the subjects they teach to the student's group (the gradebook's rule, access.ts
// groupsTaughtBy), never another lecturer's; the student their own as My exercises shows them (a
// score only once released). Three statements at most, whatever the number of exercises.
import { groupsTaughtBy, ownsStudentRecord, subjectScope, type Actor } from '../../access.js';
import { signedInActor, type ServiceContext } from '../../context.js';
import { exercisesOfStudentForStaff, exerciseState, myExercises, scoreReleased, type ExerciseState } from '../exercises/service.js';
import * as repo from './repository.js';
import type { StudentView } from './service.js';
import { averageOf } from '../../lib/scores.js';

/** One subject of the student's group. */
export interface StudentSubject {
  id: number;
  name: string;
  /** Who teaches it to the student's group, "Last First", by name. */
  lecturers: string[];
  /** Whether the viewer may open the subject's page (access.ts subjectScope). */
  linked: boolean;
}

/** One exercise set for the student's group, as the viewer may see the student's standing on it. */
export interface StudentExercise {
  id: number;
  title: string;
  dueAt: Date | null;
  /** As My exercises says it (exercises/service.ts exerciseState); the staff see a score before it is released. */
  state: ExerciseState;
  late: boolean;
  sentAt: Date | null;
  /** Why the lecturer removed what was sent (the student may send it again). */
  removedReason: string | null;
  /** The score the viewer may see: the staff any given one, the student a released one. */
  score: number | null;
  /** Whether the student sees the score yet (the staff are told when not). */
  released: boolean;
}

export interface SubjectExercises {
  subject: { id: number; name: string };
  exercises: StudentExercise[];
  /** The average of the scores shown, or null without any. */
  average: number | null;
  scored: number;
  /** The subject's gradebook for the student's group, when the viewer may open it. */
  gradebookHref: string | null;
}

export interface StudentStudies {
  /** Who is looking: the pages word things for each (the student is addressed as "you"). */
  viewer: 'admin' | 'lecturer' | 'self';
  subjects: StudentSubject[];
  exercises: SubjectExercises[];
  /** The student's rating from the scores shown (the student's own: released scores only), or null. */
  rating: number | null;
  scored: number;
  /** Whether exercises of subjects the viewer does not teach were left out (a lecturer's view). */
  othersLeftOut: boolean;
}
function viewerOf(actor: Actor, studentId: number): StudentStudies['viewer'] | null {
  if (ownsStudentRecord(actor, studentId)) return 'self';
  if (actor.isAdmin) return 'admin';
  if (actor.role === 'lecturer' && actor.lecturerId !== null) return 'lecturer';
  return null;
}

/** The exercises by subject, in the order given, with each subject's average. */
function bySubject(rows: readonly { subject: { id: number; name: string }; exercise: StudentExercise }[], gradebookHref: (subjectId: number) => string | null): SubjectExercises[] {
  const out = new Map<number, SubjectExercises>();
  for (const { subject, exercise } of rows) {
    const entry = out.get(subject.id) ?? { subject, exercises: [], average: null, scored: 0, gradebookHref: gradebookHref(subject.id) };
    entry.exercises.push(exercise);
    out.set(subject.id, entry);
  }
  for (const entry of out.values()) {
    const scores = entry.exercises.flatMap((e) => (e.score === null ? [] : [e.score]));
    entry.average = averageOf(scores);
    entry.scored = scores.length;
  }
  return [...out.values()];
}

/**
 * The studies on a student's record, for a record already found in the actor's sight
 * (service.ts getStudent): the subjects of the student's group and the exercises the actor may see.
 */
export async function studiesOfStudent(ctx: ServiceContext, student: Pick<StudentView, 'id' | 'groupId'>): Promise<StudentStudies> {
  const actor = signedInActor(ctx);
  const viewer = viewerOf(actor, student.id);
  const groupId = student.groupId ?? null;
  const empty: StudentStudies = { viewer: viewer ?? 'admin', subjects: [], exercises: [], rating: null, scored: 0, othersLeftOut: false };
  if (viewer === null || groupId === null) return empty;

  const scope = subjectScope(actor);
  const rows = await repo.subjectsOfGroup(ctx.db, groupId, scope.kind === 'taughtBy' ? scope.lecturerId : null);
  const subjects = new Map<number, StudentSubject & { teaching: { groupId: number; lecturerId: number }[] }>();
  for (const r of rows) {
    const subject = subjects.get(r.id) ?? { id: r.id, name: r.name, lecturers: [], linked: scope.kind === 'all' || scope.kind === 'takenBy' || Boolean(r.viewerTeaches), teaching: [] };
    if (r.lecturerId !== null) {
      subject.lecturers.push(`${r.lastName ?? ''} ${r.firstName ?? ''}`.trim());
      subject.teaching.push({ groupId, lecturerId: r.lecturerId });
    }
    subjects.set(r.id, subject);
  }
  const group = { id: groupId, name: '' };
  // The subjects whose gradebook of this group the actor may open: exactly whose exercises and scores they see.
  const gradebookSubjects = new Set([...subjects.values()].filter((s) => groupsTaughtBy(actor, { groups: [group], teaching: s.teaching }).length > 0).map((s) => s.id));

  let exercises: SubjectExercises[];
  let othersLeftOut = false;
  if (viewer === 'self') {
    // My exercises' own reading, so the record and that page never disagree (a score once released).
    const mine = await myExercises(ctx);
    exercises = bySubject(
      [...mine]
        .sort((a, b) => a.exercise.subjectName.localeCompare(b.exercise.subjectName, 'en') || a.exercise.subjectId - b.exercise.subjectId)
        .map((m) => ({
          subject: { id: m.exercise.subjectId, name: m.exercise.subjectName },
          exercise: {
            id: m.exercise.id,
            title: m.exercise.title,
            dueAt: m.exercise.dueAt,
            state: m.state,
            late: m.submission?.late ?? false,
            sentAt: m.submission?.submittedAt ?? null,
            removedReason: m.submission?.status === 'dismissed' ? (m.submission.dismissReason ?? '') : null,
            score: m.score,
            released: scoreReleased(m.exercise),
          },
        })),
      () => null,
    );
  } else {
    const subjectIds = viewer === 'admin' ? null : [...gradebookSubjects];
    othersLeftOut = viewer === 'lecturer' && subjects.size > gradebookSubjects.size;
    const now = ctx.clock.now();
    const found = subjectIds !== null && subjectIds.length === 0 ? [] : await exercisesOfStudentForStaff(ctx, student.id, groupId, subjectIds);
    exercises = bySubject(
      found.map((r) => {
        const released = scoreReleased(r);
        const submission = r.status === null ? null : { status: r.status, released: true };
        return {
          subject: { id: r.subjectId, name: r.subjectName },
          exercise: {
            id: r.id,
            title: r.title,
            dueAt: r.dueAt,
            // The staff see where the student stands with every given score, released or not (as the gradebook does).
            state: exerciseState(now, r.dueAt, submission),
            late: Boolean(r.late),
            sentAt: r.submittedAt ?? null,
            removedReason: r.status === 'dismissed' ? (r.dismissReason ?? '') : null,
            score: r.status === 'graded' ? r.score : null,
            released,
          },
        };
      }),
      (subjectId) => (gradebookSubjects.has(subjectId) ? `/subjects/${subjectId}/gradebook?group=${groupId}` : null),
    );
  }
  const scores = exercises.flatMap((s) => s.exercises.flatMap((e) => (e.score === null ? [] : [e.score])));
  return {
    viewer,
    subjects: [...subjects.values()].map(({ teaching: _teaching, ...s }) => s),
    exercises,
    rating: averageOf(scores),
    scored: scores.length,
    othersLeftOut,
  };
}
