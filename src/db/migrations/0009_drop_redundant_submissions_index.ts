// submissions_queue_idx (exercise_id, status, submitted_at, id), migration 0007, begins with every
// column of submissions_exercise_idx (exercise_id, status), migration 0001: the older index serves
// nothing the newer does not, and a million submissions would keep both up to date on every write.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('submissions_exercise_idx').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('submissions_exercise_idx').on('submissions').columns(['exercise_id', 'status']).execute();
}
