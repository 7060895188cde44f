// The waiting submissions the "scoring one submission" scenario scores, one per request: a score
// consumes its entry (a second score of it is a 409), so no entry is ever handed out twice, and
// FMS, its ceiling and each setup get portions of their own. Read once per department (its copy
// of the seed), so the `small` run and the main run each have theirs.
import type { Db } from '../../src/db/index.js';

export interface WaitingEntry {
  id: number;
  version: number;
}

/** What the scenario sends: a middling score (the ceiling's substitution must not meet it among the ids). */
export const BENCH_SCORE = 4;

/** Enough for a warm-up and the measured seconds at a few thousand requests a second, per setup, FMS and ceiling. */
export const SCORE_POOL_CAP = 200_000;

export class ScorePool {
  #next = 0;

  constructor(private readonly entries: readonly WaitingEntry[]) {}

  /** Entries not handed out yet. */
  get left(): number {
    return this.entries.length - this.#next;
  }

  take(): WaitingEntry | null {
    return this.entries[this.#next++] ?? null;
  }

  /** The next `count` entries (fewer if fewer are left) as a pool of their own. */
  portion(count: number): ScorePool {
    const start = this.#next;
    this.#next = Math.min(this.entries.length, start + Math.max(0, Math.floor(count)));
    return new ScorePool(this.entries.slice(start, this.#next));
  }
}

/** The API request that scores an entry: the admin's token may score any (access.ts mayJudgeSubmission). */
export function scoreRequest(entry: WaitingEntry): { path: string; body: string } {
  return { path: `/api/v1/submissions/${entry.id}/score`, body: JSON.stringify({ score: BENCH_SCORE, version: entry.version }) };
}

/**
 * Waiting submissions no other scenario shows: none of a subject the measured lecturers teach (their
 * Waiting Rooms, dashboards and the gradebook stay as captured), none of the measured student's
 * group (their exercises and cards). All of one version, the most common: the ceiling replays the
 * captured statements with only the id changed.
 */
export async function readScorePool(db: Db, exclude: { lecturerIds: number[]; groupId: number }): Promise<ScorePool> {
  const rows = await db
    .selectFrom('submissions')
    .innerJoin('exercises', 'exercises.id', 'submissions.exerciseId')
    .innerJoin('students', 'students.id', 'submissions.studentId')
    .select(['submissions.id', 'submissions.version'])
    .where('submissions.status', '=', 'waiting')
    .where('exercises.subjectId', 'not in', (eb) => eb.selectFrom('teaching').select('teaching.subjectId').where('teaching.lecturerId', 'in', exclude.lecturerIds))
    .where((eb) => eb.or([eb('students.groupId', 'is', null), eb('students.groupId', '!=', exclude.groupId)]))
    .orderBy('submissions.id')
    .limit(SCORE_POOL_CAP)
    .execute();
  const counts = new Map<number, number>();
  for (const r of rows) counts.set(r.version, (counts.get(r.version) ?? 0) + 1);
  const version = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
  return new ScorePool(rows.filter((r) => r.version === version).map((r) => ({ id: Number(r.id), version: r.version })));
}
