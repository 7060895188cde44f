// What each derivation of lib/record-fields.ts makes of a declaration: proven on a small kind made
// here (a thesis), so a change to the students' fields cannot hide a broken derivation. What the
// derivations assume of the real kinds is tested beside them (features/people/declared-fields.test.ts:
// lib/ may not import features).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Type from 'typebox';
import {
  auditSnapshot,
  changeProperties,
  createProperties,
  emptyValue,
  exportColumns,
  exportValues,
  formSection,
  formValuesFromBody,
  formValuesOfRecord,
  importColumnOf,
  importColumns,
  importComparedFields,
  importTemplate,
  inputFromForm,
  labelsOf,
  auditLabelsOf,
  newRecordValues,
  outputProperties,
  privateFieldNames,
  recordFields,
  storedColumns,
  storedFieldNames,
  storedOf,
  storedValue,
  storedValues,
  withoutPrivateFields,
  type RecordField,
  type RecordFields,
} from './record-fields.js';

const text = Type.String();
const nullable = Type.Union([Type.String(), Type.Null()]);

const thesisFields = recordFields({
  title: {
    label: 'Title',
    input: text,
    required: true,
    stored: 'text',
    output: Type.String(),
    visibility: 'teaching',
    form: { section: 'thesis', control: 'text', maxlength: 200 },
    import: { aliases: ['thesis title', 'topic'], required: true, note: 'Up to 200 characters.', example: 'Graph colouring' },
    export: { width: 40 },
  },
  summary: {
    label: 'Summary',
    input: text,
    stored: 'as-checked',
    output: Type.String(),
    visibility: 'teaching',
    form: { section: 'thesis', control: 'textarea', rows: 4 },
    export: { width: 60 },
  },
  supervisorEmail: {
    label: 'Supervisor e-mail',
    input: nullable,
    stored: 'email',
    output: nullable,
    visibility: 'teaching',
    form: { section: 'contact', control: 'email' },
    import: { aliases: ['supervisor'], note: 'Optional; name@example.org.', example: 'ivan.horvat@example.edu' },
    export: { width: 30 },
  },
  grade: {
    label: 'Grade',
    input: nullable,
    stored: 'text-or-null',
    output: nullable,
    visibility: 'private',
    form: { section: 'assessment', control: 'text' },
    import: { aliases: [], note: 'Optional; 1–6.', example: '6' },
    export: { width: 8 },
  },
  subtitle: {
    label: 'Subtitle',
    input: nullable,
    stored: 'text-or-empty',
    output: Type.String(),
    visibility: 'teaching',
    form: { section: 'thesis', control: 'text' },
  },
  defended: {
    label: 'Defended',
    input: Type.Boolean(),
    stored: 'flag',
    output: Type.Boolean(),
    visibility: 'teaching',
    form: { section: 'assessment', control: 'checkbox' },
    export: { width: 10 },
  },
  groupId: {
    label: 'Group',
    input: Type.Union([Type.Integer(), Type.Null(), Type.Literal('')]),
    stored: 'reference',
    output: Type.Union([Type.Integer(), Type.Null()]),
    visibility: 'teaching',
    form: { section: 'thesis', control: 'select' },
    import: { column: 'group', aliases: ['group name'], note: 'Optional; an existing group.', example: 'CS-101' },
    export: { width: 14, key: 'group' },
  },
  reviewNote: {
    label: 'Review note',
    input: nullable,
    stored: 'text-or-null',
    output: nullable,
    visibility: 'private',
    form: null,
    audited: false,
  },
  folder: {
    label: 'Folder',
    input: nullable,
    stored: 'text-or-null',
    output: Type.String(),
    visibility: 'private',
    form: { section: 'thesis', control: 'text', newOnly: true },
    import: { aliases: ['directory'], note: 'New theses only.', example: '', newOnly: true },
  },
});

const storedNames = ['title', 'summary', 'supervisorEmail', 'grade', 'subtitle', 'defended', 'groupId', 'reviewNote'];

const thesis = {
  id: 7,
  title: 'Graph colouring',
  summary: 'Line one\nline two',
  supervisorEmail: 'ivan.horvat@example.edu',
  grade: '6',
  subtitle: '',
  defended: true,
  groupId: 3,
  reviewNote: 'Strong',
  createdAt: '2026-01-01',
};

