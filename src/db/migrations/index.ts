// A static registry of migrations, so a compiled build and the TypeScript sources find the same set
// without reading a folder at run time. Append; never edit a migration that has landed.
import type { Migration } from 'kysely';
import * as m0001 from './0001_create_platform_schema.js';
import * as m0002 from './0002_add_people_records.js';
import * as m0003 from './0003_add_sign_in_failures.js';
import * as m0004 from './0004_add_group_name_keys.js';
import * as m0005 from './0005_add_record_counts_and_search_indexes.js';
import * as m0006 from './0006_add_subject_keys_and_material_updates.js';
import * as m0007 from './0007_add_exercise_releases_and_one_submission_each.js';
import * as m0008 from './0008_add_calendar_feeds.js';
import * as m0009 from './0009_drop_redundant_submissions_index.js';
import * as m0010 from './0010_add_news_audiences.js';
import * as m0011 from './0011_add_activity_hours.js';
import * as m0012 from './0012_add_thesis_details.js';
import * as m0013 from './0013_index_usernames_search_by_lower.js';

export const migrations: Record<string, Migration> = {
  '0001_create_platform_schema': m0001,
  '0002_add_people_records': m0002,
  '0003_add_sign_in_failures': m0003,
  '0004_add_group_name_keys': m0004,
  '0005_add_record_counts_and_search_indexes': m0005,
  '0006_add_subject_keys_and_material_updates': m0006,
  '0007_add_exercise_releases_and_one_submission_each': m0007,
  '0008_add_calendar_feeds': m0008,
  '0009_drop_redundant_submissions_index': m0009,
  '0010_add_news_audiences': m0010,
  '0011_add_activity_hours': m0011,
  '0012_add_thesis_details': m0012,
  '0013_index_usernames_search_by_lower': m0013,
};
