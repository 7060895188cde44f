// News (issue 13): an article's chosen groups (audience "groups"), its cover's thumbnail (the cover
// itself has its column since 0001), when it was last changed, the
// short plain-text summary its list shows (so a list of 20,000 articles never reads their bodies),
// and the indexes its lists walk newest first: everyone's, one category's, one audience's (the
// public news of the landing page and the Atom feed).
import type { Kysely } from 'kysely';
import { timestampType } from '../migration-helpers.js';

export async function up(db: Kysely<any>): Promise<void> {
  const ts = timestampType(db);
  await db.schema.alterTable('news').addColumn('updated_at', ts).execute();
  await db.schema.alterTable('news').addColumn('cover_thumbnail_file_id', 'integer', (c) => c.references('files.id').onDelete('set null')).execute();
  await db.schema.alterTable('news').addColumn('summary', 'varchar(300)', (c) => c.notNull().defaultTo('')).execute();
  await db.schema
    .createTable('news_groups')
    .addColumn('news_id', 'integer', (c) => c.notNull().references('news.id').onDelete('cascade'))
    .addColumn('group_id', 'integer', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('news_groups_pk', ['news_id', 'group_id'])
    .execute();
  await db.schema.createIndex('news_groups_group_idx').on('news_groups').columns(['group_id', 'news_id']).execute();
  await db.schema.createIndex('news_category_published_idx').on('news').columns(['category', 'published_at', 'id']).execute();
  await db.schema.createIndex('news_audience_published_idx').on('news').columns(['audience', 'published_at', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('news_audience_published_idx').execute();
  await db.schema.dropIndex('news_category_published_idx').execute();
  await db.schema.dropTable('news_groups').execute();
  await db.schema.alterTable('news').dropColumn('summary').execute();
  await db.schema.alterTable('news').dropColumn('cover_thumbnail_file_id').execute();
  await db.schema.alterTable('news').dropColumn('updated_at').execute();
}