describe('the API schemas derived from the fields', () => {
  test('the create schema requires the required fields and leaves the others optional, with their own rules', () => {
    const properties = createProperties(thesisFields);
    assert.deepEqual(Object.keys(properties), Object.keys(thesisFields));
    const schema = Type.Object(properties);
    assert.deepEqual(schema.required, ['title']);
    assert.equal(properties.title, thesisFields.title.input);
  });

  test('the edit schema requires nothing: a change names only what changes', () => {
    const schema = Type.Object(changeProperties(thesisFields));
    assert.deepEqual(Object.keys(schema.properties), Object.keys(thesisFields));
    assert.equal(schema.required, undefined);
  });

  test('the output lists the stored fields only, the private ones optional (absent for teaching detail)', () => {
    const schema = Type.Object(outputProperties(thesisFields));
    assert.deepEqual(Object.keys(schema.properties), storedNames);
    assert.deepEqual(schema.required, ['title', 'summary', 'supervisorEmail', 'subtitle', 'defended', 'groupId']);
  });
});

describe('stored values', () => {
  const field = (stored: RecordField['stored']): RecordField => ({ label: 'X', input: text, stored, output: text, visibility: 'teaching', form: null });

  test('text is trimmed and composed (NFC)', () => {
    assert.equal(storedValue(field('text'), '  Kovac\u030C  '), 'Kovač');
    assert.equal(storedValue(field('text'), undefined), '');
  });

  test('text-or-empty keeps empty text as an empty string, text-or-null as null', () => {
    assert.equal(storedValue(field('text-or-empty'), '   '), '');
    assert.equal(storedValue(field('text-or-empty'), null), '');
    assert.equal(storedValue(field('text-or-empty'), ' Ivanovna '), 'Ivanovna');
    assert.equal(storedValue(field('text-or-null'), '   '), null);
    assert.equal(storedValue(field('text-or-null'), null), null);
    assert.equal(storedValue(field('text-or-null'), ' Ilica 1 '), 'Ilica 1');
  });

  test('an e-mail is stored trimmed in lower case, empty as null', () => {
    assert.equal(storedValue(field('email'), ' Ana.Kovac@Example.EDU '), 'ana.kovac@example.edu');
    assert.equal(storedValue(field('email'), ''), null);
  });

  test('a flag is true only for true', () => {
    assert.equal(storedValue(field('flag'), true), true);
    assert.equal(storedValue(field('flag'), false), false);
    assert.equal(storedValue(field('flag'), 'true'), false);
  });

  test("a reference is a number, and '' or null is none", () => {
    assert.equal(storedValue(field('reference'), 3), 3);
    assert.equal(storedValue(field('reference'), '12'), 12);
    assert.equal(storedValue(field('reference'), ''), null);
    assert.equal(storedValue(field('reference'), null), null);
  });

  test("as-checked text keeps its layout, and is '' when absent", () => {
    assert.equal(storedValue(field('as-checked'), '  Line one\n\n  line two '), '  Line one\n\n  line two ');
    assert.equal(storedValue(field('as-checked'), undefined), '');
  });

  test('storedValues converts the fields present, leaves the absent ones out, and keeps to `only`', () => {
    const input = { title: ' Graph colouring ', supervisorEmail: 'IVAN@EXAMPLE.EDU', groupId: '', defended: true, unknown: 'x' };
    assert.deepEqual(storedValues(thesisFields, input), { title: 'Graph colouring', supervisorEmail: 'ivan@example.edu', defended: true, groupId: null });
    assert.deepEqual(storedValues(thesisFields, input, ['title', 'summary']), { title: 'Graph colouring' });
  });

  test('an absent optional field is stored empty as its storage says', () => {
    assert.equal(emptyValue(thesisFields.subtitle), '');
    assert.equal(emptyValue(thesisFields.summary), '');
    assert.equal(emptyValue(thesisFields.defended), false);
    assert.equal(emptyValue(thesisFields.grade), null);
    assert.equal(emptyValue(thesisFields.supervisorEmail), null);
    assert.equal(emptyValue(thesisFields.groupId), null);
  });
});

