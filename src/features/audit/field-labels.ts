// The labels the audit history shows for a record's fields: each kind's declared labels
// (features/<kind>/fields.ts), plus the few fields the services record about a record's life that
// are not form fields (archived, photo, account state). Anything else shows as recorded.
import type { FieldLabels } from '../../views/record-history.js';
import { auditLabelsOf } from '../../lib/record-fields.js';
import { accountFields } from '../accounts/fields.js';
import { groupFields } from '../groups/fields.js';
import { lecturerFields } from '../lecturers/fields.js';
import { studentFields } from '../students/fields.js';
import { subjectFields } from '../subjects/fields.js';

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

/** What the teaching services record of a subject's materials and an exercise's submissions. */
const teaching: FieldLabels = {
  groups: 'Groups',
  lecturers: 'Lecturers',
  teaching: 'Teaching',
  material: 'Material',
  file: 'File',
  contentType: 'Type',
  size: 'Size (bytes)',
  sha256: 'SHA-256',
  title: 'Title',
  subject: 'Subject',
  due: 'Due',
  scoreRelease: 'Scores shown',
  submission: 'Submission (id)',
  student: 'Student (id)',
  score: 'Score',
  reason: 'Reason',
  late: 'Late',
  note: 'Note',
};

/** Labels by the audit entry's entity name (what the services pass as `entity`). */
const byEntity: Readonly<Record<string, FieldLabels>> = {
  student: { ...lifecycle, ...auditLabelsOf(studentFields) },
  lecturer: { ...lifecycle, ...auditLabelsOf(lecturerFields) },
  group: { ...lifecycle, ...auditLabelsOf(groupFields) },
  subject: { ...lifecycle, ...teaching, ...auditLabelsOf(subjectFields) },
  exercise: { ...lifecycle, ...teaching },
  user: { ...lifecycle, ...auditLabelsOf(accountFields) },
};

/** The field labels of one kind of record; unknown kinds get the lifecycle labels only. */
export function fieldLabelsOf(entity: string): FieldLabels {
  return byEntity[entity] ?? lifecycle;
}
