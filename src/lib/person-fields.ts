// The TypeBox rules for the fields students and lecturers share, with messages that name the fix.
// One definition serves the forms, the JSON API, the imports and the CLI. The characters each field
// refuses and how its text is normalised come from lib/text-rules.ts.
import Type from 'typebox';
import type { RecordField } from './record-fields.js';
import { multiLineText, singleLineText } from './text-rules.js';

const name = (title: string, required: boolean) =>
  singleLineText({
    minLength: required ? 1 : 0,
    maxLength: 100,
    title,
    errorMessage: required ? `Enter the ${title.toLowerCase()} (1–100 characters).` : `Use at most 100 characters for the ${title.toLowerCase()}.`,
  });

export const FirstName = name('First name', true);
export const LastName = name('Last name', true);
export const Patronymic = name('Patronymic', false);

/**
 * An optional field's rule: empty text and null both mean "none" (stored as null or '' by the
 * field's `stored`), with the text rule's title and message. Use it for any optional text field.
 */
export const orNone = <T extends ReturnType<typeof Type.String>>(schema: T) => {
  const { errorMessage, title } = schema as unknown as { errorMessage: string; title: string };
  return Type.Optional(Type.Union([schema, Type.Null()], { errorMessage, title }));
};

// An address as mail systems and spreadsheets take it without surprises, not every form RFC 5322
// allows: a dot-atom local part of ASCII letters, digits and _ % + - ' (no quotes, ; , < > or
// spaces, which make one cell read as several addresses or a formula: a@x.com;=1+1), no leading,
// trailing or double dot; then a domain of labels that start and end with a letter or digit, in
// any script (bücher.de) or as punycode (xn--bcher-kva.de), ending in a name, not a number.
const local = "[A-Za-z0-9_%+'-]+(?:\\.[A-Za-z0-9_%+'-]+)*";
const label = '[\\p{L}\\p{N}](?:[\\p{L}\\p{M}\\p{N}-]{0,61}[\\p{L}\\p{M}\\p{N}])?';
const topLevel = '(?:\\p{L}[\\p{L}\\p{M}]{0,62}\\p{L}|xn--[A-Za-z0-9](?:[A-Za-z0-9-]{0,57}[A-Za-z0-9])?)';
export const EMAIL_PATTERN = `^$|^${local}@(?:${label}\\.)+${topLevel}$`;

export const Email = orNone(
  singleLineText({
    maxLength: 254,
    pattern: EMAIL_PATTERN,
    // Fullwidth letters and "＠" become plain ones; the services store e-mails in lower case.
    form: 'NFKC',
    title: 'E-mail',
    errorMessage: 'Enter an e-mail address like name@example.org (letters, digits and . _ % + - \' before the @).',
  }),
);

export const Phone = orNone(
  singleLineText({
    maxLength: 50,
    pattern: '^$|^\\+?[0-9 ()./-]{3,49}$',
    form: 'NFKC',
    title: 'Phone',
    errorMessage: 'Enter a phone number of digits, spaces and + ( ) - / . only, e.g. +359 2 123 4567.',
  }),
);

export const Address = orNone(multiLineText({ maxLength: 500, title: 'Address', errorMessage: 'Use at most 500 characters for the address.' }));

export const BirthDate = orNone(
  singleLineText({
    pattern: '^$|^\\d{4}-\\d{2}-\\d{2}$',
    form: 'NFKC',
    title: 'Birth date',
    errorMessage: 'Enter the birth date as YYYY-MM-DD, e.g. 2005-04-01.',
  }),
);

export const personFields = {
  firstName: FirstName,
  lastName: LastName,
  patronymic: Type.Optional(Patronymic),
  email: Email,
  phone: Phone,
  address: Address,
};

/** Text to store: trimmed, NFC, empty as null. */
export function optionalText(value: string | null | undefined): string | null {
  const text = value?.normalize('NFC').trim() ?? '';
  return text.length > 0 ? text : null;
}

export function requiredText(value: string): string {
  return value.normalize('NFC').trim();
}

// ---- the person fields' declarations (lib/record-fields.ts) ------------------------------------

const nullableText = () => Type.Union([Type.String(), Type.Null()]);

/**
 * The names students and lecturers share, declared once (lib/record-fields.ts); each kind gives
 * its template's example.
 */
export function personNameFields(example: { lastName: string; firstName: string; patronymic: string }) {
  return {
    lastName: {
      label: 'Last name',
      input: LastName,
      required: true,
      stored: 'text',
      output: Type.String(),
      visibility: 'teaching',
      form: { section: 'person', control: 'text', maxlength: 100 },
      import: { aliases: ['last name', 'surname', 'family name'], required: true, note: 'Up to 100 characters.', example: example.lastName },
      export: { width: 20 },
    },
    firstName: {
      label: 'First name',
      input: FirstName,
      required: true,
      stored: 'text',
      output: Type.String(),
      visibility: 'teaching',
      form: { section: 'person', control: 'text', maxlength: 100 },
      import: { aliases: ['first name', 'given name', 'name'], required: true, note: 'Up to 100 characters.', example: example.firstName },
      export: { width: 20 },
    },
    patronymic: {
      label: 'Patronymic',
      input: Patronymic,
      stored: 'text-or-empty',
      output: Type.String(),
      visibility: 'teaching',
      form: { section: 'person', control: 'text', maxlength: 100 },
      import: { aliases: ['middle name'], note: 'Optional; up to 100 characters.', example: example.patronymic },
      export: { width: 20 },
    },
  } as const satisfies Record<string, RecordField>;
}

/**
 * The contact fields students and lecturers share. `emailImport` says what an e-mail does in the
 * kind's import; `contactVisibility` who sees phone and address (a student's: the department's
 * admins and the student only).
 */
export function personContactFields(options: {
  emailImport: { required: boolean; note: string };
  contactVisibility: RecordField['visibility'];
  example: { email: string; phone: string; address: string };
}) {
  return {
    email: {
      label: 'E-mail',
      input: Email,
      stored: 'email',
      output: nullableText(),
      visibility: 'teaching',
      form: { section: 'contact', control: 'email', maxlength: 254 },
      import: { aliases: ['e-mail', 'email', 'mail'], required: options.emailImport.required, note: options.emailImport.note, example: options.example.email },
      export: { width: 30 },
    },
    phone: {
      label: 'Phone',
      input: Phone,
      stored: 'text-or-null',
      output: nullableText(),
      visibility: options.contactVisibility,
      form: { section: 'contact', control: 'tel', maxlength: 50 },
      import: { aliases: ['telephone', 'mobile'], note: 'Optional; digits, spaces and + ( ) - / . only.', example: options.example.phone },
      export: { width: 18 },
    },
    address: {
      label: 'Address',
      input: Address,
      stored: 'text-or-null',
      output: nullableText(),
      visibility: options.contactVisibility,
      form: { section: 'contact', control: 'textarea', maxlength: 500 },
      import: { aliases: [], note: 'Optional; up to 500 characters.', example: options.example.address },
      export: { width: 40 },
    },
  } as const satisfies Record<string, RecordField>;
}

