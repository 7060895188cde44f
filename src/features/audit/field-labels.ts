// The labels the audit history shows for a record's fields: each kind's declared labels
// (features/<kind>/fields.ts), plus the few fields the services record about a record's life that
// are not form fields (archived, photo, account state). Anything else shows as recorded.
import type { FieldLabels } from '../../views/record-history.js';
import { auditLabelsOf } from '../../lib/record-fields.js';
import { accountFields } from '../accounts/fields.js';
import { groupFields } from '../groups/fields.js';
import { lecturerFields } from '../lecturers/fields.js';
import { studentFields } from '../students/fields.js';

const lifecycle: FieldLabels = {
  archived: 'Archived',
  accountDisabled: 'Account disabled',
  photoFileId: 'Photo (file id)',
  username: 'Username',
  isAdmin: 'Admin',
  disabled: 'Disabled',
  tokensRevoked: 'Tokens revoked',
  studentId: 'Student (id)',
  lecturerId: 'Lecturer (id)',
  via: 'Made by',
};

/** Labels by the audit entry's entity name (what the services pass as `entity`). */
const byEntity: Readonly<Record<string, FieldLabels>> = {
  student: { ...lifecycle, ...auditLabelsOf(studentFields) },
  lecturer: { ...lifecycle, ...auditLabelsOf(lecturerFields) },
  group: { ...lifecycle, ...auditLabelsOf(groupFields) },
  user: { ...lifecycle, ...auditLabelsOf(accountFields) },
};

/** The field labels of one kind of record; unknown kinds get the lifecycle labels only. */
export function fieldLabelsOf(entity: string): FieldLabels {
  return byEntity[entity] ?? lifecycle;
}
