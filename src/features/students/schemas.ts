import Type from 'typebox';
import { ArchivedParameter, CursorParameter, GroupParameter, LimitParameter, PageParameter, SearchParameter, SortParameter } from '../../lib/list-parameters.js';
import { changeProperties, createProperties, outputProperties } from '../../lib/record-fields.js';
import { studentFields } from './fields.js';

export { GroupRef, StudentNumber } from './fields.js';

// The username is asked for only when the student is added (the account is made with the record).
const { username: _username, ...recordFieldsOnly } = studentFields;

export const CreateStudentInput = Type.Object(createProperties(studentFields));

export const UpdateStudentInput = Type.Object(changeProperties(recordFieldsOnly));

export const studentSorts = ['name', '-name', 'number', '-number', 'created', '-created'] as const;
export type StudentSort = (typeof studentSorts)[number];

export const ListStudentsQuery = Type.Object({
  q: SearchParameter,
  group: GroupParameter,
  sort: SortParameter(studentSorts),
  archived: ArchivedParameter,
  limit: LimitParameter(500),
  cursor: CursorParameter,
  page: PageParameter(1_000_000),
});

/** A student as the API answers it. Lecturers do not receive the private fields (birthDate, phone, address). */
export const StudentOutput = Type.Object({
  id: Type.Integer(),
  ...outputProperties(recordFieldsOnly),
  groupName: Type.Union([Type.String(), Type.Null()]),
  hasPhoto: Type.Boolean(),
  archived: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
