// The first full schema of DESIGN.md's data model: people, teaching, work, news, audit, sessions.
import { sql, type Kysely } from 'kysely';
import { timestampType, withId } from '../migration-helpers.js';

export async function up(db: Kysely<any>): Promise<void> {
  const ts = timestampType(db);

  await withId(db, db.schema.createTable('groups'))
    .addColumn('name', 'varchar(100)', (c) => c.notNull().unique())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('archived', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();

  await withId(db, db.schema.createTable('files'))
    .addColumn('storage_key', 'varchar(255)', (c) => c.notNull().unique())
    .addColumn('original_name', 'varchar(255)', (c) => c.notNull())
    .addColumn('content_type', 'varchar(255)', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('sha256', 'varchar(64)', (c) => c.notNull())
    .addColumn('uploaded_by', 'integer')
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();

  await withId(db, db.schema.createTable('students'))
    .addColumn('student_number', 'varchar(50)', (c) => c.notNull().unique())
    .addColumn('group_id', 'integer', (c) => c.references('groups.id').onDelete('set null'))
    .addColumn('first_name', 'varchar(100)', (c) => c.notNull())
    .addColumn('last_name', 'varchar(100)', (c) => c.notNull())
    .addColumn('patronymic', 'varchar(100)', (c) => c.notNull().defaultTo(''))
    .addColumn('birth_date', 'date')
    .addColumn('email', 'varchar(254)')
    .addColumn('phone', 'varchar(50)')
    .addColumn('address', 'text')
    .addColumn('photo_file_id', 'integer', (c) => c.references('files.id').onDelete('set null'))
    .addColumn('archived', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('students_group_idx').on('students').columns(['group_id', 'archived']).execute();
  await db.schema.createIndex('students_name_idx').on('students').columns(['last_name', 'first_name', 'id']).execute();
  await db.schema.createIndex('students_email_idx').on('students').column('email').execute();

  await withId(db, db.schema.createTable('lecturers'))
    .addColumn('first_name', 'varchar(100)', (c) => c.notNull())
    .addColumn('last_name', 'varchar(100)', (c) => c.notNull())
    .addColumn('patronymic', 'varchar(100)', (c) => c.notNull().defaultTo(''))
    .addColumn('academic_degree', 'varchar(100)', (c) => c.notNull().defaultTo(''))
    .addColumn('position', 'varchar(100)', (c) => c.notNull().defaultTo(''))
    .addColumn('email', 'varchar(254)')
    .addColumn('phone', 'varchar(50)')
    .addColumn('address', 'text')
    .addColumn('photo_file_id', 'integer', (c) => c.references('files.id').onDelete('set null'))
    .addColumn('is_admin', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('archived', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('lecturers_name_idx').on('lecturers').columns(['last_name', 'first_name', 'id']).execute();
  await db.schema.createIndex('lecturers_email_idx').on('lecturers').column('email').execute();

  await withId(db, db.schema.createTable('users'))
    .addColumn('username', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('password_hash', 'varchar(255)', (c) => c.notNull())
    .addColumn('role', 'varchar(16)', (c) => c.notNull().check(sql`role in ('admin', 'lecturer', 'student')`))
    .addColumn('is_admin', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('student_id', 'integer', (c) => c.references('students.id').onDelete('set null').unique())
    .addColumn('lecturer_id', 'integer', (c) => c.references('lecturers.id').onDelete('set null').unique())
    .addColumn('display_name', 'varchar(200)', (c) => c.notNull().defaultTo(''))
    .addColumn('failed_logins', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', ts)
    .addColumn('must_change_password', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('disabled', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('last_login_at', ts)
    .addColumn('password_changed_at', ts, (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();

  await withId(db, db.schema.createTable('subjects'))
    .addColumn('name', 'varchar(200)', (c) => c.notNull().unique())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('subject_groups')
    .addColumn('subject_id', 'integer', (c) => c.notNull().references('subjects.id').onDelete('cascade'))
    .addColumn('group_id', 'integer', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('subject_groups_pk', ['subject_id', 'group_id'])
    .execute();
  await db.schema.createIndex('subject_groups_group_idx').on('subject_groups').column('group_id').execute();

  await withId(db, db.schema.createTable('teaching'))
    .addColumn('subject_id', 'integer', (c) => c.notNull().references('subjects.id').onDelete('cascade'))
    .addColumn('lecturer_id', 'integer', (c) => c.notNull().references('lecturers.id').onDelete('cascade'))
    .addColumn('group_id', 'integer', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addUniqueConstraint('teaching_unique', ['subject_id', 'lecturer_id', 'group_id'])
    .execute();
  await db.schema.createIndex('teaching_lecturer_idx').on('teaching').columns(['lecturer_id', 'group_id']).execute();
  await db.schema.createIndex('teaching_group_idx').on('teaching').column('group_id').execute();

  await withId(db, db.schema.createTable('subject_materials'))
    .addColumn('subject_id', 'integer', (c) => c.notNull().references('subjects.id').onDelete('cascade'))
    .addColumn('file_id', 'integer', (c) => c.notNull().references('files.id'))
    .addColumn('title', 'varchar(200)', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('subject_materials_subject_idx').on('subject_materials').column('subject_id').execute();

  await withId(db, db.schema.createTable('exercises'))
    .addColumn('subject_id', 'integer', (c) => c.notNull().references('subjects.id').onDelete('cascade'))
    .addColumn('title', 'varchar(200)', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('due_at', ts)
    .addColumn('attachment_file_id', 'integer', (c) => c.references('files.id').onDelete('set null'))
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('exercises_subject_idx').on('exercises').columns(['subject_id', 'due_at']).execute();

  await db.schema
    .createTable('exercise_groups')
    .addColumn('exercise_id', 'integer', (c) => c.notNull().references('exercises.id').onDelete('cascade'))
    .addColumn('group_id', 'integer', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('exercise_groups_pk', ['exercise_id', 'group_id'])
    .execute();
  await db.schema.createIndex('exercise_groups_group_idx').on('exercise_groups').column('group_id').execute();

  await withId(db, db.schema.createTable('submissions'))
    .addColumn('exercise_id', 'integer', (c) => c.notNull().references('exercises.id').onDelete('cascade'))
    .addColumn('student_id', 'integer', (c) => c.notNull().references('students.id').onDelete('cascade'))
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('attachment_file_id', 'integer', (c) => c.references('files.id').onDelete('set null'))
    .addColumn('submitted_at', ts, (c) => c.notNull())
    .addColumn('late', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('status', 'varchar(16)', (c) =>
      c.notNull().defaultTo('waiting').check(sql`status in ('waiting', 'graded', 'dismissed')`),
    )
    .addColumn('score', 'integer', (c) => c.check(sql`score between 1 and 6`))
    .addColumn('graded_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('graded_at', ts)
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.createIndex('submissions_status_idx').on('submissions').columns(['status', 'submitted_at']).execute();
  await db.schema.createIndex('submissions_student_idx').on('submissions').columns(['student_id', 'exercise_id']).execute();
  await db.schema.createIndex('submissions_exercise_idx').on('submissions').columns(['exercise_id', 'status']).execute();

  await withId(db, db.schema.createTable('news'))
    .addColumn('category', 'varchar(50)', (c) => c.notNull().defaultTo('general'))
    .addColumn('title', 'varchar(200)', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('cover_file_id', 'integer', (c) => c.references('files.id').onDelete('set null'))
    .addColumn('audio_file_id', 'integer', (c) => c.references('files.id').onDelete('set null'))
    .addColumn('audience', 'varchar(50)', (c) => c.notNull().defaultTo('everyone'))
    .addColumn('author_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('published_at', ts)
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('news_published_idx').on('news').columns(['published_at', 'id']).execute();

  await withId(db, db.schema.createTable('theses'))
    .addColumn('student_id', 'integer', (c) => c.notNull().references('students.id').onDelete('cascade'))
    .addColumn('title', 'varchar(300)', (c) => c.notNull())
    .addColumn('supervisor_id', 'integer', (c) => c.references('lecturers.id').onDelete('set null'))
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('theses_student_idx').on('theses').column('student_id').execute();

  await withId(db, db.schema.createTable('audit_log'))
    .addColumn('actor_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('action', 'varchar(64)', (c) => c.notNull())
    .addColumn('entity', 'varchar(64)', (c) => c.notNull())
    .addColumn('entity_id', 'varchar(64)')
    .addColumn('before', 'text')
    .addColumn('after', 'text')
    .addColumn('at', ts, (c) => c.notNull())
    .addColumn('ip', 'varchar(64)')
    .execute();
  await db.schema.createIndex('audit_log_entity_idx').on('audit_log').columns(['entity', 'entity_id', 'at']).execute();
  await db.schema.createIndex('audit_log_at_idx').on('audit_log').column('at').execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('last_seen_at', ts, (c) => c.notNull())
    .addColumn('expires_at', ts, (c) => c.notNull())
    .addColumn('ip', 'varchar(64)')
    .addColumn('user_agent', 'varchar(512)')
    .execute();
  await db.schema.createIndex('sessions_user_idx').on('sessions').column('user_id').execute();
  await db.schema.createIndex('sessions_expires_idx').on('sessions').column('expires_at').execute();

  await withId(db, db.schema.createTable('api_tokens'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('prefix', 'varchar(16)', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('last_used_at', ts)
    .addColumn('expires_at', ts)
    .addColumn('revoked_at', ts)
    .execute();
  await db.schema.createIndex('api_tokens_user_idx').on('api_tokens').column('user_id').execute();

  await db.schema
    .createTable('settings')
    .addColumn('key', 'varchar(100)', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'settings',
    'api_tokens',
    'sessions',
    'audit_log',
    'theses',
    'news',
    'submissions',
    'exercise_groups',
    'exercises',
    'subject_materials',
    'teaching',
    'subject_groups',
    'subjects',
    'users',
    'lecturers',
    'students',
    'files',
    'groups',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
