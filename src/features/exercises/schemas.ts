import Type from 'typebox';
import { changeProperties, createProperties } from '../../lib/record-fields.js';
import { submissionFields } from '../submissions/fields.js';
import { exerciseFields } from './fields.js';

const Id = (title: string, errorMessage: string) => Type.Integer({ minimum: 1, title, errorMessage });

const GroupIds = Type.Array(Type.Integer({ minimum: 1 }), {
  minItems: 1,
  maxItems: 200,
  uniqueItems: true,
  title: 'Groups',
  errorMessage: 'Choose one or more of the subject\'s groups, e.g. [3, 7].',
});

/** A new exercise: its subject and groups, then its declared fields (fields.ts). */
export const CreateExerciseInput = Type.Object({
  subjectId: Id('Subject', 'Choose the subject by its id.'),
  groupIds: GroupIds,
  ...createProperties(exerciseFields),
});

export const UpdateExerciseInput = Type.Object({
  groupIds: Type.Optional(GroupIds),
  ...changeProperties(exerciseFields),
});

export const SubmitInput = Type.Object({
  exerciseIds: Type.Array(Type.Integer({ minimum: 1 }), {
    minItems: 1,
    maxItems: 50,
    uniqueItems: true,
    title: 'Exercises',
    errorMessage: 'Tick one or more exercises to send (at most 50 at once).',
  }),
  note: Type.Optional(submissionFields.note.input),
});

export const ScoreInput = Type.Object({
  score: submissionFields.score.input,
  version: Type.Integer({ minimum: 1, title: 'Version', errorMessage: 'Send the version of the entry you scored, as the Waiting Room showed it.' }),
});

export const DismissInput = Type.Object({
  reason: submissionFields.dismissReason.input,
  version: Type.Optional(Type.Integer({ minimum: 1, title: 'Version', errorMessage: 'Send the version of the entry, as the Waiting Room showed it.' })),
});
