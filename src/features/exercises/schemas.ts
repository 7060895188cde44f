import Type from 'typebox';
import { multiLineText, singleLineText } from '../../lib/text-rules.js';

const Id = (title: string, errorMessage: string) => Type.Integer({ minimum: 1, title, errorMessage });

export const ExerciseTitle = singleLineText({ minLength: 1, maxLength: 200, title: 'Title', errorMessage: 'Enter a title of 1–200 characters, e.g. Exercise 3: joins.' });
export const ExerciseText = multiLineText({ maxLength: 20000, title: 'Text', errorMessage: 'Use at most 20,000 characters for the text.' });
export const ScoreReleaseInput = Type.Union([Type.Literal('on-scoring'), Type.Literal('manual')], {
  title: 'Scores shown',
  errorMessage: 'Choose when students see their scores: on-scoring (as each is given) or manual (when you release them).',
});
/** An instant with its offset (the API: 2026-12-10T23:59:00+01:00 or …Z); forms send the department's wall time instead. */
export const DueAtInput = Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
  title: 'Due',
  errorMessage: 'Give the due date and time with its offset, e.g. 2026-12-10T23:59:00+01:00, or null for none.',
});

const GroupIds = Type.Array(Type.Integer({ minimum: 1 }), {
  minItems: 1,
  maxItems: 200,
  uniqueItems: true,
  title: 'Groups',
  errorMessage: 'Choose one or more of the subject\'s groups, e.g. [3, 7].',
});

export const CreateExerciseInput = Type.Object({
  subjectId: Id('Subject', 'Choose the subject by its id.'),
  groupIds: GroupIds,
  title: ExerciseTitle,
  text: Type.Optional(ExerciseText),
  dueAt: Type.Optional(DueAtInput),
  scoreRelease: Type.Optional(ScoreReleaseInput),
});

export const UpdateExerciseInput = Type.Object({
  groupIds: Type.Optional(GroupIds),
  title: Type.Optional(ExerciseTitle),
  text: Type.Optional(ExerciseText),
  dueAt: Type.Optional(DueAtInput),
  scoreRelease: Type.Optional(ScoreReleaseInput),
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
