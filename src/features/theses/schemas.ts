import Type from 'typebox';
import { createProperties, outputProperties } from '../../lib/record-fields.js';
import { thesisFields } from './fields.js';

/** A thesis recorded by an admin or a lecturer for a student: it replaces the student's one, if any. */
export const RecordThesisInput = Type.Object({
  studentId: Type.Integer({ minimum: 1, title: 'Student', errorMessage: "Give the student as their record's id." }),
  ...createProperties(thesisFields),
});

/** A student's proposal: a title (and, if they know them, a supervisor and a year). */
export const ProposeThesisInput = Type.Object(createProperties(thesisFields));

/** How close two titles must be (cosine similarity) for "Find similar theses" to list them, by default. */
export const SIMILAR_THRESHOLD = 0.3;
/** From how close a proposal is warned of an existing title. */
export const TOO_CLOSE = 0.6;

export const SimilarThesesQuery = Type.Object({
  title: Type.String({ minLength: 1, maxLength: 300, title: 'Title', errorMessage: 'Type a title of 1–300 characters to compare.' }),
  threshold: Type.Optional(Type.Number({ minimum: 0, maximum: 1, title: 'Threshold', errorMessage: 'Give a threshold from 0 to 1, e.g. 0.3.' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, title: 'Limit', errorMessage: 'Give a limit from 1 to 100.' })),
});

/** The service's own question: as the query, and a thesis not to compare with (the one just proposed). */
export const SimilarToThesis = Type.Object({ ...SimilarThesesQuery.properties, exceptId: Type.Optional(Type.Integer({ minimum: 1 })) });

export const SimilarThesesOutput = Type.Object({
  items: Type.Array(Type.Object({ id: Type.Integer(), title: Type.String(), score: Type.Number({ description: 'Cosine similarity of the titles, 0 to 1.' }) })),
});

export const ThesisOutput = Type.Object({
  id: Type.Integer(),
  studentId: Type.Integer(),
  ...outputProperties(thesisFields),
  status: Type.String({ enum: ['proposed', 'recorded'], description: 'proposed: by the student; recorded: by an admin or a lecturer.' }),
  student: Type.String({ description: "The student's name." }),
  supervisor: Type.Union([Type.String(), Type.Null()], { description: "The supervisor's name." }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
