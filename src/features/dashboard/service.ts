// Each role's start page: what an admin, a lecturer or a student needs to see first. Every figure
// costs the same at 100,000 students as at 100 (DESIGN convention 16): kept counts, tallies per
// hour, and lists as long as one person's teaching or studies, never the department's.
import { authorize, can, waitingRoomScope } from '../../access.js';
import { Forbidden } from '../../lib/errors.js';
import type { ActorContext, ServiceContext } from '../../context.js';
import { lockedAccounts } from '../accounts/service.js';
import { listAudit } from '../audit/service.js';
import { exercisesDueForLecturer, studentOutlook, type ExerciseView } from '../exercises/service.js';
import { waitingByTeachingOf } from '../exercises/submissions.js';
import { listNews, type NewsListItem } from '../news/service.js';
import { activityByDay, type ActivityDay } from './activity.js';
import * as repo from './repository.js';

export type DepartmentCounts = Awaited<ReturnType<typeof repo.departmentCounts>>;

/** A subject the lecturer teaches: the groups they teach it to, and what waits from them. */
export interface TaughtSubject {
  id: number;
  name: string;
  groups: string[];
  waiting: number;
}

export type Dashboard =
  | {
      kind: 'admin';
      counts: DepartmentCounts;
      activity: ActivityDay[];
      recent: Awaited<ReturnType<typeof listAudit>>;
      locked: Awaited<ReturnType<typeof lockedAccounts>>;
    }
  | { kind: 'lecturer'; subjects: TaughtSubject[]; groupsTaught: number; waiting: number; dueThisWeek: ExerciseView[]; news: NewsListItem[] }
  | {
      kind: 'student';
      student: Awaited<ReturnType<typeof repo.studentWithGroup>> | null;
      subjects: Awaited<ReturnType<typeof repo.subjectsOfGroup>>;
      news: NewsListItem[];
    } & Outlook
  | { kind: 'empty' };

/** Nothing sent yet and due later, the soonest first; how many are overdue with nothing sent; released scores, the latest first. */
type Outlook = Awaited<ReturnType<typeof studentOutlook>>;

const WEEK = 7 * 86_400_000;
/** How many of each list a dashboard shows; each list links to its whole page. */
export const DASHBOARD_LIST = 5;

export async function getDashboard(ctx: ServiceContext): Promise<Dashboard> {
  authorize(ctx.actor, 'dashboard.view');
  const actor = ctx.actor;
  if (actor.isAdmin && actor.role !== 'lecturer') {
    const [counts, activity, recent, locked] = await Promise.all([
      repo.departmentCounts(ctx.db),
      activityByDay(ctx.db, ctx.clock.now(), ctx.config.timeZone),
      listAudit(ctx, { limit: 8 }),
      lockedAccounts(ctx, DASHBOARD_LIST),
    ]);
    return { kind: 'admin', counts, activity, recent, locked };
  }
  if (actor.role === 'lecturer' && actor.lecturerId !== null) {
    const [teaching, dueThisWeek, news] = await Promise.all([
      waitingByTeachingOf(ctx, actor.lecturerId),
      exercisesDueForLecturer(ctx, WEEK, 10),
      listNews(ctx, { limit: DASHBOARD_LIST }),
    ]);
    const subjects = new Map<number, TaughtSubject>();
    const groups = new Set<number>();
    for (const t of teaching) {
      // A past term's subject stays while something from it still waits.
      if (t.archived && Number(t.waiting ?? 0) === 0) continue;
      const subject = subjects.get(t.subjectId) ?? { id: t.subjectId, name: t.subjectName, groups: [], waiting: 0 };
      subject.groups.push(t.groupName);
      subject.waiting += Number(t.waiting ?? 0);
      subjects.set(t.subjectId, subject);
      groups.add(t.groupId);
    }
    const list = [...subjects.values()];
    return { kind: 'lecturer', subjects: list, groupsTaught: groups.size, waiting: list.reduce((n, s) => n + s.waiting, 0), dueThisWeek, news: news.items };
  }
  if (actor.role === 'student' && actor.studentId !== null) {
    const student = (await repo.studentWithGroup(ctx.db, actor.studentId)) ?? null;
    const [subjects, outlook, news] = await Promise.all([student?.groupId ? repo.subjectsOfGroup(ctx.db, student.groupId) : [], studentOutlook(ctx, DASHBOARD_LIST), listNews(ctx, { limit: DASHBOARD_LIST })]);
    return { kind: 'student', student, subjects, ...outlook, news: news.items };
  }
  return { kind: 'empty' };
}

/** A lecturer who is also an admin sees the admin figures below their teaching. */
export async function getAdminSummary(ctx: ActorContext) {
  if (!can(ctx.actor, 'accounts.list')) return null;
  return repo.departmentCounts(ctx.db);
}

/**
 * The department's Waiting Room's size as an admin may read it: counted up to `bound`, so a page
 * that names it costs the same with 100,000 entries waiting (DESIGN convention 16).
 */
export async function departmentWaitingUpTo(ctx: ActorContext, bound: number) {
  authorize(ctx.actor, 'submissions.grade');
  if (waitingRoomScope(ctx.actor).kind !== 'all') throw new Forbidden();
  return repo.countWaitingSubmissionsUpTo(ctx.db, bound);
}

/** The Waiting Room's size for the metrics (a figure, not records: no actor involved). */
export function waitingRoomSize(ctx: Pick<ActorContext, 'db'>): Promise<number> {
  return repo.countWaitingSubmissions(ctx.db);
}
