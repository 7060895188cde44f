import Type from 'typebox';

const date = (label: string) =>
  Type.Optional(Type.String({ maxLength: 10, pattern: '^(\\d{4}-\\d{2}-\\d{2})?$', title: label, errorMessage: `Give the ${label.toLowerCase()} date as YYYY-MM-DD.` }));

/** The audit trail's filters, as the page's form (GET) and the API send them. Empty means "any". */
export const AuditFilterQuery = Type.Object({
  actor: Type.Optional(
    Type.String({ maxLength: 64, pattern: '^[a-zA-Z0-9._-]*$', title: 'Who', errorMessage: 'Give a username (letters, digits, dots, dashes, underscores), or "system".' }),
  ),
  action: Type.Optional(
    Type.String({
      maxLength: 64,
      pattern: '^([a-z0-9_]+(\\.[a-z0-9_]+)*(\\.|\\.\\*)?)?$',
      title: 'Action',
      errorMessage: 'Give an action such as student.updated, or the start of one ending in a dot, such as student.',
    }),
  ),
  entity: Type.Optional(Type.String({ maxLength: 32, pattern: '^[a-z_]*$', title: 'Record type', errorMessage: 'Give a record type such as student, lecturer, group or user.' })),
  entityId: Type.Optional(Type.String({ maxLength: 64, pattern: '^[A-Za-z0-9_-]*$', title: 'Record number', errorMessage: 'Give a record number, such as 42.' })),
  from: date('From'),
  to: date('To'),
  /** Keyset cursors from a previous page: `before` pages to older entries, `after` to newer ones. */
  before: Type.Optional(Type.String({ maxLength: 1024, title: 'Page cursor' })),
  after: Type.Optional(Type.String({ maxLength: 1024, title: 'Page cursor' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, title: 'Page size', errorMessage: 'Give a page size from 1 to 200.' })),
});

/** The record types the trail names, with the admin page each one has. */
export const auditEntities = ['user', 'student', 'lecturer', 'group', 'subject', 'exercise', 'news', 'thesis', 'api_token', 'import'] as const;

/**
 * The actions features record today, for the filter's suggestions and docs/audit.md. Not a closed
 * list: the filter accepts any action name, so a new feature's entries are found before this is updated.
 */
export const knownAuditActions = [
  'account.created',
  'account.updated',
  'account.password_reset',
  'account.disabled',
  'account.enabled',
  'auth.sign_in',
  'auth.sign_in_failed',
  'auth.sign_in_refused',
  'auth.locked',
  'auth.client_locked',
  'auth.password_check_failed',
  'auth.sign_out',
  'auth.password_changed',
  'auth.session_ended',
  'auth.sessions_ended',
  'token.created',
  'token.revoked',
  'group.created',
  'group.updated',
  'group.archived',
  'group.restored',
  'student.created',
  'student.updated',
  'student.archived',
  'student.restored',
  'student.photo_changed',
  'student.photo_removed',
  'lecturer.created',
  'lecturer.updated',
  'lecturer.archived',
  'lecturer.restored',
  'lecturer.photo_changed',
  'lecturer.photo_removed',
  'subject.created',
  'subject.updated',
  'subject.archived',
  'subject.restored',
  'material.added',
  'material.replaced',
  'material.deleted',
  'exercise.created',
  'exercise.updated',
  'exercise.deleted',
  'exercise.scores_released',
  'exercise.brief_attached',
  'exercise.brief_removed',
  'submission.sent',
  'submission.replaced',
  'submission.scored',
  'submission.dismissed',
  'news.published',
  'news.updated',
  'news.deleted',
  'news.cover_added',
  'news.cover_replaced',
  'news.cover_removed',
  'news.audio_added',
  'news.audio_replaced',
  'news.audio_removed',
  'thesis.proposed',
  'thesis.recorded',
  'thesis.updated',
  'calendar.feed_made',
  'calendar.feed_replaced',
  'calendar.feed_turned_off',
  'import.applied',
  'import.credentials_downloaded',
] as const;