describe('what is kept and shown', () => {
  test('the stored fields leave out the new-only ones (on the form or in the import)', () => {
    assert.deepEqual(storedFieldNames(thesisFields), storedNames);
    const importOnly: RecordFields = { ...thesisFields, folder: { ...thesisFields.folder, form: null } };
    assert.deepEqual(storedFieldNames(importOnly), storedNames);
  });

  test('storedOf takes the stored fields of a row, in declaration order, absent ones as null', () => {
    const { grade: _grade, ...withoutGrade } = thesis;
    const record = storedOf(thesisFields, { ...withoutGrade, folder: 'x' });
    assert.deepEqual(Object.keys(record), storedNames);
    assert.equal(record.grade, null);
    assert.equal(record.title, 'Graph colouring');
    assert.equal('id' in record, false);
  });

  test('newRecordValues is every stored field: the given values, the others empty', () => {
    assert.deepEqual(newRecordValues(thesisFields, { title: 'Graph colouring', groupId: 3, folder: 'ignored' }), {
      title: 'Graph colouring',
      summary: '',
      supervisorEmail: null,
      grade: null,
      subtitle: '',
      defended: false,
      groupId: 3,
      reviewNote: null,
    });
  });

  test('storedColumns names the stored fields as columns of the table', () => {
    assert.deepEqual(
      storedColumns(thesisFields, 'theses'),
      storedNames.map((n) => `theses.${n}`),
    );
  });

  test('the audit snapshot keeps the audited stored fields, not the new-only nor audited: false ones', () => {
    const { subtitle: _subtitle, ...withoutSubtitle } = thesis;
    assert.deepEqual(auditSnapshot(thesisFields, { ...withoutSubtitle, folder: 'x' }), {
      title: 'Graph colouring',
      summary: 'Line one\nline two',
      supervisorEmail: 'ivan.horvat@example.edu',
      grade: '6',
      subtitle: null,
      defended: true,
      groupId: 3,
    });
  });

  test('teaching detail leaves out the private fields and keeps everything else', () => {
    assert.deepEqual(privateFieldNames(thesisFields).filter((n) => n !== 'folder'), ['grade', 'reviewNote']);
    const visible = withoutPrivateFields(thesisFields, thesis);
    assert.equal('grade' in visible, false);
    assert.equal('reviewNote' in visible, false);
    assert.equal(visible.id, 7);
    assert.equal(visible.createdAt, '2026-01-01');
    assert.equal(visible.title, 'Graph colouring');
  });

  test('the audit history reads every field by its label', () => {
    const labels = labelsOf(thesisFields);
    assert.equal(labels.supervisorEmail, 'Supervisor e-mail');
    assert.equal(labels.reviewNote, 'Review note');
    assert.deepEqual(Object.keys(labels), Object.keys(thesisFields));
    // The history shows stored values, so a reference's label says the value is an id.
    const history = auditLabelsOf(thesisFields);
    assert.equal(history.supervisorEmail, 'Supervisor e-mail');
    for (const [name, f] of Object.entries(thesisFields)) if (f.stored === 'reference') assert.equal(history[name], `${f.label} (id)`);
    assert.ok(Object.values(thesisFields).some((f) => f.stored === 'reference'), 'the test declaration has a reference');
  });
});

