// A group's fields, declared once (lib/record-fields.ts): the form, the export, the audit history
// and the API schema are derived from this list. A plain new field is a migration and one entry
// here (docs/adding-a-feature.md walks through the groups feature).
import Type from 'typebox';
import { recordFields } from '../../lib/record-fields.js';
import { multiLineText, singleLineText } from '../../lib/text-rules.js';

/** Unique by its folded key (lib/text-rules uniqueNameKey): case, width and dashes aside. */
export const GroupName = singleLineText({
  minLength: 1,
  maxLength: 100,
  title: 'Group name',
  errorMessage: 'Enter a name of 1–100 characters, e.g. CS-101.',
});

export const GroupDescription = multiLineText({ maxLength: 2000, title: 'Description', errorMessage: 'Use at most 2,000 characters for the description.' });

export const groupFields = recordFields({
  name: {
    label: 'Name',
    input: GroupName,
    required: true,
    stored: 'text',
    output: Type.String(),
    visibility: 'teaching',
    form: { section: 'group', control: 'text', maxlength: 100, help: 'Unique, e.g. CS-101 or Physics 2026.' },
    export: { width: 16 },
  },
  description: {
    label: 'Description',
    input: GroupDescription,
    stored: 'as-checked',
    output: Type.String(),
    visibility: 'teaching',
    form: { section: 'group', control: 'textarea', maxlength: 2000, rows: 4 },
    export: { width: 50 },
  },
});
