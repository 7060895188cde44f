// A submission's fields, declared once (lib/record-fields.ts): the rules of what a student sends and
// a lecturer gives (exercises/schemas.ts), the labels of the audit history and the limits the pages'
// controls carry come from here. A submission is made by sending, scoring and removing, never through
// one form of its fields, so these are not assembled into create or change schemas: each action takes
// the fields it sets (the note when sending, the score when scoring, the reason when removing).
import Type from 'typebox';
import { recordFields } from '../../lib/record-fields.js';
import { multiLineText, singleLineText } from '../../lib/text-rules.js';

export const submissionFields = recordFields({
  note: {
    label: 'Note',
    input: multiLineText({ maxLength: 5000, title: 'Note', errorMessage: 'Use at most 5,000 characters for the note.' }),
    stored: 'as-checked',
    output: Type.String(),
    visibility: 'teaching',
    form: { section: 'sending', control: 'textarea', maxlength: 5000, rows: 2, formLabel: 'Note (optional)' },
  },
  score: {
    label: 'Score',
    input: Type.Integer({ minimum: 1, maximum: 6, title: 'Score', errorMessage: 'Give a score from 1 to 6.' }),
    stored: 'integer',
    output: Type.Union([Type.Integer({ minimum: 1, maximum: 6 }), Type.Null()]),
    visibility: 'teaching',
    // Given with the Waiting Room's buttons 1–6, one entry at a time.
    form: null,
  },
  /** Sent as `reason` when the entry is removed (the API's and the form's name). */
  dismissReason: {
    label: 'Reason',
    input: singleLineText({ minLength: 1, maxLength: 500, title: 'Reason', errorMessage: 'Say in 1–500 characters why the entry is removed, e.g. "Wrong file attached".' }),
    stored: 'text-or-null',
    output: Type.Union([Type.String(), Type.Null()]),
    visibility: 'teaching',
    form: { section: 'removing', control: 'text', maxlength: 500, formLabel: 'Why (the student sees it)' },
  },
});
