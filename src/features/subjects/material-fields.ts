// A material's fields, declared once (lib/record-fields.ts): the upload's input schema and the API's
// output derive from it. Its one typed field is the title; the rest of a material is its file's
// facts (name, type, size, SHA-256), recorded from the upload, not typed by anyone.
import Type from 'typebox';
import { recordFields } from '../../lib/record-fields.js';
import { singleLineText } from '../../lib/text-rules.js';

export const materialFields = recordFields({
  title: {
    label: 'Title',
    input: singleLineText({ maxLength: 200, title: 'Title', errorMessage: 'Use at most 200 characters for the title.' }),
    stored: 'text',
    output: Type.String(),
    visibility: 'teaching',
    // Optional: a file uploaded without one (or one of several) takes its own name (materials.ts titleOf).
    form: { section: 'material', control: 'text', maxlength: 200, formLabel: 'Title (optional)' },
  },
});
