// An exercise's brief: one optional file its teachers (admins, the subject's lecturers) attach,
// replace or remove, and everyone who sees the exercise downloads. The bytes were streamed into
// storage by the route (plugins/streamed-uploads); here they are recorded against the exercise, in
// the audit trail under the exercise. A replaced or removed file loses its object only after the
// transaction commits (afterCommit), so a rollback never leaves the exercise naming missing bytes.
import type { ServiceContext } from '../../context.js';
import { Conflict, NotFound } from '../../lib/errors.js';
import { recordAudit } from '../audit/service.js';
import * as files from '../files/service.js';
import * as repo from './repository.js';
import { getExercise, mayChangeExercise, type ExerciseView } from './service.js';

export interface BriefView {
  exerciseId: number;
  originalName: string;
  contentType: string;
  size: number;
  sha256: string;
  /** When this file was attached (a replacement is a new file). */
  createdAt: Date;
}

type BriefRow = NonNullable<Awaited<ReturnType<typeof repo.briefOf>>>;

function view(exerciseId: number, row: BriefRow): BriefView {
  return { exerciseId, originalName: row.originalName, contentType: row.contentType, size: Number(row.size), sha256: row.sha256, createdAt: row.createdAt };
}

function auditable(b: BriefView) {
  return { file: b.originalName, contentType: b.contentType, size: b.size, sha256: b.sha256 };
}

/** The brief of an exercise the caller has already found in the actor's sight (getExercise), or null. */
export async function briefOfShownExercise(ctx: Pick<ServiceContext, 'db'>, exercise: Pick<ExerciseView, 'id'>): Promise<BriefView | null> {
  const row = await repo.briefOf(ctx.db, exercise.id);
  return row ? view(exercise.id, row) : null;
}

/** The exercise, if the actor may change its brief: 404 unless they see it, 403 unless they teach its subject. */
export async function exerciseToBrief(ctx: ServiceContext, exerciseId: number): Promise<ExerciseView> {
  const exercise = await getExercise(ctx, exerciseId);
  await mayChangeExercise(ctx, exercise);
  return exercise;
}

/**
 * Records a file already stored as the exercise's brief, in place of the one it had. The caller
 * checks exerciseToBrief before storing a byte, and discards the stored object when this throws.
 * Two teachers attaching at once: the second gets Conflict and nothing of theirs is kept.
 */
export async function attachBrief(ctx: ServiceContext, exerciseId: number, upload: files.NewFileRecord): Promise<BriefView & files.AfterCommit> {
  const exercise = await exerciseToBrief(ctx, exerciseId);
  const before = await repo.briefOf(ctx.db, exercise.id);
  const fileId = await files.recordStoredFile(ctx, upload);
  if (!(await repo.setBriefFrom(ctx.db, exercise.id, before?.fileId ?? null, fileId, ctx.clock.now())))
    throw new Conflict('Someone changed the brief of this exercise in the meantime; look at it again, then attach yours if it is still needed.', { file: 'The brief changed meanwhile: nothing was attached.' });
  const oldKey = before ? await files.deleteFileRecord(ctx, before.fileId) : null;
  const after = (await briefOfShownExercise(ctx, exercise))!;
  await recordAudit(ctx, {
    action: 'exercise.brief_attached',
    entity: 'exercise',
    entityId: exercise.id,
    ...(before ? { before: auditable(view(exercise.id, before)) } : {}),
    after: auditable(after),
  });
  return { ...after, afterCommit: () => files.discardStoredObjects(ctx, oldKey ? [oldKey] : []) };
}

/** Removes the exercise's brief and its file (the object after commit); 404 when it has none. */
export async function removeBrief(ctx: ServiceContext, exerciseId: number): Promise<BriefView & files.AfterCommit> {
  const exercise = await exerciseToBrief(ctx, exerciseId);
  const before = await repo.briefOf(ctx.db, exercise.id);
  if (!before) throw new NotFound('This exercise has no brief to remove.');
  if (!(await repo.setBriefFrom(ctx.db, exercise.id, before.fileId, null, ctx.clock.now())))
    throw new Conflict('Someone changed the brief of this exercise in the meantime; look at it again before removing it.');
  const oldKey = await files.deleteFileRecord(ctx, before.fileId);
  const removed = view(exercise.id, before);
  await recordAudit(ctx, { action: 'exercise.brief_removed', entity: 'exercise', entityId: exercise.id, before: auditable(removed) });
  return { ...removed, afterCommit: () => files.discardStoredObjects(ctx, oldKey ? [oldKey] : []) };
}

/** The brief of an exercise the actor may see (its groups' students, its subject's lecturers, admins), ready to send; 404 when none. */
export async function briefFile(ctx: ServiceContext, exerciseId: number): Promise<files.StoredFile> {
  const exercise = await getExercise(ctx, exerciseId);
  const row = await repo.briefOf(ctx.db, exercise.id);
  if (!row) throw new NotFound('This exercise has no brief.');
  return files.storedFile(ctx, row, { exerciseId: exercise.id });
}
