// Text fields refuse control, invisible and bidi characters with a message that names the field and
// the fix, the same way through the forms, the JSON API and the imports; group names that look the
// same are the same; e-mails are checked more tightly; records saved before these rules still read,
// list and export (security review F8).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Type, { type TSchema } from 'typebox';
import { CreateAccountInput } from '../../src/features/accounts/schemas.js';
import { callApi } from '../../src/features/api/testing.js';
import { CreateGroupInput, UpdateGroupInput } from '../../src/features/groups/schemas.js';
import { planImport } from '../../src/features/imports/service.js';
import { CreateLecturerInput, UpdateLecturerInput } from '../../src/features/lecturers/schemas.js';
import { CreateStudentInput, UpdateStudentInput } from '../../src/features/students/schemas.js';
import { textRuleOf } from '../../src/lib/text-rules.js';
import { validate } from '../../src/lib/validation.js';
import { csvFile } from '../fixtures/spreadsheets/people.js';
import { createApiToken, createGroup, createStudent } from '../factories.js';
import { pagesApp } from '../people/page-helpers.js';
import { testDatabases } from '../services.js';
import { refusal } from '../refusal.js';

/** The record kinds' input schemas: every text field in them must declare a text rule. */
const recordSchemas: Record<string, TSchema> = {
  CreateGroupInput,
  UpdateGroupInput,
  CreateStudentInput,
  UpdateStudentInput,
  CreateLecturerInput,
  UpdateLecturerInput,
  CreateAccountInput,
};

/** Fields whose every character counts and which are never shown: no text rule. */
const exempt = new Set(['password']);

interface Described {
  type?: string | string[];
  const?: unknown;
  anyOf?: Described[];
}
const takesText = (s: Described): boolean => (s.anyOf ? s.anyOf.some(takesText) : s.type === 'string' && s.const === undefined);
const propertiesOf = (schema: TSchema) => (schema as unknown as { properties: Record<string, TSchema> }).properties;

/** A value each field takes, to put a character in the middle of. */
const samples: Record<string, string> = {
  email: 'ana.kovac@example.org',
  phone: '+385 1 234 5678',
  studentNumber: '2026-0042',
  username: 'ana.kovac',
  birthDate: '2005-04-01',
};
const sampleOf = (field: string) => samples[field] ?? 'Ana Marija';
const withInside = (text: string, ch: string) => `${text.slice(0, 4)}${ch}${text.slice(4)}`;

/** Characters no text field takes. */
const refused: [string, string][] = [
  ['NUL', '\u0000'],
  ['BEL', '\u0007'],
  ['ESC', '\u001b'],
  ['DEL', '\u007f'],
  ['NEL (C1)', '\u0085'],
  ['CSI (C1)', '\u009b'],
  ['soft hyphen', '\u00ad'],
  ['Arabic letter mark', '\u061c'],
  ['Hangul filler', '\u115f'],
  ['Mongolian vowel separator', '\u180e'],
  ['zero-width space', '\u200b'],
  ['zero-width non-joiner', '\u200c'],
  ['zero-width joiner', '\u200d'],
  ['left-to-right mark', '\u200e'],
  ['right-to-left mark', '\u200f'],
  ['line separator', '\u2028'],
  ['paragraph separator', '\u2029'],
  ['left-to-right embedding', '\u202a'],
  ['right-to-left embedding', '\u202b'],
  ['pop directional formatting', '\u202c'],
  ['left-to-right override', '\u202d'],
  ['right-to-left override', '\u202e'],
  ['word joiner', '\u2060'],
  ['invisible times', '\u2062'],
  ['invisible plus', '\u2064'],
  ['left-to-right isolate', '\u2066'],
  ['right-to-left isolate', '\u2067'],
  ['first strong isolate', '\u2068'],
  ['pop directional isolate', '\u2069'],
  ['Hangul filler (compatibility)', '\u3164'],
  ['variation selector 16', '\ufe0f'],
  ['byte order mark', '\ufeff'],
  ['noncharacter', '\uffff'],
  ['tag letter', '\u{e0041}'],
  ['lone surrogate', '\ud800'],
];
/** What a multi-line field takes and a single-line one refuses; then what both refuse. */
const lineBreaks: [string, string][] = [
  ['tab', '\t'],
  ['line feed', '\n'],
  ['carriage return', '\r'],
  ['vertical tab', '\u000b'],
  ['form feed', '\u000c'],
];

const SINGLE = 'contains an invisible or control character (such as a line break, a tab or a zero-width space); retype it.';


