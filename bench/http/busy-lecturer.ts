// The Waiting Room of a busy lecturer (issue 12: 500 waiting at `large`): whichever active
// lecturer with an enabled account has the most entries waiting, counted with the page's own rule
// (access.ts waitingRoomScope: a lecturer's queue is the waiting submissions of the exercises of
// subjects they teach, from students of the groups they teach each subject to), so the seed's
// exact shape does not matter.
import type { Db } from '../../src/db/index.js';
import { waitingCountFor } from '../../src/features/exercises/submissions.js';
import { waitingPerLecturer } from '../../test/query-pages.js';

export interface BusyLecturer {
  userId: number;
  lecturerId: number;
  /** Entries in their Waiting Room, as its repository counts them. */
  waiting: number;
}

/** Lecturers looked at, busiest first, before giving up: the seed's busiest is active and signs in. */
const CANDIDATES = 20;

export async function findBusyLecturer(db: Db): Promise<BusyLecturer | null> {
  // Counted per teaching lecturer first, then the busiest who is active with an enabled lecturer's
  // account is chosen among them: joined in one statement with the accounts, SQLite's planner walked
  // the lecturers and read every waiting submission for each (over 5 minutes at `large`).
  const busiest = await waitingPerLecturer(db)
    .orderBy('waiting', 'desc')
    .orderBy('teaching.lecturerId')
    .limit(CANDIDATES)
    .execute();
  for (const candidate of busiest) {
    const account = await db
      .selectFrom('lecturers')
      .innerJoin('users', 'users.lecturerId', 'lecturers.id')
      .select('users.id as userId')
      .where('lecturers.id', '=', candidate.lecturerId)
      .where('lecturers.archived', '=', false)
      .where('users.disabled', '=', false)
      // An admin's Waiting Room is every entry: not a lecturer's queue.
      .where('users.role', '=', 'lecturer')
      .executeTakeFirst();
    if (account) return { userId: account.userId, lecturerId: candidate.lecturerId, waiting: await waitingCountFor({ db }, candidate.lecturerId) };
  }
  return null;
}
