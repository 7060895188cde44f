// Theses: one per student, a title, a supervisor (a lecturer) and a year. Admins record any
// student's, lecturers those of the students they may see; a student proposes their own until it
// is recorded. "Find similar theses" ranks the existing titles by TF-IDF cosine similarity
// (similarity.ts) for anyone signed in: it answers titles and scores, never whose they are.
import { authorize, thesisScope } from '../../access.js';
import { signedInActor, type ServiceContext } from '../../context.js';
import type { ThesisStatus } from '../../db/schema.js';
import { Conflict, Invalid } from '../../lib/errors.js';
import { validate } from '../../lib/validation.js';
import { recordAudit } from '../audit/service.js';
import { supervisorNamed } from '../lecturers/service.js';
import { getStudent } from '../students/service.js';
import * as repo from './repository.js';
import { ProposeThesisInput, RecordThesisInput, SIMILAR_THRESHOLD, SimilarToThesis } from './schemas.js';
import type { SimilarTitle } from '../../lib/similarity.js';
import { titleIndexOf } from './title-index.js';

export interface ThesisView {
  id: number;
  studentId: number;
  student: string;
  title: string;
  supervisorId: number | null;
  supervisor: string | null;
  year: number | null;
  status: ThesisStatus;
  createdAt: Date;
  updatedAt: Date | null;
}

function view(row: repo.ThesisRow): ThesisView {
  return {
    id: row.id,
    studentId: row.studentId,
    student: `${row.studentFirstName} ${row.studentLastName}`,
    title: row.title,
    supervisorId: row.supervisorId,
    supervisor: row.supervisorLastName === null ? null : `${row.supervisorFirstName} ${row.supervisorLastName}`,
    year: row.year,
    status: row.status,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** The existing titles most like `title`, best first, above the threshold (default 0.3), but `exceptId`'s. */
export async function similarTheses(ctx: ServiceContext, query: unknown): Promise<SimilarTitle[]> {
  authorize(signedInActor(ctx), 'theses.search');
  const { title, threshold = SIMILAR_THRESHOLD, limit = 20, exceptId } = validate(SimilarToThesis, query);
  const index = await titleIndexOf(ctx.db);
  return index.search(title, { threshold, limit, ...(exceptId ? { exceptId } : {}) });
}

async function checkSupervisor(ctx: ServiceContext, supervisorId: number | null | undefined): Promise<void> {
  if (supervisorId === null || supervisorId === undefined) return;
  if (!(await supervisorNamed(ctx, supervisorId))) throw new Invalid('Check the highlighted fields.', { supervisorId: `No active lecturer has the id ${supervisorId}: choose the supervisor among the lecturers.` });
}

const recordedAlready = () => new Conflict('Your thesis is recorded already; ask your supervisor or the department to change it.', { title: 'Recorded theses are changed by the department.' });

/** Writes the student's thesis: a new one, or their one changed (there is one a student). */
async function write(ctx: ServiceContext, studentId: number, values: { title: string; supervisorId?: number | null; year?: number | null }, status: ThesisStatus): Promise<ThesisView> {
  const now = ctx.clock.now();
  const before = await repo.findThesisOfStudent(ctx.db, studentId);
  const fields = { title: values.title, supervisorId: values.supervisorId ?? null, year: values.year ?? null, status };
  if (before) {
    // A proposal changes only a proposal: a thesis the staff recorded meanwhile stays as they wrote it.
    const changed = await repo.updateThesis(ctx.db, before.id, { ...fields, updatedAt: now }, status === 'proposed' ? 'proposed' : undefined);
    if (!changed) throw recordedAlready();
    await recordAudit(ctx, { action: 'thesis.updated', entity: 'thesis', entityId: before.id, before: { title: before.title, supervisorId: before.supervisorId, year: before.year, status: before.status }, after: fields });
  } else {
    const id = await repo.insertThesis(ctx.db, { studentId, ...fields, createdAt: now, updatedAt: null });
    await recordAudit(ctx, { action: status === 'proposed' ? 'thesis.proposed' : 'thesis.recorded', entity: 'thesis', entityId: id, after: fields });
  }
  return view((await repo.findThesisOfStudent(ctx.db, studentId))!);
}

/**
 * An admin or a lecturer records a student's thesis (replacing a proposal, or changing the one
 * recorded). The student must be in the actor's sight (404 otherwise), the supervisor an active
 * lecturer.
 */
export async function recordThesis(ctx: ServiceContext, input: unknown): Promise<ThesisView> {
  authorize(signedInActor(ctx), 'theses.record');
  const data = validate(RecordThesisInput, input);
  await getStudent(ctx, data.studentId);
  await checkSupervisor(ctx, data.supervisorId);
  return write(ctx, data.studentId, data, 'recorded');
}

/** A student proposes their thesis's title (and supervisor, year), or changes the proposal, until it is recorded. */
export async function proposeThesis(ctx: ServiceContext, input: unknown): Promise<ThesisView> {
  const actor = signedInActor(ctx);
  authorize(actor, 'theses.propose');
  const data = validate(ProposeThesisInput, input);
  const existing = await repo.findThesisOfStudent(ctx.db, actor.studentId!);
  if (existing?.status === 'recorded') throw recordedAlready();
  await checkSupervisor(ctx, data.supervisorId);
  return write(ctx, actor.studentId!, data, 'proposed');
}

/** The signed-in student's thesis, or null. */
export async function myThesis(ctx: ServiceContext): Promise<ThesisView | null> {
  const actor = signedInActor(ctx);
  authorize(actor, 'theses.propose');
  const row = await repo.findThesisOfStudent(ctx.db, actor.studentId!);
  return row ? view(row) : null;
}

export const THESES_PAGE = 50;

/** The theses in the actor's sight (thesisScope), newest first, 50 a page after `before`. */
export async function listTheses(ctx: ServiceContext, page: { before?: number; limit?: number } = {}): Promise<{ items: ThesisView[]; nextBefore: number | null }> {
  const actor = signedInActor(ctx);
  const limit = page.limit ?? THESES_PAGE;
  const rows = await repo.listTheses(ctx.db, thesisScope(actor), { limit: limit + 1, ...(page.before ? { before: page.before } : {}) });
  const items = rows.slice(0, limit).map(view);
  return { items, nextBefore: rows.length > limit ? items[items.length - 1]!.id : null };
}
