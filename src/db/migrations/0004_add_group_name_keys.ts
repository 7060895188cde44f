// Group names that look the same are the same group (security review F8): "ＣＳ-101" (fullwidth),
// "cs-101", "CS‐101" (another hyphen) and an NFD spelling were accepted beside an existing "CS-101".
// Each group gets the key its name is compared by (lib/text-rules uniqueNameKey), under a unique
// index, so the database refuses a look-alike even when two requests race past the service's check.
// The name itself stays as typed: only the key is folded.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Null for rows written without the service (operators' scripts) and for the look-alikes that
  // already exist (see backfill): a unique index lets any number of nulls through.
  await db.schema.alterTable('groups').addColumn('name_key', 'text').execute();
  await backfill(db);
  await db.schema.createIndex('groups_name_key_unique').on('groups').column('name_key').unique().execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('groups_name_key_unique').execute();
  await db.schema.alterTable('groups').dropColumn('name_key').execute();
}

/**
 * The keys of the groups that exist, computed as the service does from now on (frozen here, so a
 * later change to uniqueNameKey cannot alter what this migration did). Look-alikes created before
 * this release keep working: the oldest of them gets the key and the others none, so the upgrade
 * never stops on old data, and no new group can take the key. Renaming one of the others gives it
 * its key again. `select id, name from groups where name_key is null` lists them.
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
  const rows = (await db.selectFrom('groups').select(['id', 'name']).orderBy('id').execute()) as { id: number; name: string }[];
  const taken = new Set<string>();
  for (const row of rows) {
    const k = key(row.name);
    if (taken.has(k)) continue;
    taken.add(k);
    await db.updateTable('groups').set({ name_key: k }).where('id', '=', row.id).execute();
  }
}
