// The Waiting Room as the teaching issue (12) runs it: one submission per student and exercise (a
// resubmission replaces it until it is scored), a reason kept when a lecturer removes an entry, and
// scores shown to students only once released (per exercise: on scoring, or all at once). The
// lecturer's queue reads waiting entries oldest first, per exercise.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { timestampType } from '../migration-helpers.js';

export async function up(db: Kysely<any>): Promise<void> {
  // Before this release nothing wrote submissions; a duplicate pair (a script's) keeps its newest row.
  await sql`delete from submissions where id not in (select max(id) from submissions group by exercise_id, student_id)`.execute(db);
  await db.schema.createIndex('submissions_exercise_student_unique').on('submissions').columns(['exercise_id', 'student_id']).unique().execute();
  await db.schema.createIndex('submissions_queue_idx').on('submissions').columns(['exercise_id', 'status', 'submitted_at', 'id']).execute();
  await db.schema.alterTable('submissions').addColumn('dismiss_reason', 'text').execute();
  await db.schema.alterTable('submissions').addColumn('updated_at', timestampType(db)).execute();
  // 'on-scoring': a score is shown once given; 'manual': when the lecturer releases the exercise's scores.
  await db.schema.alterTable('exercises').addColumn('score_release', 'varchar(16)', (c) => c.notNull().defaultTo('on-scoring')).execute();
  await db.schema.alterTable('exercises').addColumn('scores_released_at', timestampType(db)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('exercises').dropColumn('scores_released_at').execute();
  await db.schema.alterTable('exercises').dropColumn('score_release').execute();
  await db.schema.alterTable('submissions').dropColumn('updated_at').execute();
  await db.schema.alterTable('submissions').dropColumn('dismiss_reason').execute();
  await db.schema.dropIndex('submissions_queue_idx').execute();
  await db.schema.dropIndex('submissions_exercise_student_unique').execute();
}
