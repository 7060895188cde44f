// The gradebook: for one subject and one of its groups, each active student's standing on each
// exercise set for the group (a score, or where the entry is), with averages. It is the lecturers'
// view: every given score counts, released to the students or not. Admins see every group's, a
// lecturer the groups they teach the subject to; students have none (404).
import { groupsTaughtBy, type Actor } from '../../access.js';
import { signedInActor, type ServiceContext } from '../../context.js';
import { NotFound } from '../../lib/errors.js';
import { scoreReleased } from '../exercises/service.js';
import { getSubject, type Named, type SubjectView } from '../subjects/service.js';
import * as repo from './repository.js';
import { averageOf } from '../../lib/scores.js';

/** One student on one exercise. */
export type GradebookCell =
  | { state: 'scored'; score: number; late: boolean }
  | { state: 'waiting'; late: boolean }
  /** The lecturer removed the entry from the Waiting Room (the student may send it again). */
  | { state: 'removed' }
  /** Nothing sent, and the due time (if any) is still ahead. */
  | { state: 'not sent' }
  /** Nothing sent, and the due time has passed. */
  | { state: 'overdue' };

/** How a cell without a score reads, on the page and in the exports. */
export const CELL_WORDS: Record<Exclude<GradebookCell['state'], 'scored'>, string> = {
  waiting: 'waiting',
  removed: 'removed',
  'not sent': '—',
  overdue: 'overdue',
};

export interface GradebookExercise {
  id: number;
  title: string;
  dueAt: Date | null;
  /** Whether the students see their scores on it yet (scoreReleased). */
  released: boolean;
  /** The average of its scores in the group, or null while it has none. */
  average: number | null;
}

export interface GradebookRow {
  student: { id: number; studentNumber: string; name: string };
  /** One per exercise, in the exercises' order. */
  cells: GradebookCell[];
  /** The average of the student's scores in this table, or null while they have none. */
  average: number | null;
}

export interface Gradebook {
  subject: Pick<SubjectView, 'id' | 'name' | 'archived'>;
  /** The subject's groups whose gradebook the actor may open, by name. */
  groups: Named[];
  /** The group shown; null when the subject has no group yet. */
  group: Named | null;
  exercises: GradebookExercise[];
  rows: GradebookRow[];
  /** The average of every score in the table (each score counts once), or null without any. */
  average: number | null;
  now: Date;
}

/** The subject's groups whose gradebook the actor may open: all for admins, those a lecturer teaches it to. */
export function gradebookGroups(actor: Actor | null, subject: Pick<SubjectView, 'groups' | 'teaching'>): Named[] {
  return groupsTaughtBy(actor, subject);
}

/** `?group=` as given: absent or empty means the first of the actor's groups; anything else must name one of them. */
function chosenGroup(groups: readonly Named[], group: string | undefined): Named | null {
  if (group === undefined || group === '') return groups[0] ?? null;
  const id = /^\d{1,15}$/.test(group) ? Number(group) : 0;
  const found = groups.find((g) => g.id === id);
  if (!found) throw new NotFound('No such group in this subject’s gradebook.');
  return found;
}

/**
 * The gradebook of the subject for the group (`group`: its id as text, or undefined for the first
 * the actor may open). A subject or group outside the actor's gradebooks: 404. Read in a fixed
 * number of statements: the subject with its groups and teaching, then the exercises, students and
 * submissions together.
 */
export async function gradebook(ctx: ServiceContext, subjectId: number, group?: string): Promise<Gradebook> {
  const actor = signedInActor(ctx);
  // Students and anyone else who teaches nothing learn nothing, not even that the subject exists.
  if (!actor.isAdmin && (actor.role !== 'lecturer' || actor.lecturerId === null)) throw new NotFound('No such subject.');
  const subject = await getSubject(ctx, subjectId);
  const groups = gradebookGroups(actor, subject);
  if (groups.length === 0 && !actor.isAdmin) throw new NotFound('No such subject.');
  const shown = chosenGroup(groups, group);
  const now = ctx.clock.now();
  const book: Gradebook = { subject: { id: subject.id, name: subject.name, archived: subject.archived }, groups, group: shown, exercises: [], rows: [], average: null, now };
  if (!shown) return book;

  const [exerciseRows, students, submissions] = await Promise.all([
    repo.exercisesSetFor(ctx.db, subject.id, shown.id),
    repo.activeStudentsOf(ctx.db, shown.id),
    repo.submissionsOf(ctx.db, subject.id, shown.id),
  ]);
  const sent = new Map(submissions.map((s) => [`${s.studentId}:${s.exerciseId}`, s]));
  const columnScores: number[][] = exerciseRows.map(() => []);
  const allScores: number[] = [];

  book.rows = students.map((student) => {
    const scores: number[] = [];
    const cells = exerciseRows.map((exercise, column): GradebookCell => {
      const entry = sent.get(`${student.id}:${exercise.id}`);
      if (entry?.status === 'graded' && entry.score !== null) {
        scores.push(entry.score);
        columnScores[column]!.push(entry.score);
        return { state: 'scored', score: entry.score, late: Boolean(entry.late) };
      }
      if (entry?.status === 'waiting') return { state: 'waiting', late: Boolean(entry.late) };
      if (entry?.status === 'dismissed') return { state: 'removed' };
      return exercise.dueAt && now.getTime() > exercise.dueAt.getTime() ? { state: 'overdue' } : { state: 'not sent' };
    });
    allScores.push(...scores);
    return {
      student: { id: student.id, studentNumber: student.studentNumber, name: [student.lastName, student.firstName, student.patronymic].filter(Boolean).join(' ') },
      cells,
      average: averageOf(scores),
    };
  });
  book.exercises = exerciseRows.map((e, column) => ({ id: e.id, title: e.title, dueAt: e.dueAt, released: scoreReleased(e), average: averageOf(columnScores[column]!) }));
  book.average = averageOf(allScores);
  return book;
}