describe('forms', () => {
  test('a card holds its fields in declaration order; the new-only ones on the new form only', () => {
    assert.deepEqual(
      formSection(thesisFields, 'thesis', true).map((f) => f.name),
      ['title', 'summary', 'subtitle', 'groupId', 'folder'],
    );
    assert.deepEqual(
      formSection(thesisFields, 'thesis', false).map((f) => f.name),
      ['title', 'summary', 'subtitle', 'groupId'],
    );
    const [title] = formSection(thesisFields, 'thesis', false);
    assert.equal(title!.field, thesisFields.title);
    assert.equal(title!.place.maxlength, 200);
    assert.deepEqual(formSection(thesisFields, 'nowhere', true), []);
  });

  test("a posted form is every form field as text, '' when absent; a checkbox is 'true' or ''", () => {
    const values = formValuesFromBody(thesisFields, { title: 'Graph colouring', defended: 'on', groupId: ['1'], reviewNote: 'not on the form', folder: 'f' }, false);
    assert.deepEqual(values, { title: 'Graph colouring', summary: '', supervisorEmail: '', grade: '', subtitle: '', defended: 'true', groupId: '' });
    assert.equal(formValuesFromBody(thesisFields, { defended: 'true' }, true).defended, 'true');
    assert.equal(formValuesFromBody(thesisFields, { defended: ['true', 'false'] }, true).defended, '');
    assert.equal(formValuesFromBody(thesisFields, { defended: ['false', 'on'] }, true).defended, 'true');
    assert.equal(formValuesFromBody(thesisFields, { defended: 'yes' }, true).defended, '');
    assert.equal(formValuesFromBody(thesisFields, {}, true).folder, '');
    assert.equal(formValuesFromBody(thesisFields, { folder: 'f' }, true).folder, 'f');
    assert.equal(formValuesFromBody(thesisFields, undefined, false).title, '');
  });

  test("the edit form shows the record's values as text: none as '', a flag as 'true' or ''", () => {
    assert.deepEqual(formValuesOfRecord(thesisFields, { ...thesis, grade: null, defended: false, folder: 'f' }), {
      title: 'Graph colouring',
      summary: 'Line one\nline two',
      supervisorEmail: 'ivan.horvat@example.edu',
      grade: '',
      subtitle: '',
      defended: '',
      groupId: '3',
    });
    assert.equal(formValuesOfRecord(thesisFields, thesis).defended, 'true');
  });

  test("the form's text becomes input: an empty choice is none, a checkbox true or false, text stays text", () => {
    assert.deepEqual(inputFromForm(thesisFields, { title: ' Graph ', groupId: '', defended: '', grade: '' }), { title: ' Graph ', groupId: null, defended: false, grade: '' });
    assert.deepEqual(inputFromForm(thesisFields, { groupId: '3', defended: 'true' }), { groupId: '3', defended: true });
  });
});

describe('imports and exports', () => {
  test("the import's columns are the imported fields in order; the label is always an alias; a column may have its own name", () => {
    assert.deepEqual(importColumns(thesisFields), [
      { field: 'title', aliases: ['title', 'thesis title', 'topic'], required: true },
      { field: 'supervisorEmail', aliases: ['supervisor e-mail', 'supervisor'], required: false },
      { field: 'grade', aliases: ['grade'], required: false },
      { field: 'group', aliases: ['group', 'group name'], required: false },
      { field: 'folder', aliases: ['folder', 'directory'], required: false },
    ]);
  });

  test('an import compares and changes the imported fields except the new-only ones', () => {
    assert.deepEqual(importComparedFields(thesisFields), ['title', 'supervisorEmail', 'grade', 'groupId']);
  });

  test("a field's import column is its own name unless declared otherwise", () => {
    assert.equal(importColumnOf(thesisFields, 'groupId'), 'group');
    assert.equal(importColumnOf(thesisFields, 'title'), 'title');
    assert.equal(importColumnOf(thesisFields, 'summary'), 'summary');
  });

  test("the template's header, notes and example row come from the imported fields, by column", () => {
    const template = importTemplate(thesisFields);
    assert.deepEqual(template.labels, { title: 'Title', supervisorEmail: 'Supervisor e-mail', grade: 'Grade', group: 'Group', folder: 'Folder' });
    assert.equal(template.notes.group, 'Optional; an existing group.');
    assert.equal(template.notes.title, 'Up to 200 characters.');
    assert.deepEqual(template.example, { title: 'Graph colouring', supervisorEmail: 'ivan.horvat@example.edu', grade: '6', group: 'CS-101', folder: '' });
  });

  test('the export leaves the private columns out unless the actor may see them', () => {
    assert.deepEqual(exportColumns(thesisFields, { includePrivate: false }), [
      { header: 'Title', key: 'title', width: 40 },
      { header: 'Summary', key: 'summary', width: 60 },
      { header: 'Supervisor e-mail', key: 'supervisorEmail', width: 30 },
      { header: 'Defended', key: 'defended', width: 10 },
      { header: 'Group', key: 'group', width: 14 },
    ]);
    assert.deepEqual(
      exportColumns(thesisFields, { includePrivate: true }).map((c) => c.key),
      ['title', 'summary', 'supervisorEmail', 'grade', 'defended', 'group'],
    );
  });

  test('exported cells: flags as yes/no, none as null, a column with its own key left to the caller', () => {
    assert.deepEqual(exportValues(thesisFields, { ...thesis, supervisorEmail: null }), {
      title: 'Graph colouring',
      summary: 'Line one\nline two',
      supervisorEmail: null,
      grade: '6',
      defended: 'yes',
    });
    assert.equal(exportValues(thesisFields, { ...thesis, defended: false }).defended, 'no');
  });
});
