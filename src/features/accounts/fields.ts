// A sign-in account's fields, declared once (lib/record-fields.ts): the create schema, the export
// and the audit history's labels are derived from this list. Most accounts are made with a
// student's or lecturer's record (their services); admins add the others on /admin/accounts.
import Type from 'typebox';
import { recordFields, type RecordField } from '../../lib/record-fields.js';
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

const NewUsername = Type.Union([Username, Type.Literal('')], {
  errorMessage: 'Use 3–64 letters, digits, dots, dashes or underscores, starting with a letter or digit, or leave it empty to generate one.',
});

/**
 * The username of the account made with a student's or lecturer's record: asked for on the new
 * record's form and in an import's new rows only, generated from the name when left empty.
 */
export function newAccountUsernameField(options: { noun: string; section: string; formExample: string; importExample: string }) {
  return {
    label: 'Username',
    input: NewUsername,
    stored: 'text-or-null',
    output: Type.String(),
    visibility: 'private',
    form: { section: options.section, control: 'text', maxlength: 64, formLabel: 'Username (optional)', help: `Leave empty to generate one from the name, e.g. ${options.formExample}.`, newOnly: true },
    import: {
      aliases: ['login', 'user name'],
      note: `Optional, new ${options.noun}s only; 3–64 letters, digits, . _ -. Empty: generated from the name (${options.importExample}).`,
      example: '',
      newOnly: true,
    },
  } as const satisfies RecordField;
}
