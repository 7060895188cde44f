// A thesis's fields, declared once (lib/record-fields.ts): the API's input and output schemas and
// the form's labels derive from this list. Whose thesis it is (studentId) and whether the student
// proposed it or the staff recorded it (status) are the record's own, not form fields.
import Type from 'typebox';
import { recordFields } from '../../lib/record-fields.js';
import { singleLineText } from '../../lib/text-rules.js';

export const THESIS_TITLE_MAX = 300;

const ThesisTitle = singleLineText({
  minLength: 3,
  maxLength: THESIS_TITLE_MAX,
  title: 'Title',
  errorMessage: `Enter a title of 3–${THESIS_TITLE_MAX} characters, e.g. Recognising handwritten Armenian letters with neural networks.`,
});

export const thesisFields = recordFields({
  title: {
    label: 'Title',
    input: ThesisTitle,
    required: true,
    stored: 'text',
    output: Type.String(),
    visibility: 'teaching',
    form: { section: 'thesis', control: 'text', maxlength: THESIS_TITLE_MAX },
  },
  supervisorId: {
    label: 'Supervisor',
    input: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], { title: 'Supervisor', errorMessage: "Give the supervisor as a lecturer's id, or null for none yet." }),
    stored: 'reference',
    output: Type.Union([Type.Integer(), Type.Null()]),
    visibility: 'teaching',
    form: { section: 'thesis', control: 'select' },
  },
  year: {
    label: 'Year',
    input: Type.Union([Type.Integer({ minimum: 1990, maximum: 2100 }), Type.Null()], { title: 'Year', errorMessage: 'Give the year it is defended, from 1990 to 2100 (e.g. 2027), or none.' }),
    stored: 'integer',
    output: Type.Union([Type.Integer(), Type.Null()]),
    visibility: 'teaching',
    form: { section: 'thesis', control: 'text', maxlength: 4 },
  },
});
