// A student's fields, declared once (lib/record-fields.ts): the form, the record page, the import
// and its template, the export, the audit history and the API schema are derived from this list.
// A plain new field is a migration and one entry here (docs/adding-a-feature.md).
import Type from 'typebox';
import { BirthDate, personContactFields, personNameFields } from '../../lib/person-fields.js';
import { recordFields } from '../../lib/record-fields.js';
import { singleLineText } from '../../lib/text-rules.js';
import { newAccountUsernameField } from '../accounts/fields.js';

// ASCII only, so a number has one spelling: fullwidth digits are turned into plain ones (NFKC) and
// nothing invisible fits the pattern. Case is kept as the registry issued the number.
export const StudentNumber = singleLineText({
  minLength: 1,
  maxLength: 50,
  pattern: '^[A-Za-z0-9][A-Za-z0-9/._-]*$',
  form: 'NFKC',
  title: 'Student number',
  errorMessage: 'Enter the student number: letters, digits and / . _ - (up to 50), e.g. 2026-0042.',
});

export const GroupRef = Type.Union([Type.Integer({ minimum: 1 }), Type.Null(), Type.Literal('')], {
  title: 'Group',
  // Only API callers send an id (the form sends a name, imports a name column): say where ids are found.
  errorMessage: 'Give the id of an active group (GET /api/v1/groups), or null for no group.',
});


const { lastName, firstName, patronymic } = personNameFields({ lastName: 'Kovač', firstName: 'Ana', patronymic: 'Ivanovna' });
const contact = personContactFields({
  emailImport: { required: false, note: 'Optional; name@example.org. An existing student with this e-mail is updated.' },
  // A lecturer sees what teaching needs: no phone or home address.
  contactVisibility: 'private',
  example: { email: 'ana.kovac@example.edu', phone: '+385 1 234 5678', address: 'Ilica 1, Zagreb' },
});

export const studentFields = recordFields({
  studentNumber: {
    label: 'Student number',
    input: StudentNumber,
    required: true,
    stored: 'text',
    output: Type.String(),
    visibility: 'teaching',
    form: { section: 'studies', control: 'text', maxlength: 50, help: "The department's number, unique, e.g. 2026-0042." },
    import: {
      aliases: ['number', 'student no', 'student id'],
      required: true,
      note: 'Letters, digits and / . _ - (up to 50), e.g. 2026-0042. An existing student with this number is updated.',
      example: '2026-0042',
    },
    export: { width: 16 },
  },
  lastName,
  firstName,
  patronymic,
  birthDate: {
    label: 'Birth date',
    input: BirthDate,
    stored: 'text-or-null',
    output: Type.Union([Type.String(), Type.Null()], { description: 'YYYY-MM-DD' }),
    visibility: 'private',
    form: { section: 'person', control: 'date' },
    import: {
      aliases: ['date of birth', 'dob', 'birthday'],
      note: 'Optional; a date cell, or text as YYYY-MM-DD (e.g. 2006-04-01), between 1900-01-01 and today.',
      example: '2006-04-01',
    },
    export: { width: 12 },
  },
  ...contact,
  groupId: {
    label: 'Group',
    input: GroupRef,
    stored: 'reference',
    output: Type.Union([Type.Integer(), Type.Null()]),
    visibility: 'teaching',
    // Typed by name with suggestions (a type-ahead, not a list of every group): the form sends the
    // name, which the students' routes look up (groups.groupNamed); the API and imports are unchanged.
    form: { section: 'studies', control: 'text', suggestions: true, maxlength: 100, help: "Type the group's name; if it names no group, saving lists the closest ones. Leave empty for no group." },
    // The file names the group; the import looks its id up (imports/kinds).
    import: {
      column: 'group',
      aliases: ['group name', 'class', 'cohort'],
      note: 'Optional; the name of an existing, active group, as on the Groups page (case does not matter). Empty: no group.',
      example: 'CS-101',
    },
    export: { width: 14, key: 'group' },
  },
  username: newAccountUsernameField({ noun: 'student', section: 'studies', formExample: 'a.novak', importExample: 'a.kovac' }),
});

