// A sign-in account's fields, declared once (lib/record-fields.ts): the create schema, the export
// and the audit history's labels are derived from this list. Most accounts are made with a
// student's or lecturer's record (their services); admins add the others on /admin/accounts.
import Type from 'typebox';
import { recordFields } from '../../lib/record-fields.js';
import { singleLineText } from '../../lib/text-rules.js';

export const roles = ['admin', 'lecturer', 'student'] as const;

// ASCII only and stored in lower case (accounts service), so one username has one spelling:
// fullwidth letters become plain ones (NFKC) and nothing invisible fits the pattern.
export const Username = singleLineText({
  minLength: 3,
  maxLength: 64,
  pattern: '^[a-zA-Z0-9][a-zA-Z0-9._-]*$',
  form: 'NFKC',
  title: 'Username',
  errorMessage: 'Use 3–64 letters, digits, dots, dashes or underscores, starting with a letter or digit.',
});

const Role = Type.Union(
  roles.map((r) => Type.Literal(r)),
  { title: 'Role', errorMessage: 'Choose admin, lecturer or student.' },
);

export const accountFields = recordFields({
  username: {
    label: 'Username',
    input: Username,
    required: true,
    stored: 'text',
    output: Type.String(),
    visibility: 'teaching',
    form: { section: 'account', control: 'text', maxlength: 64 },
    export: { width: 20 },
  },
  displayName: {
    label: 'Display name',
    input: singleLineText({ maxLength: 200, title: 'Display name', errorMessage: 'Use at most 200 characters for the display name.' }),
    stored: 'text-or-empty',
    output: Type.String(),
    visibility: 'teaching',
    form: { section: 'account', control: 'text', maxlength: 200 },
    export: { width: 30 },
  },
  role: {
    label: 'Role',
    input: Role,
    required: true,
    stored: 'text',
    output: Type.String(),
    visibility: 'teaching',
    form: { section: 'account', control: 'select' },
    export: { width: 18 },
  },
});
