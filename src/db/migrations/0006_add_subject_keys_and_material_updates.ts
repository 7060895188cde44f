// Subjects as the teaching issue (12) runs them: a name compared by its folded key, as groups' are
// (migration 0004: "Databases" and "DATABASES" are one subject), an archive for past terms' subjects,
// and the orders their lists and a lecturer's page read by index. Materials record when their file
// was last replaced.
import type { Kysely } from 'kysely';
import { timestampType } from '../migration-helpers.js';

export async function up(db: Kysely<any>): Promise<void> {
  // Null for rows written without the service and for look-alikes that already exist (see backfill).
  await db.schema.alterTable('subjects').addColumn('name_key', 'text').execute();
  await db.schema.alterTable('subjects').addColumn('archived', 'boolean', (c) => c.notNull().defaultTo(false)).execute();
  await backfill(db);
  await db.schema.createIndex('subjects_name_key_unique').on('subjects').column('name_key').unique().execute();
  // The subjects list, by name, of the active or the archived ones.
  await db.schema.createIndex('subjects_archived_name_idx').on('subjects').columns(['archived', 'name', 'id']).execute();
  // A lecturer's subjects: teaching_lecturer_idx is (lecturer_id, group_id).
  await db.schema.createIndex('teaching_lecturer_subject_idx').on('teaching').columns(['lecturer_id', 'subject_id']).execute();
  await db.schema.alterTable('subject_materials').addColumn('updated_at', timestampType(db)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('subject_materials').dropColumn('updated_at').execute();
  await db.schema.dropIndex('teaching_lecturer_subject_idx').execute();
  await db.schema.dropIndex('subjects_archived_name_idx').execute();
  await db.schema.dropIndex('subjects_name_key_unique').execute();
  await db.schema.alterTable('subjects').dropColumn('archived').execute();
  await db.schema.alterTable('subjects').dropColumn('name_key').execute();
}

/**
 * The keys of the subjects that exist, computed as lib/text-rules uniqueNameKey does today (frozen
 * here, as in migration 0004). Of look-alikes, the oldest gets the key and the others none.
 */
async function backfill(db: Kysely<any>) {
  const key = (name: string) =>
    name
      .normalize('NFKC')
      .replace(/\s+/gu, ' ')
      .replace(/[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}]/gu, '')
      .replace(/[\u2010-\u2015\u2212\uFE58\uFE63]/gu, '-')
      .trim()
      .toUpperCase()
      .toLowerCase()
      .normalize('NFKC');
  const rows = (await db.selectFrom('subjects').select(['id', 'name']).orderBy('id').execute()) as { id: number; name: string }[];
  const taken = new Set<string>();
  for (const row of rows) {
    const k = key(row.name);
    if (taken.has(k)) continue;
    taken.add(k);
    await db.updateTable('subjects').set({ name_key: k }).where('id', '=', row.id).execute();
  }
}
