// Submissions and the Waiting Room. A student sends one or more exercises (a note, a file) to the
// Waiting Room; until it is scored they may send again, which replaces what they sent. The lecturer
// who teaches the subject to the student's group scores it 1–6 or removes it with a reason. Each
// entry carries a version: a score or removal names the version it was given for, so of two
// lecturers acting on one entry at once, one wins and the other is told (409), never overwritten.
// A student's rating is computed from their scores whenever it is shown, never kept as a counter.
import { authorize, lecturerScope, mayJudgeSubmission, waitingRoomScope, type Actor } from '../../access.js';
import { signedInActor, type ServiceContext } from '../../context.js';
import { uniqueViolation } from '../../db/constraint-errors.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../../lib/errors.js';
import { decodeCursor, encodeCursor } from '../../lib/cursor.js';
import { validate } from '../../lib/validation.js';
import Type from 'typebox';
import { recordAudit } from '../audit/service.js';
import * as files from '../files/service.js';
import * as repo from './repository.js';
import { DismissInput, ScoreInput, SubmitInput } from './schemas.js';
import { getExercise, mayChangeExercise } from './service.js';
import { roundedAverage } from '../../lib/scores.js';

export interface SentSubmission {
  id: number;
  exerciseId: number;
  status: 'waiting';
  late: boolean;
  version: number;
}

function studentOf(actor: Actor): number {
  authorize(actor, 'submissions.submit');
  // The rule admits only students with a record.
  return actor.studentId!;
}

/**
 * Sends the exercises (each one the student's group was set) to the Waiting Room with the note and
 * the file, which goes with every one of them. A resend replaces the entry and its file; a scored
 * entry cannot be replaced (409). Late: sent after the due time. The file's objects that no entry
 * names any more go after commit (afterCommit).
 */
export async function submitExercises(ctx: ServiceContext, input: unknown, upload: files.NewFileRecord | null = null): Promise<{ sent: SentSubmission[]; afterCommit(): Promise<void> }> {
  const studentId = studentOf(signedInActor(ctx));
  const data = validate(SubmitInput, input);
  const now = ctx.clock.now();
  const exercises = [];
  for (const id of data.exerciseIds) {
    try {
      exercises.push(await getExercise(ctx, id));
    } catch (error) {
      if (error instanceof NotFound) throw new Invalid('Check the highlighted fields.', { exerciseIds: `No exercise ${id} is set for your group.` });
      throw error;
    }
  }
  for (const exercise of exercises) {
    const existing = await repo.findSubmissionOf(ctx.db, exercise.id, studentId);
    if (existing?.status === 'graded') throw new Conflict(`"${exercise.title}" is already scored.`, { exerciseIds: `Untick "${exercise.title}": a scored exercise cannot be sent again.` });
  }
  const fileId = upload ? await files.recordStoredFile(ctx, upload) : null;
  const sent: SentSubmission[] = [];
  const replacedFiles: number[] = [];
  for (const exercise of exercises) {
    const late = exercise.dueAt !== null && now.getTime() > exercise.dueAt.getTime();
    const existing = await repo.findSubmissionOf(ctx.db, exercise.id, studentId);
    if (!existing) {
      const { id } = await firstSending(exercise.title, () => repo.insertSubmission(ctx.db, {
        exerciseId: exercise.id,
        studentId,
        note: data.note ?? '',
        attachmentFileId: fileId,
        submittedAt: now,
        late,
        status: 'waiting',
        score: null,
        gradedBy: null,
        gradedAt: null,
        version: 1,
        dismissReason: null,
        updatedAt: now,
      }));
      sent.push({ id, exerciseId: exercise.id, status: 'waiting', late, version: 1 });
    } else {
      const replaced = await repo.updateSubmissionAt(ctx.db, existing.id, existing.version, {
        note: data.note ?? '',
        attachmentFileId: fileId,
        submittedAt: now,
        late,
        status: 'waiting',
        dismissReason: null,
        updatedAt: now,
      });
      if (!replaced) throw new Conflict(`"${exercise.title}" changed while it was being sent; send it again.`);
      if (existing.attachmentFileId !== null && existing.attachmentFileId !== fileId) replacedFiles.push(existing.attachmentFileId);
      sent.push({ id: existing.id, exerciseId: exercise.id, status: 'waiting', late, version: existing.version + 1 });
    }
    await recordAudit(ctx, {
      action: existing ? 'submission.replaced' : 'submission.sent',
      entity: 'exercise',
      entityId: exercise.id,
      after: { student: studentId, late, note: data.note ?? '', file: upload?.originalName ?? '' },
    });
  }
  const keys: string[] = [];
  for (const id of new Set(replacedFiles)) {
    if ((await repo.submissionsUsingFile(ctx.db, id)) > 0) continue;
    const key = await files.deleteFileRecord(ctx, id);
    if (key) keys.push(key);
  }
  return { sent, afterCommit: () => files.discardStoredObjects(ctx, keys) };
}

