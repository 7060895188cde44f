// Each role's start page: what an admin, a lecturer or a student needs to see first.
import { authorize, can } from '../../access.js';
import type { ActorContext } from '../../context.js';
import { listAudit } from '../audit/service.js';
import { waitingCountFor } from '../exercises/submissions.js';
import * as repo from './repository.js';

export type Dashboard =
  | { kind: 'admin'; counts: Awaited<ReturnType<typeof repo.departmentCounts>>; recent: Awaited<ReturnType<typeof listAudit>> }
  | { kind: 'lecturer'; teaching: Awaited<ReturnType<typeof repo.teachingOf>>; waiting: number }
  | { kind: 'student'; student: Awaited<ReturnType<typeof repo.studentWithGroup>> | null; subjects: Awaited<ReturnType<typeof repo.subjectsOfGroup>> }
  | { kind: 'empty' };

export async function getDashboard(ctx: ActorContext): Promise<Dashboard> {
  authorize(ctx.actor, 'dashboard.view');
  const actor = ctx.actor;
  if (actor.isAdmin && actor.role !== 'lecturer') {
    return { kind: 'admin', counts: await repo.departmentCounts(ctx.db), recent: await listAudit(ctx, { limit: 8 }) };
  }
  if (actor.role === 'lecturer' && actor.lecturerId !== null) {
    return { kind: 'lecturer', teaching: await repo.teachingOf(ctx.db, actor.lecturerId), waiting: await waitingCountFor(ctx, actor.lecturerId) };
  }
  if (actor.role === 'student' && actor.studentId !== null) {
    const student = (await repo.studentWithGroup(ctx.db, actor.studentId)) ?? null;
    const subjects = student?.groupId ? await repo.subjectsOfGroup(ctx.db, student.groupId) : [];
    return { kind: 'student', student, subjects };
  }
  return { kind: 'empty' };
}

/** A lecturer who is also an admin sees the admin figures below their teaching. */
export async function getAdminSummary(ctx: ActorContext) {
  if (!can(ctx.actor, 'accounts.list')) return null;
  return repo.departmentCounts(ctx.db);
}

/** The Waiting Room's size for the metrics (a figure, not records: no actor involved). */
export function waitingRoomSize(ctx: Pick<ActorContext, 'db'>): Promise<number> {
  return repo.countWaitingSubmissions(ctx.db);
}
