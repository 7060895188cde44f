// A lecturer's fields, declared once (lib/record-fields.ts): the form, the record page, the import
// and its template, the export, the audit history and the API schema are derived from this list.
// A plain new field is a migration and one entry here (docs/adding-a-feature.md).
import Type from 'typebox';
import { personContactFields, personNameFields } from '../../lib/person-fields.js';
import { recordFields } from '../../lib/record-fields.js';
import { singleLineText } from '../../lib/text-rules.js';
import { newAccountUsernameField } from '../accounts/fields.js';

const Degree = singleLineText({ maxLength: 100, title: 'Academic degree', errorMessage: 'Use at most 100 characters for the academic degree, e.g. PhD.' });
const Position = singleLineText({ maxLength: 100, title: 'Position', errorMessage: 'Use at most 100 characters for the position, e.g. Associate Professor.' });
const IsAdmin = Type.Boolean({ title: 'Admin', errorMessage: 'Use true or false for the admin flag.' });

const { lastName, firstName, patronymic } = personNameFields({ lastName: 'Horvat', firstName: 'Ivan', patronymic: '' });
const contact = personContactFields({
  emailImport: { required: true, note: 'Required; name@example.org. An existing lecturer with this e-mail is updated.' },
  // Only admins and the lecturer see a lecturer's record at all.
  contactVisibility: 'teaching',
  example: { email: 'ivan.horvat@example.edu', phone: '+385 1 234 5679', address: '' },
});

export const lecturerFields = recordFields({
  lastName,
  firstName,
  patronymic,
  academicDegree: {
    label: 'Academic degree',
    input: Degree,
    stored: 'text-or-empty',
    output: Type.String(),
    visibility: 'teaching',
    form: { section: 'position', control: 'text', maxlength: 100, help: 'e.g. PhD, MSc, DSc', suggestions: true },
    import: { aliases: ['degree'], note: 'Optional; up to 100 characters, e.g. PhD.', example: 'PhD' },
    export: { width: 16 },
  },
  position: {
    label: 'Position',
    input: Position,
    stored: 'text-or-empty',
    output: Type.String(),
    visibility: 'teaching',
    form: { section: 'position', control: 'text', maxlength: 100, help: 'e.g. Associate Professor' },
    import: { aliases: ['title', 'job title'], note: 'Optional; up to 100 characters, e.g. Associate Professor.', example: 'Associate Professor' },
    export: { width: 24 },
  },
  ...contact,
  isAdmin: {
    label: 'Admin',
    input: IsAdmin,
    stored: 'flag',
    output: Type.Boolean(),
    visibility: 'teaching',
    form: { section: 'position', control: 'checkbox', formLabel: 'Administrator: may manage every record and account' },
    import: { aliases: ['administrator'], note: 'Optional; yes or no (also true/false, 1/0, y/n, x). Empty: no.', example: 'no' },
    export: { width: 8 },
  },
  username: newAccountUsernameField({ noun: 'lecturer', section: 'position', formExample: 'l.petrova', importExample: 'i.horvat' }),
});

