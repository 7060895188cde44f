// What a lecturer's record shows of their teaching: the subjects they teach, each with the groups
// they teach it to, and how many entries wait in their Waiting Room for each (how an admin finds a
// busy lecturer). The record is seen by the admins and the lecturer themself (access.ts
// lecturerScope), who may open each of these subjects, groups and gradebooks. One statement.
import { lecturerScope } from '../../access.js';
import { signedInActor, type ServiceContext } from '../../context.js';
import { waitingByTeachingOf } from '../exercises/submissions.js';
import type { LecturerView } from './service.js';

export interface TaughtGroup {
  id: number;
  name: string;
  /** Entries of this group's students waiting for the subject in the lecturer's Waiting Room. */
  waiting: number;
}

export interface TaughtSubject {
  id: number;
  name: string;
  /** A past term's subject, listed only while entries of it still wait. */
  archived: boolean;
  groups: TaughtGroup[];
  waiting: number;
}

export interface LecturerTeaching {
  subjects: TaughtSubject[];
  /** Everything waiting in the lecturer's Waiting Room (exercises/submissions.ts waitingCountFor counts the same). */
  waiting: number;
  /** The lecturer looking at their own record: their Waiting Room is a link away. */
  own: boolean;
}

/** The teaching on a lecturer's record, for a record already found in the actor's sight (service.ts getLecturer). */
export async function teachingOfLecturer(ctx: ServiceContext, lecturer: Pick<LecturerView, 'id'>): Promise<LecturerTeaching> {
  const actor = signedInActor(ctx);
  const scope = lecturerScope(actor);
  const own = scope.kind === 'self' && scope.lecturerId === lecturer.id;
  if (!(scope.kind === 'all' || own)) return { subjects: [], waiting: 0, own: false };
  const rows = await waitingByTeachingOf(ctx, lecturer.id);
  const subjects = new Map<number, TaughtSubject>();
  let waiting = 0;
  for (const r of rows) {
    const n = Number(r.waiting ?? 0);
    waiting += n;
    const subject = subjects.get(r.subjectId) ?? { id: r.subjectId, name: r.subjectName, archived: Boolean(r.archived), groups: [], waiting: 0 };
    subject.groups.push({ id: r.groupId, name: r.groupName, waiting: n });
    subject.waiting += n;
    subjects.set(r.subjectId, subject);
  }
  // Past terms' subjects stay off the card unless something of theirs still waits: the total must add up.
  return { subjects: [...subjects.values()].filter((s) => !s.archived || s.waiting > 0), waiting, own };
}
