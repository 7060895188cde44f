import Type from 'typebox';
import { ArchivedParameter, CursorParameter, LimitParameter, SearchParameter } from '../../lib/list-parameters.js';
import { changeProperties, createProperties, outputProperties } from '../../lib/record-fields.js';
import { subjectFields } from './fields.js';

export { SubjectDescription, SubjectName } from './fields.js';

/** At most this many groups (or lecturers) per subject: a form's list, an API array. */
export const MAX_SUBJECT_GROUPS = 200;

const Ids = (title: string, noun: string) =>
  Type.Array(Type.Integer({ minimum: 1 }), {
    maxItems: MAX_SUBJECT_GROUPS,
    uniqueItems: true,
    title,
    errorMessage: `Give a list of at most ${MAX_SUBJECT_GROUPS} different ${noun} ids, e.g. [3, 7].`,
  });

const teachingProperties = {
  groupIds: Type.Optional(Ids('Groups', 'group')),
  lecturerIds: Type.Optional(Ids('Lecturers', 'lecturer')),
};

/** A new subject: its fields, and the groups that take it and the lecturers who teach it to them. */
export const CreateSubjectInput = Type.Object({ ...createProperties(subjectFields), ...teachingProperties });

export const UpdateSubjectInput = Type.Object({ ...changeProperties(subjectFields), ...teachingProperties });

export const ListSubjectsQuery = Type.Object({
  q: SearchParameter,
  archived: ArchivedParameter,
  limit: LimitParameter(500),
  cursor: CursorParameter,
});

const Named = Type.Object({ id: Type.Integer(), name: Type.String() });

/** A subject as pages and the API show it. */
export const SubjectOutput = Type.Object({
  id: Type.Integer(),
  ...outputProperties(subjectFields),
  archived: Type.Boolean(),
  groups: Type.Array(Named, { description: 'The groups that take the subject, by name.' }),
  lecturers: Type.Array(Named, { description: 'The lecturers who teach it to one or more of its groups, by name.' }),
  teaching: Type.Array(Type.Object({ groupId: Type.Integer(), lecturerId: Type.Integer() }), { description: 'Who teaches it to which group.' }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
