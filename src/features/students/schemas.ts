import Type from 'typebox';
import { Username } from '../accounts/schemas.js';
import { ArchivedParameter, CursorParameter, GroupParameter, LimitParameter, PageParameter, SearchParameter, SortParameter } from '../../lib/list-parameters.js';
import { BirthDate, personFields } from '../../lib/person-fields.js';
import { singleLineText } from '../../lib/text-rules.js';

// ASCII only, so a number has one spelling: fullwidth digits are turned into plain ones (NFKC) and
// nothing invisible fits the pattern. Case is kept as the registry issued the number.
export const StudentNumber = singleLineText({
  minLength: 1,
  maxLength: 50,
  pattern: '^[A-Za-z0-9][A-Za-z0-9/._-]*$',
  form: 'NFKC',
  title: 'Student number',
  errorMessage: 'Enter the student number: letters, digits and / . _ - (up to 50), e.g. 2026-0042.',
});

export const GroupRef = Type.Optional(
  Type.Union([Type.Integer({ minimum: 1 }), Type.Null(), Type.Literal('')], { title: 'Group', errorMessage: 'Choose a group from the list.' }),
);

const studentFields = {
  studentNumber: StudentNumber,
  ...personFields,
  birthDate: BirthDate,
  groupId: GroupRef,
};

export const CreateStudentInput = Type.Object({
  ...studentFields,
  /** Omitted: generated from the name (s.novak, s.novak2 …). */
  username: Type.Optional(Type.Union([Username, Type.Literal('')], { errorMessage: 'Use 3–64 letters, digits, dots, dashes or underscores, starting with a letter or digit, or leave it empty to generate one.' })),
});

export const UpdateStudentInput = Type.Partial(Type.Object(studentFields));

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

const nullableString = (description?: string) => Type.Union([Type.String(), Type.Null()], description ? { description } : {});

/** A student as the API answers it. Lecturers do not receive birthDate, phone and address. */
export const StudentOutput = Type.Object({
  id: Type.Integer(),
  studentNumber: Type.String(),
  firstName: Type.String(),
  lastName: Type.String(),
  patronymic: Type.String(),
  birthDate: Type.Optional(nullableString('YYYY-MM-DD')),
  email: nullableString(),
  phone: Type.Optional(nullableString()),
  address: Type.Optional(nullableString()),
  groupId: Type.Union([Type.Integer(), Type.Null()]),
  groupName: nullableString(),
  hasPhoto: Type.Boolean(),
  archived: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