describe('the text fields of every record kind', () => {
  const fields: { schema: string; field: string; property: TSchema }[] = [];
  for (const [name, schema] of Object.entries(recordSchemas))
    for (const [field, property] of Object.entries(propertiesOf(schema))) if (takesText(property as Described) && !exempt.has(field)) fields.push({ schema: name, field, property });

  test('every text field declares a text rule, so a new field cannot forget it', () => {
    assert.ok(fields.length >= 30, `${fields.length} text fields`);
    for (const { schema, field, property } of fields) assert.ok(textRuleOf(property), `${schema}.${field} has no text rule: declare it with singleLineText or multiLineText (lib/text-rules.ts)`);
    const multi = [...new Set(fields.filter((f) => textRuleOf(f.property)!.lines === 'multi').map((f) => f.field))].sort();
    assert.deepEqual(multi, ['address', 'description'], 'only the description and the address take line breaks');
  });

  test('each refuses control, invisible and bidi characters (single-line ones also line breaks and tabs), naming the field and the fix', () => {
    for (const { schema, field, property } of fields) {
      const alone = Type.Object({ [field]: property });
      assert.equal(refusal(alone, { [field]: sampleOf(field) }), null, `${schema}.${field} takes ${sampleOf(field)}`);
      const rule = textRuleOf(property)!;
      const title = rule.title!.toLowerCase();
      const expected = rule.lines === 'single' ? `The ${title} ${SINGLE}` : `The ${title} contains an invisible or control character (line breaks and tabs are fine); retype it.`;
      for (const [name, ch] of [...refused, ...(rule.lines === 'single' ? lineBreaks : lineBreaks.slice(3))]) {
        const error = refusal(alone, { [field]: withInside(sampleOf(field), ch) });
        assert.ok(error, `${schema}.${field} refuses a ${name}`);
        assert.equal(error.fields[field], expected, `${schema}.${field} with a ${name}`);
      }
      if (rule.lines === 'multi') assert.equal(refusal(alone, { [field]: 'one\r\n\ttwo\nthree' }), null, `${schema}.${field} takes line breaks and tabs`);
    }
  });

  test('student numbers and usernames take fullwidth digits and letters as the plain ones', () => {
    const data = validate(CreateStudentInput, { studentNumber: '２０２６－００４２', firstName: 'Ana', lastName: 'Kovač', username: 'ａｎａ.k' });
    assert.deepEqual({ studentNumber: data.studentNumber, username: data.username }, { studentNumber: '2026-0042', username: 'ana.k' });
  });
});

