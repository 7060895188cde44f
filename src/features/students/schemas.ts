import Type from 'typebox';
import { Username } from '../accounts/schemas.js';
import { BirthDate, personFields } from '../../lib/person-fields.js';

export const StudentNumber = Type.String({
  minLength: 1,
  maxLength: 50,
  pattern: '^[A-Za-z0-9][A-Za-z0-9/._-]*$',
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
  q: Type.Optional(Type.String({ maxLength: 100, errorMessage: 'Search with at most 100 characters.' })),
  group: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Literal('')], { errorMessage: 'Choose a group from the list.' })),
  sort: Type.Optional(Type.Union([...studentSorts.map((s) => Type.Literal(s)), Type.Literal('')], { errorMessage: `Sort by one of: ${studentSorts.join(', ')}.` })),
  archived: Type.Optional(Type.Boolean({ errorMessage: 'Use true or false.' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, errorMessage: 'Use a limit from 1 to 500.' })),
  cursor: Type.Optional(Type.String({ maxLength: 1024 })),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, errorMessage: 'Use a page number from 1.' })),
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