/**
 * The first sending of an exercise; the same sent twice at once (two tabs) meets the unique index
 * of one submission per student and exercise: say so, rather than the database's words.
 */
async function firstSending<T>(title: string, insert: () => Promise<T>): Promise<T> {
  try {
    return await insert();
  } catch (error) {
    if (!uniqueViolation(error)) throw error;
    throw new Conflict(`"${title}" was sent twice at the same moment; the first one counts. Reload the page to see it.`, { exerciseIds: `"${title}" was just sent.` });
  }
}

/** A submission the actor may score or remove: admins any, a lecturer one of a group they teach the subject to. */
async function submissionToJudge(ctx: ServiceContext, id: number) {
  const actor = signedInActor(ctx);
  const row = await repo.findSubmission(ctx.db, id);
  const mayJudge = row && mayJudgeSubmission(actor, actor.lecturerId !== null && (await repo.teachesGroup(ctx.db, actor.lecturerId, row.subjectId, row.groupId)));
  if (!row || !mayJudge) throw new NotFound('No such entry in your Waiting Room.');
  return row;
}

/** Someone else acted on the entry first: say what it is now. */
function stale(row: { status: string; score: number | null }): Conflict {
  const now = row.status === 'graded' ? `it was scored ${row.score} in the meantime` : row.status === 'dismissed' ? 'it was removed in the meantime' : 'the student sent it again in the meantime';
  return new Conflict(`Not saved: ${now}. Reload the Waiting Room to see it as it is.`, { version: 'The entry changed since you opened it.' });
}

export async function scoreSubmission(ctx: ServiceContext, id: number, input: unknown): Promise<{ id: number; status: 'graded'; score: number; version: number }> {
  const row = await submissionToJudge(ctx, id);
  const { score, version } = validate(ScoreInput, input);
  if (row.version !== version || row.status !== 'waiting') throw stale(row);
  const now = ctx.clock.now();
  const saved = await repo.updateSubmissionAt(ctx.db, id, version, { status: 'graded', score, gradedBy: ctx.actor!.userId > 0 ? ctx.actor!.userId : null, gradedAt: now, updatedAt: now });
  if (!saved) throw stale((await repo.findSubmission(ctx.db, id)) ?? row);
  await recordAudit(ctx, { action: 'submission.scored', entity: 'exercise', entityId: row.exerciseId, after: { submission: id, student: row.studentId, score } });
  return { id, status: 'graded', score, version: version + 1 };
}

export async function dismissSubmission(ctx: ServiceContext, id: number, input: unknown): Promise<{ id: number; status: 'dismissed'; version: number }> {
  const row = await submissionToJudge(ctx, id);
  const { reason, version } = validate(DismissInput, input);
  const at = version ?? row.version;
  if (row.version !== at || row.status !== 'waiting') throw stale(row);
  const saved = await repo.updateSubmissionAt(ctx.db, id, at, { status: 'dismissed', dismissReason: reason, gradedBy: ctx.actor!.userId > 0 ? ctx.actor!.userId : null, updatedAt: ctx.clock.now() });
  if (!saved) throw stale((await repo.findSubmission(ctx.db, id)) ?? row);
  await recordAudit(ctx, { action: 'submission.dismissed', entity: 'exercise', entityId: row.exerciseId, after: { submission: id, student: row.studentId, reason } });
  return { id, status: 'dismissed', version: at + 1 };
}

/** Shows the exercise's scores to its students (a 'manual' exercise); harmless twice. */
export async function releaseScores(ctx: ServiceContext, exerciseId: number) {
  const exercise = await getExercise(ctx, exerciseId);
  await mayChangeExercise(ctx, exercise);
  if (exercise.scoresReleasedAt) return exercise;
  await repo.updateExercise(ctx.db, exerciseId, { scoresReleasedAt: ctx.clock.now() });
  await recordAudit(ctx, { action: 'exercise.scores_released', entity: 'exercise', entityId: exerciseId });
  return getExercise(ctx, exerciseId);
}

export interface WaitingEntry {
  id: number;
  version: number;
  note: string;
  late: boolean;
  submittedAt: Date;
  hasFile: boolean;
  exercise: { id: number; title: string; dueAt: Date | null };
  subject: { id: number; name: string };
  group: { id: number | null; name: string | null };
  student: { id: number; studentNumber: string; name: string; birthDate: string | null; rating: number | null; scored: number };
}

/** How many entries wait in a lecturer's Waiting Room (their dashboard's figure; the caller is that lecturer's page). */
export function waitingCountFor(ctx: Pick<ServiceContext, 'db'>, lecturerId: number): Promise<number> {
  return repo.countWaiting(ctx.db, lecturerId);
}

