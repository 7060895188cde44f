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

export async function findBusyLecturer(db: Db): Promise<BusyLecturer | null> {
  const busiest = await waitingPerLecturer(db)
    .innerJoin('lecturers', 'lecturers.id', 'teaching.lecturerId')
    .innerJoin('users', 'users.lecturerId', 'lecturers.id')
    .select(['users.id as userId', 'lecturers.id as lecturerId', (eb) => eb.fn.countAll<number>().as('n')])
    .where('lecturers.archived', '=', false)
    .where('users.disabled', '=', false)
    // An admin's Waiting Room is every entry: not a lecturer's queue.
    .where('users.role', '=', 'lecturer')
    .groupBy(['users.id', 'lecturers.id'])
    .orderBy('n', 'desc')
    .orderBy('users.id')
    .limit(1)
    .executeTakeFirst();
  if (!busiest) return null;
  return { userId: busiest.userId, lecturerId: busiest.lecturerId, waiting: await waitingCountFor({ db }, busiest.lecturerId) };
}
