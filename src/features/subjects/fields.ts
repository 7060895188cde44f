// A subject's fields, declared once (lib/record-fields.ts): the form, the export, the audit history
// and the API schema are derived from this list. Its groups and lecturers are not plain fields:
// they are rows of subject_groups and teaching, chosen by name on the form and by id in the API.
import Type from 'typebox';
import { recordFields } from '../../lib/record-fields.js';
import { multiLineText, singleLineText } from '../../lib/text-rules.js';

/** Unique by its folded key (lib/text-rules uniqueNameKey), as group names are. */
export const SubjectName = singleLineText({
  minLength: 1,
  maxLength: 200,
  title: 'Subject name',
  errorMessage: 'Enter a name of 1–200 characters, e.g. Databases.',
});

/** Markdown, rendered through lib/markdown.ts (raw HTML shown as text). */
export const SubjectDescription = multiLineText({ maxLength: 20000, title: 'Description', errorMessage: 'Use at most 20,000 characters for the description.' });

export const subjectFields = recordFields({
  name: {
    label: 'Name',
    input: SubjectName,
    required: true,
    stored: 'text',
    output: Type.String(),
    visibility: 'teaching',
    form: { section: 'subject', control: 'text', maxlength: 200, help: 'Unique, e.g. Databases or Algorithms 2.' },
    export: { width: 30 },
  },
  description: {
    label: 'Description',
    input: SubjectDescription,
    stored: 'as-checked',
    output: Type.String({ description: 'Markdown.' }),
    visibility: 'teaching',
    form: { section: 'subject', control: 'textarea', maxlength: 20000, rows: 8, help: 'Markdown: **bold**, _italic_, lists, [links](https://example.org). HTML is shown as text.' },
    export: { width: 50 },
  },
});