for (const database of await testDatabases()) {
  describe(`text rules through the forms, the API and the imports on ${database}`, () => {
    test('the review\'s group names: invisible and control characters refused with a message, look-alikes of CS-101 refused as taken', async (t) => {
      const { app, ctx, adminUser, system } = await pagesApp(t, database);
      const token = await createApiToken(ctx, adminUser.id);
      const cs = await createGroup(system, { name: 'CS-101' });
      for (const name of ['CS-101\u200b', 'CS-1\u202e10', 'G\u0000NUL', 'G\u0007bell', 'G\nnewline', '\u2066CS-101\u2069']) {
        const response = await callApi(app, token, 'POST', '/api/v1/groups', { name });
        assert.equal(response.statusCode, 422, `${JSON.stringify(name)}: ${response.body}`);
        assert.equal(response.json().error.fields.name, `The group name ${SINGLE}`);
      }
      for (const name of ['ＣＳ-101', 'cs-101', 'Cs-101', 'CS\u2010101', 'CS\u2212101', 'ＣＳ－１０１']) {
        const response = await callApi(app, token, 'POST', '/api/v1/groups', { name });
        assert.equal(response.statusCode, 409, `${JSON.stringify(name)}: ${response.body}`);
        assert.match(response.json().error.fields.name, /^A group named "CS-101" already exists \(names that differ only in capitals, character width, dashes or invisible characters count as the same\); choose another name\.$/);
      }
      // NFC and NFD spellings of an accented name are one name.
      const accented = await callApi(app, token, 'POST', '/api/v1/groups', { name: 'Šarić-1' });
      assert.equal(accented.statusCode, 201);
      assert.equal((await callApi(app, token, 'POST', '/api/v1/groups', { name: 'Šarić-1'.normalize('NFD') })).statusCode, 409);
      assert.equal((await callApi(app, token, 'POST', '/api/v1/groups', { name: 'šarić-1' })).statusCode, 409);
      // Renaming: to a look-alike of another group is refused; the group's own name in other capitals is fine.
      const other = await callApi(app, token, 'POST', '/api/v1/groups', { name: 'ＭＡ-201' });
      assert.equal(other.statusCode, 201);
      assert.equal(other.json().name, 'ＭＡ-201', 'the name is kept as typed');
      assert.equal((await callApi(app, token, 'PATCH', `/api/v1/groups/${other.json().id}`, { name: 'cs-101' })).statusCode, 409);
      const recased = await callApi(app, token, 'PATCH', `/api/v1/groups/${cs.id}`, { name: 'cs-101' });
      assert.equal(recased.statusCode, 200, recased.body);
      assert.equal(recased.json().name, 'cs-101');
      assert.equal((await callApi(app, token, 'PATCH', `/api/v1/groups/${other.json().id}`, { name: 'MA-201' })).statusCode, 200, 'its own name in plain letters');
      const names = (await callApi(app, token, 'GET', '/api/v1/groups')).json().items.map((g: { name: string }) => g.name);
      assert.deepEqual(names.sort(), ['MA-201', 'cs-101', 'Šarić-1'].sort());
    });

    test('forms refuse an invisible character beside the field, and nothing is saved', async (t) => {
      const { admin, db, system } = await pagesApp(t, database);
      const newGroup = await admin.post('/groups', { name: 'CS-101\u200b', description: 'x' }, { from: '/groups/new' });
      assert.equal(newGroup.statusCode, 422);
      assert.match(newGroup.body, new RegExp(`<div class="invalid-feedback"[^>]*>The group name ${SINGLE.replace(/[()]/g, '\\$&')}</div>`));
      const described = await admin.post('/groups', { name: 'CS-101', description: 'First year,\r\nmorning' }, { from: '/groups/new' });
      assert.equal(described.statusCode, 303);
      const row = await db.selectFrom('groups').select(['name', 'description']).executeTakeFirstOrThrow();
      assert.deepEqual(row, { name: 'CS-101', description: 'First year,\nmorning' }, 'a text area keeps its line breaks, as line feeds');

      const newStudent = await admin.post('/students', { studentNumber: '2026-0001', firstName: '\u202Enimda', lastName: 'Kovač', email: 'a@x.com;=1+1' }, { from: '/students/new' });
      assert.equal(newStudent.statusCode, 422);
      assert.match(newStudent.body, new RegExp(`id="field-firstName-error"[^>]*>The first name ${SINGLE.replace(/[()]/g, '\\$&')}<`));
      assert.match(newStudent.body, /id="field-email-error"[^>]*>Enter an e-mail address like name@example\.org/);
      assert.equal((await db.selectFrom('students').select('id').execute()).length, 0);

      const { student: saved } = await createStudent(system, { firstName: 'Ana', lastName: 'Kovač' });
      const edited = await admin.post(`/students/${saved.id}`, { studentNumber: saved.studentNumber, firstName: 'Ana', lastName: 'Kovač\u2067', address: 'Ilica 1\r\nZagreb' }, { from: `/students/${saved.id}/edit` });
      assert.equal(edited.statusCode, 422);
      assert.match(edited.body, /The last name contains an invisible or control character/);

      const account = await admin.post('/admin/accounts', { username: 'ana\u200b.k', role: 'student', displayName: 'Ana\u202e' }, { from: '/admin/accounts/new' });
      assert.equal(account.statusCode, 422);
      assert.match(account.body, /The username contains an invisible or control character/);
      assert.match(account.body, /The display name contains an invisible or control character/);
    });

    test('the API refuses the review\'s e-mails and invisible characters in every kind of record, naming the field', async (t) => {
      const { app, ctx, adminUser, system } = await pagesApp(t, database);
      const token = await createApiToken(ctx, adminUser.id);
      const { student: s } = await createStudent(system, { email: 'ana@example.org' });
      for (const email of ['a@x.com;=1+1', '"=hyperlink(1)"@x.com', 'ana@example.org, bob@example.org', 'ana..k@example.org']) {
        const response = await callApi(app, token, 'PATCH', `/api/v1/students/${s.id}`, { email });
        assert.equal(response.statusCode, 422, `${email}: ${response.body}`);
        assert.match(response.json().error.fields.email, /^Enter an e-mail address like name@example\.org/);
      }
      for (const email of ['ana+fms@example.org', 'ana@bücher.de', 'ana@xn--bcher-kva.de', 'Ana@Mail.Example.ORG']) {
        const response = await callApi(app, token, 'PATCH', `/api/v1/students/${s.id}`, { email });
        assert.equal(response.statusCode, 200, `${email}: ${response.body}`);
        assert.equal(response.json().email, email.toLowerCase());
      }
      const lecturer = await callApi(app, token, 'POST', '/api/v1/lecturers', { firstName: 'Lena', lastName: 'Horvat', email: 'lena@example.org', academicDegree: 'PhD\u200b', position: 'Professor\u2066' });
      assert.equal(lecturer.statusCode, 422);
      assert.deepEqual(lecturer.json().error.fields, { academicDegree: `The academic degree ${SINGLE}`, position: `The position ${SINGLE}` });
      const created = await callApi(app, token, 'POST', '/api/v1/students', { studentNumber: '2026-0099', firstName: 'G\u0000', lastName: 'X', address: 'Line 1\nLine 2' });
      assert.equal(created.statusCode, 422);
      assert.deepEqual(created.json().error.fields, { firstName: `The first name ${SINGLE}` });
    });

    test('an import row with an invisible character is an error naming the row and the column; line breaks in an address and a fullwidth group name are fine', async (t) => {
      const { system } = await pagesApp(t, database);
      await createGroup(system, { name: 'CS-101' });
      const header = ['Student number', 'Last name', 'First name', 'Email', 'Address', 'Group'];
      const rows = [
        ['2026-0001', 'Kovač', 'Ana', 'ana@example.org', 'Ilica 1\r\nZagreb', 'ＣＳ-101'],
        ['2026-0002', 'Horvat', 'Iva\u200b', 'iva@example.org', '', 'cs-101'],
        ['2026-0003', '\u202Enimda', 'Ivo', 'a@x.com;=1+1', '', ''],
      ];
      const report = await planImport(system, 'students', { bytes: csvFile(header, rows), filename: 'students.csv' });
      assert.deepEqual(
        report.errors.map((e) => ({ row: e.row, column: e.column, code: e.code, message: e.message })),
        [
          { row: 3, column: 'First name', code: 'invalid', message: `The first name ${SINGLE}` },
          { row: 4, column: 'Last name', code: 'invalid', message: `The last name ${SINGLE}` },
          { row: 4, column: 'Email', code: 'invalid', message: "Enter an e-mail address like name@example.org (letters, digits and . _ % + - ' before the @)." },
        ],
      );
      assert.equal(report.counts.rowsWithErrors, 2);
      const fine = await planImport(system, 'students', { bytes: csvFile(header, rows.slice(0, 1)), filename: 'students.csv' });
      assert.deepEqual(fine.errors, []);
      assert.deepEqual(fine.creates.map((c) => c.row), [2]);
    });

    test('records saved before these rules still show, list, export and take changes to their other fields', async (t) => {
      const { app, admin, db, ctx, adminUser } = await pagesApp(t, database);
      const token = await createApiToken(ctx, adminUser.id);
      const now = new Date();
      const { id } = await db
        .insertInto('students')
        .values({ studentNumber: 'OLD-1', groupId: null, firstName: 'Old\u200b', lastName: '\u202Enimda', patronymic: '', birthDate: null, email: 'a@x.com;=1+1', phone: null, address: null, photoFileId: null, searchText: 'old nimda', sortName: 'nimda', createdAt: now, updatedAt: now })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db.insertInto('groups').values({ name: 'ＣＳ-101', description: 'before the key', createdAt: now, updatedAt: now }).execute();
      for (const url of ['/students', `/students/${id}`, `/students/${id}/edit`, '/students/export.csv', '/students/export.xlsx', '/groups', '/groups/export.csv']) {
        const response = await admin.get(url);
        assert.equal(response.statusCode, 200, url);
      }
      assert.match((await admin.get('/students/export.csv')).body, /a@x\.com;=1\+1/, 'the old e-mail is exported (quoted, as every cell with ;)');
      const listed = await callApi(app, token, 'GET', '/api/v1/students');
      assert.equal(listed.statusCode, 200);
      assert.equal(listed.json().items[0].email, 'a@x.com;=1+1');
      const phone = await callApi(app, token, 'PATCH', `/api/v1/students/${id}`, { phone: '+385 1 234' });
      assert.equal(phone.statusCode, 200, `only what is sent is checked: ${phone.body}`);
      const fixed = await callApi(app, token, 'PATCH', `/api/v1/students/${id}`, { email: 'a@x.com;=1+1' });
      assert.equal(fixed.statusCode, 422, 'what is sent again is checked');
    });
  });
}
