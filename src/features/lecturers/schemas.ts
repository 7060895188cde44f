import Type from 'typebox';
import { ArchivedParameter, CursorParameter, GroupParameter, LimitParameter, PageParameter, SearchParameter, SortParameter } from '../../lib/list-parameters.js';
import { changeProperties, createProperties, outputProperties } from '../../lib/record-fields.js';
import { singleLineText } from '../../lib/text-rules.js';
import { lecturerFields } from './fields.js';

// The username is asked for only when the lecturer is added (the account is made with the record).
const { username: _username, ...recordFieldsOnly } = lecturerFields;

export const CreateLecturerInput = Type.Object(createProperties(lecturerFields));

export const UpdateLecturerInput = Type.Object(changeProperties(recordFieldsOnly));

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

export const LecturerOutput = Type.Object({
  id: Type.Integer(),
  ...outputProperties(recordFieldsOnly),
  groupsTaught: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String() })),
  hasPhoto: Type.Boolean(),
  archived: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

/**
 * A lecturer as typed into a picker: a name, an e-mail, or the label a suggestion fills in
 * ("Horvat Ivan <ivan.horvat@example.edu>": two names of up to 100 characters and an e-mail of up
 * to 254 fit).
 */
export const TypedLecturer = singleLineText({ maxLength: 500, title: 'Lecturer', errorMessage: "Type at most 500 characters of the lecturer's name or e-mail." });

/**
 * The picker's suggestions: the text typed, as `q`, or as `lecturerName`, the name a form's
 * "type to add" input sends it under (htmx sends an input's value under the input's own name).
 */
export const LecturerChoicesQuery = Type.Object({ q: Type.Optional(TypedLecturer), lecturerName: Type.Optional(TypedLecturer) });
