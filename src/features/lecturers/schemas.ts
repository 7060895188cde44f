import Type from 'typebox';
import { personFields } from '../../lib/person-fields.js';

const Degree = Type.String({ maxLength: 100, title: 'Academic degree', errorMessage: 'Use at most 100 characters for the academic degree, e.g. PhD.' });
const Position = Type.String({ maxLength: 100, title: 'Position', errorMessage: 'Use at most 100 characters for the position, e.g. Associate Professor.' });
const IsAdmin = Type.Boolean({ title: 'Admin', errorMessage: 'Use true or false for the admin flag.' });

const lecturerFields = {
  ...personFields,
  academicDegree: Type.Optional(Degree),
  position: Type.Optional(Position),
  isAdmin: Type.Optional(IsAdmin),
};

export const CreateLecturerInput = Type.Object({
  ...lecturerFields,
  username: Type.Optional(
    Type.Union(
      [
        Type.String({ minLength: 3, maxLength: 64, pattern: '^[a-zA-Z0-9][a-zA-Z0-9._-]*$' }),
        Type.Literal(''),
      ],
      { errorMessage: 'Use 3–64 letters, digits, dots, dashes or underscores, starting with a letter or digit, or leave it empty to generate one.' },
    ),
  ),
});

export const UpdateLecturerInput = Type.Partial(Type.Object(lecturerFields));

export const lecturerSorts = ['name', '-name', 'created', '-created'] as const;
export type LecturerSort = (typeof lecturerSorts)[number];

export const ListLecturersQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 100, errorMessage: 'Search with at most 100 characters.' })),
  degree: Type.Optional(Type.String({ maxLength: 100 })),
  group: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Literal('')], { errorMessage: 'Choose a group from the list.' })),
  sort: Type.Optional(Type.Union([...lecturerSorts.map((s) => Type.Literal(s)), Type.Literal('')], { errorMessage: `Sort by one of: ${lecturerSorts.join(', ')}.` })),
  archived: Type.Optional(Type.Boolean({ errorMessage: 'Use true or false.' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, errorMessage: 'Use a limit from 1 to 500.' })),
  cursor: Type.Optional(Type.String({ maxLength: 1024 })),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, errorMessage: 'Use a page number from 1.' })),
});

const nullableString = () => Type.Union([Type.String(), Type.Null()]);

export const LecturerOutput = Type.Object({
  id: Type.Integer(),
  firstName: Type.String(),
  lastName: Type.String(),
  patronymic: Type.String(),
  academicDegree: Type.String(),
  position: Type.String(),
  email: nullableString(),
  phone: nullableString(),
  address: nullableString(),
  isAdmin: Type.Boolean(),
  groupsTaught: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String() })),
  hasPhoto: Type.Boolean(),
  archived: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
