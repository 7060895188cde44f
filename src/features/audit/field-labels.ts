// The labels the audit history shows for a record's fields: each kind's declared labels
// (features/<kind>/fields.ts), plus the few fields the services record about a record's life that
// are not form fields (archived, photo, account state) or about what hangs on it (a subject's
// materials, an exercise's brief and submissions). Anything else shows as recorded.
import type { FieldLabels } from '../../views/record-history.js';
import { auditLabelsOf } from '../../lib/record-fields.js';
import { accountFields } from '../accounts/fields.js';
import { exerciseFields } from '../exercises/fields.js';
import { newsFields } from '../news/fields.js';
import { groupFields } from '../groups/fields.js';
import { lecturerFields } from '../lecturers/fields.js';
import { studentFields } from '../students/fields.js';
import { subjectFields } from '../subjects/fields.js';
import { submissionFields } from '../submissions/fields.js';

const lifecycle: FieldLabels = {
  archived: 'Archived',
  accountDisabled: 'Account disabled',
  photoFileId: 'Photo (file id)',
  username: 'Username',
  isAdmin: 'Admin',
  disabled: 'Disabled',
  tokensRevoked: 'Tokens revoked',
  calendarFeedEnded: 'Calendar feed ended',
  studentId: 'Student (id)',
  lecturerId: 'Lecturer (id)',
  via: 'Made by',
};

/** A stored file's facts, as materials, briefs and sent files record them. */
const storedFile: FieldLabels = {
  file: 'File',
  contentType: 'Type',
  size: 'Size (bytes)',
  sha256: 'SHA-256',
};

/** What a subject's entries record besides its fields: its groups and teaching, and its materials (by title). */
const subjectTeaching: FieldLabels = {
  groups: 'Groups',
  lecturers: 'Lecturers',
  teaching: 'Teaching',
  material: 'Material',
  ...storedFile,
};

/**
 * What an exercise's entries record besides its fields: its subject and groups by name, the due time
 * under `due` (as from the first entry), its brief, and its submissions: who sent what, the score
 * given and why an entry was removed (`reason`).
 */
const exerciseTeaching: FieldLabels = {
  subject: 'Subject',
  groups: 'Groups',
  due: exerciseFields.dueAt.label,
  ...storedFile,
  submission: 'Submission (id)',
  student: 'Student (id)',
  late: 'Late',
  ...auditLabelsOf(submissionFields),
  reason: submissionFields.dismissReason.label,
};

/** Labels by the audit entry's entity name (what the services pass as `entity`). */
const byEntity: Readonly<Record<string, FieldLabels>> = {
  student: { ...lifecycle, ...auditLabelsOf(studentFields) },
  lecturer: { ...lifecycle, ...auditLabelsOf(lecturerFields) },
  group: { ...lifecycle, ...auditLabelsOf(groupFields) },
  subject: { ...lifecycle, ...subjectTeaching, ...auditLabelsOf(subjectFields) },
  exercise: { ...lifecycle, ...exerciseTeaching, ...auditLabelsOf(exerciseFields) },
  news: { ...lifecycle, ...auditLabelsOf(newsFields), groups: 'Groups', cover: 'Cover image', audio: 'Audio', size: 'Size (bytes)', sha256: 'SHA-256' },
  user: { ...lifecycle, ...auditLabelsOf(accountFields) },
};

/** The field labels of one kind of record; unknown kinds get the lifecycle labels only. */
export function fieldLabelsOf(entity: string): FieldLabels {
  return byEntity[entity] ?? lifecycle;
}
