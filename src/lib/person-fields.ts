// The TypeBox rules for the fields students and lecturers share, with messages that name the fix.
// One definition serves the forms, the JSON API, the imports and the CLI.
import Type from 'typebox';

const name = (title: string, required: boolean) =>
  Type.String({
    minLength: required ? 1 : 0,
    maxLength: 100,
    title,
    errorMessage: required ? `Enter the ${title.toLowerCase()} (1–100 characters).` : `Use at most 100 characters for the ${title.toLowerCase()}.`,
  });

export const FirstName = name('First name', true);
export const LastName = name('Last name', true);
export const Patronymic = name('Patronymic', false);

/** Empty text and null both mean "none" for the optional fields. */
const optional = <T extends ReturnType<typeof Type.String>>(schema: T) => {
  const { errorMessage, title } = schema as unknown as { errorMessage: string; title: string };
  return Type.Optional(Type.Union([schema, Type.Null()], { errorMessage, title }));
};

export const Email = optional(
  Type.String({
    maxLength: 254,
    // Deliberately loose: one @, something on each side, a dot in the domain, no spaces.
    pattern: '^$|^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$',
    title: 'E-mail',
    errorMessage: 'Enter an e-mail address like name@example.org.',
  }),
);

export const Phone = optional(
  Type.String({
    maxLength: 50,
    pattern: '^$|^\\+?[0-9 ()./-]{3,49}$',
    title: 'Phone',
    errorMessage: 'Enter a phone number of digits, spaces and + ( ) - / . only, e.g. +359 2 123 4567.',
  }),
);

export const Address = optional(Type.String({ maxLength: 500, title: 'Address', errorMessage: 'Use at most 500 characters for the address.' }));

export const BirthDate = optional(
  Type.String({
    pattern: '^$|^\\d{4}-\\d{2}-\\d{2}$',
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
