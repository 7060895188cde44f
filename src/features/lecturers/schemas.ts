import Type from 'typebox';
import { ArchivedParameter, CursorParameter, GroupParameter, LimitParameter, PageParameter, SearchParameter, SortParameter } from '../../lib/list-parameters.js';
import { personFields } from '../../lib/person-fields.js';
import { singleLineText } from '../../lib/text-rules.js';
import { Username } from '../accounts/schemas.js';

const Degree = singleLineText({ maxLength: 100, title: 'Academic degree', errorMessage: 'Use at most 100 characters for the academic degree, e.g. PhD.' });
const Position = singleLineText({ maxLength: 100, title: 'Position', errorMessage: 'Use at most 100 characters for the position, e.g. Associate Professor.' });
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
    Type.Union([Username, Type.Literal('')], { errorMessage: 'Use 3–64 letters, digits, dots, dashes or underscores, starting with a letter or digit, or leave it empty to generate one.' }),
  ),
});

export const UpdateLecturerInput = Type.Partial(Type.Object(lecturerFields));

export const lecturerSorts = ['name', '-name', 'created', '-created'] as const;
export type LecturerSort = (typeof lecturerSorts)[number];

export const ListLecturersQuery = Type.Object({
  q: SearchParameter,
  // Not the text rule: the choices are the degrees in use, and a record saved before the rule may
  // hold one with an invisible character. A NUL is refused (lib/validation), as PostgreSQL needs.
  degree: Type.Optional(Type.String({ maxLength: 100, title: 'Academic degree', errorMessage: 'Choose a degree from the list (at most 100 characters).' })),
  group: GroupParameter,
  sort: SortParameter(lecturerSorts),
  archived: ArchivedParameter,
  limit: LimitParameter(500),
  cursor: CursorParameter,
  page: PageParameter(1_000_000),
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