/**
 * A lecturer's teaching rows (subject and group) with the entries of each waiting in their Waiting
 * Room, by the same rule as waitingCountFor (the rows add up to it): a lecturer's record shows them,
 * to admins and the lecturer themself (lecturerScope).
 */
export function waitingByTeachingOf(ctx: ServiceContext, lecturerId: number) {
  const scope = lecturerScope(signedInActor(ctx));
  if (!(scope.kind === 'all' || (scope.kind === 'self' && scope.lecturerId === lecturerId))) throw new Forbidden();
  return repo.waitingByTeaching(ctx.db, lecturerId);
}

/**
 * Entries on one page of the Waiting Room, the oldest first: a busy lecturer's 500 waiting come in
 * pages of 50 (each entry is 2.5 KB of page with its score buttons and remove form).
 */
export const WAITING_ROOM_PAGE = 50;

export const WaitingRoomQuery = Type.Object({
  cursor: Type.Optional(Type.String({ maxLength: 1024, title: 'Page cursor', errorMessage: 'Follow the link to the next page unchanged.' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, title: 'Page size', errorMessage: 'Use a limit from 1 to 500.' })),
});

/**
 * The actor's Waiting Room, oldest first, a page at a time (keyset on the time sent): a lecturer's
 * the entries of the groups they teach each subject to, an admin's every entry. Each with the
 * student's current rating (the average of their scores). `nextCursor`: where the next page starts.
 */
export async function waitingRoom(ctx: ServiceContext, query: unknown = {}): Promise<{ entries: WaitingEntry[]; nextCursor: string | null }> {
  const actor = signedInActor(ctx);
  authorize(actor, 'submissions.grade');
  const scope = waitingRoomScope(actor);
  if (scope.kind === 'none') throw new Forbidden();
  const { cursor, limit = WAITING_ROOM_PAGE } = validate(WaitingRoomQuery, query);
  const after = cursor ? decodeCursor(cursor, ['string', 'id']) : null;
  const from = after ? { submittedAt: new Date(String(after[0])), id: Number(after[1]) } : undefined;
  if (from && Number.isNaN(from.submittedAt.getTime())) throw new Invalid('Follow the link to the next page unchanged.', { cursor: 'Follow the link to the next page unchanged.' });
  const rows = await repo.waitingEntries(ctx.db, scope.kind === 'all' ? null : scope.lecturerId, limit + 1, from);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const ratings = new Map((await repo.ratingsOf(ctx.db, [...new Set(page.map((r) => r.studentId))])).map((r) => [r.studentId, r]));
  return {
    nextCursor: rows.length > limit && last ? encodeCursor([last.submittedAt.toISOString(), last.id]) : null,
    entries: page.map((r) => {
      const rating = ratings.get(r.studentId);
      return {
        id: r.id,
        version: r.version,
        note: r.note,
        late: Boolean(r.late),
        submittedAt: r.submittedAt,
        hasFile: r.attachmentFileId !== null,
        exercise: { id: r.exerciseId, title: r.exerciseTitle, dueAt: r.dueAt },
        subject: { id: r.subjectId, name: r.subjectName },
        group: { id: r.groupId, name: r.groupName },
        student: {
          id: r.studentId,
          studentNumber: r.studentNumber,
          name: [r.lastName, r.firstName, r.patronymic].filter(Boolean).join(' '),
          birthDate: r.birthDate ? String(r.birthDate).slice(0, 10) : null,
          // No score yet: no rating (an average of nothing is null, not 0).
          rating: rating && rating.average !== null ? roundedAverage(Number(rating.average)) : null,
          scored: Number(rating?.scored ?? 0),
        },
      };
    }),
  };
}

/**
 * The file a submission carries, for whoever may see the entry: the student who sent it, a
 * lecturer who teaches the subject to the student's group, an admin. Anyone else: 404.
 */
export async function submissionFile(ctx: ServiceContext, id: number): Promise<files.StoredFile> {
  const actor = signedInActor(ctx);
  const row = await repo.findSubmission(ctx.db, id);
  const ownsIt = row !== undefined && actor.role === 'student' && actor.studentId === row.studentId;
  const judges = row !== undefined && mayJudgeSubmission(actor, actor.lecturerId !== null && (await repo.teachesGroup(ctx.db, actor.lecturerId, row.subjectId, row.groupId)));
  if (!row || !(ownsIt || judges) || row.attachmentFileId === null) throw new NotFound('No such file.');
  const file = await files.findFileRecord(ctx, row.attachmentFileId);
  if (!file) throw new NotFound('No such file.');
  return files.storedFile(ctx, file, { submissionId: row.id });
}
