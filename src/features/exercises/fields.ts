// An exercise's fields, declared once (lib/record-fields.ts): the API's input and output schemas,
// the form's labels and controls and the audit history's labels are derived from this list. Its
// subject is chosen where it is set (the subject page, `subjectId` in the API) and its groups are
// rows of exercise_groups, ticked on the form and given by id in the API, as a subject's groups are.
import Type from 'typebox';
import { recordFields } from '../../lib/record-fields.js';
import { multiLineText, singleLineText } from '../../lib/text-rules.js';

const ExerciseTitle = singleLineText({ minLength: 1, maxLength: 200, title: 'Title', errorMessage: 'Enter a title of 1–200 characters, e.g. Exercise 3: joins.' });

/** Markdown, rendered through lib/markdown.ts (raw HTML shown as text). */
const ExerciseText = multiLineText({ maxLength: 20000, title: 'Text', errorMessage: 'Use at most 20,000 characters for the text.' });

const scoreReleases = ['on-scoring', 'manual'] as const;

export const ScoreReleaseInput = Type.Union(
  scoreReleases.map((r) => Type.Literal(r)),
  {
    title: 'Scores shown',
    errorMessage: 'Choose when students see their scores: on-scoring (as each is given) or manual (when you release them).',
  },
);

/**
 * An instant with its offset (the API: 2026-12-10T23:59:00+01:00 or …Z). The form's datetime-local
 * sends the department's wall time instead, which its routes read in TIMEZONE before this rule.
 */
export const DueAtInput = Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
  title: 'Due',
  errorMessage: 'Give the due date and time with its offset, e.g. 2026-12-10T23:59:00+01:00, or null for none.',
});

export const exerciseFields = recordFields({
  title: {
    label: 'Title',
    input: ExerciseTitle,
    required: true,
    stored: 'text',
    output: Type.String(),
    visibility: 'teaching',
    form: { section: 'exercise', control: 'text', maxlength: 200 },
  },
  text: {
    label: 'Text',
    input: ExerciseText,
    stored: 'as-checked',
    output: Type.String({ description: 'Markdown.' }),
    visibility: 'teaching',
    // No maxlength on the textarea: a longer text is refused with the rule's message, not cut.
    form: { section: 'exercise', control: 'textarea', rows: 8, help: 'Markdown: **bold**, _italic_, lists, links. HTML is shown as text.' },
    // The exercise's audit entries name it by its title and have never held the text (service.ts auditable).
    audited: false,
  },
  dueAt: {
    label: 'Due',
    input: DueAtInput,
    stored: 'instant',
    output: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    visibility: 'teaching',
    form: { section: 'exercise', control: 'datetime-local' },
  },
  scoreRelease: {
    label: 'Scores shown',
    input: ScoreReleaseInput,
    stored: 'text',
    output: Type.Union(scoreReleases.map((r) => Type.Literal(r))),
    visibility: 'teaching',
    form: { section: 'exercise', control: 'radio' },
  },
});
