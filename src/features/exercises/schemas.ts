import Type from 'typebox';
import { changeProperties, createProperties } from '../../lib/record-fields.js';
import { multiLineText, singleLineText } from '../../lib/text-rules.js';
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
  note: Type.Optional(multiLineText({ maxLength: 5000, title: 'Note', errorMessage: 'Use at most 5,000 characters for the note.' })),
});

export const ScoreInput = Type.Object({
  score: Type.Integer({ minimum: 1, maximum: 6, title: 'Score', errorMessage: 'Give a score from 1 to 6.' }),
  version: Type.Integer({ minimum: 1, title: 'Version', errorMessage: 'Send the version of the entry you scored, as the Waiting Room showed it.' }),
});

export const DismissInput = Type.Object({
  reason: singleLineText({ minLength: 1, maxLength: 500, title: 'Reason', errorMessage: 'Say in 1–500 characters why the entry is removed, e.g. "Wrong file attached".' }),
  version: Type.Optional(Type.Integer({ minimum: 1, title: 'Version', errorMessage: 'Send the version of the entry, as the Waiting Room showed it.' })),
});
