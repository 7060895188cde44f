// The text rule (lib/text-rules.ts) as validate applies it: which characters single-line and
// multi-line fields refuse, with which message, how text is normalised, the e-mail pattern, and
// the key unique names are compared by (security review F8). Every record kind's fields:
// test/security/text-fields.test.ts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Type from 'typebox';
import { Email, personFields } from './person-fields.js';
import { multiLineText, singleLineText, uniqueNameKey } from './text-rules.js';
import { validate } from './validation.js';
import { refusal } from '../../test/refusal.js';

describe('text rules', () => {
  const Person = Type.Object(personFields);

  test('a multi-line field takes line breaks and tabs; a carriage return becomes a line feed', () => {
    assert.deepEqual(validate(Person, { firstName: 'Ana', lastName: 'Kovač', address: 'Ilica 1\r\n\t10000 Zagreb\rCroatia' }), {
      firstName: 'Ana',
      lastName: 'Kovač',
      address: 'Ilica 1\n\t10000 Zagreb\nCroatia',
    });
    assert.match(refusal(Person, { firstName: 'Ana', lastName: 'Kovač', address: 'Ilica\u202e 1' })!.fields.address!, /^The address contains an invisible or control character \(line breaks and tabs are fine\); retype it\.$/);
  });

  test('a single-line field refuses a line break or a tab, naming the field and the fix', () => {
    assert.deepEqual(refusal(Person, { firstName: 'Ana\nMarija', lastName: 'Kovač\t' })?.fields, {
      firstName: 'The first name contains an invisible or control character (such as a line break, a tab or a zero-width space); retype it.',
    });
  });

  test('names in any script, with accents, apostrophes, hyphens and spaces, are kept as typed (NFC)', () => {
    for (const name of ['Šarić', 'Đurđa', "O'Brien", 'Jean-Luc', 'Ἀριστοτέλης', '王小明', 'محمد', 'Nguyễn Văn', 'Ана Петрова', 'Zoë\u00a0Ann']) {
      const data = validate(Person, { firstName: name, lastName: 'X' });
      assert.equal(data.firstName, name, name);
    }
    const decomposed = 'Sari\u0301c\u030C';
    assert.equal(validate(Person, { firstName: 'A', lastName: decomposed }).lastName, decomposed.normalize('NFC'));
  });

  test('fields limited to ASCII take fullwidth letters and digits as the plain ones (NFKC)', () => {
    const data = validate(Person, { firstName: 'Ana', lastName: 'Kovač', phone: '＋３８５ １ ２３４', email: 'ａｎａ＠ｅｘａｍｐｌｅ.org' });
    assert.deepEqual({ phone: data.phone, email: data.email }, { phone: '+385 1 234', email: 'ana@example.org' });
  });

  test("builders keep a field's own pattern and message, and add the rule", () => {
    const Code = singleLineText({ title: 'Code', pattern: '^[A-Z]{3}$', errorMessage: 'Three capitals.' });
    const Note = multiLineText({ title: 'Note', maxLength: 5 });
    const Form = Type.Object({ code: Code, note: Type.Optional(Note) });
    assert.deepEqual(refusal(Form, { code: 'abc' })?.fields, { code: 'Three capitals.' });
    assert.deepEqual(refusal(Form, { code: 'A\u200bB' })?.fields, { code: 'The code contains an invisible or control character (such as a line break, a tab or a zero-width space); retype it.' });
    assert.ok(refusal(Form, { code: 'ABC', note: 'too long' })?.fields.note);
  });
});

describe('e-mail addresses', () => {
  const Form = Type.Object({ email: Email });
  const accepted = [
    'ana@example.org',
    'Ana.Kovac@Example.ORG',
    'ana+tag@example.org',
    'ana_kovac-2@mail.faculty.example.edu',
    "o'brien@example.ie",
    'a%b@example.org',
    'ana@bücher.de',
    'ana@xn--bcher-kva.de',
    'ana@münchen.xn--p1ai',
    'ana@пример.рф',
    'ana@例え.テスト',
    'ana@sub-domain.example.co.uk',
    'ana@1example.org',
    '',
  ];
  const refusedAddresses = [
    'a@x.com;=1+1',
    '"=hyperlink(1)"@x.com',
    '"ana"@example.org',
    "ana'@example.org;",
    'ana,bob@example.org',
    'ana@example.org,bob@example.org',
    '<ana@example.org>',
    'Ana <ana@example.org>',
    'ana kovac@example.org',
    'ana@exa mple.org',
    'ana\t@example.org',
    'an\u200ba@example.org',
    'ana@exam\u200bple.org',
    'ana..kovac@example.org',
    '.ana@example.org',
    'ana.@example.org',
    'ana@-example.org',
    'ana@example-.org',
    'ana@example..org',
    'ana@.example.org',
    'ana@example.org.',
    'ana@example',
    'ana@localhost',
    'ana@127.0.0.1',
    'ana@[127.0.0.1]',
    'ana@example.o',
    'ana@@example.org',
    '@example.org',
    'ana@',
    'ана@example.org',
    '=1+1@example.org;',
    'ana@exam_ple.org',
    `${'a'.repeat(250)}@x.org`,
  ];

  test('normal addresses are accepted: + tags, subdomains, IDN domains in Unicode or punycode', () => {
    for (const email of accepted) assert.equal(refusal(Form, { email }), null, `accepts ${email}`);
  });

  test('addresses that read as several, as a formula, or with quotes, spaces, bad dots or dashes are refused', () => {
    for (const email of refusedAddresses) {
      const error = refusal(Form, { email });
      assert.ok(error, `refuses ${JSON.stringify(email)}`);
      assert.match(error.fields.email!, /e-mail/i);
    }
  });
});

describe('unique name keys', () => {
  test('names that look the same have the same key', () => {
    const same = ['CS-101', 'cs-101', 'ＣＳ-１０１', 'ＣＳ－101', 'CS\u2010101', 'CS\u2013101', 'CS\u2212101', ' CS-101 ', 'CS-101\u200b', '\u200dCS-101', 'CS\u00ad-101'];
    for (const name of same) assert.equal(uniqueNameKey(name), uniqueNameKey('CS-101'), JSON.stringify(name));
    assert.equal(uniqueNameKey('Šarić 1'), uniqueNameKey('S\u030Caric\u0301 1'.normalize('NFD')), 'NFD and NFC');
    assert.equal(uniqueNameKey('Straße'), uniqueNameKey('STRASSE'), 'case folded in full');
    assert.equal(uniqueNameKey('Math  Group'), uniqueNameKey('math\u00a0group'), 'white space runs as one space');
  });

  test('names that differ have different keys', () => {
    const distinct = ['CS-101', 'CS-102', 'CS 101', 'CS101', 'ĆS-101', 'Šarić', 'Saric'];
    assert.equal(new Set(distinct.map(uniqueNameKey)).size, distinct.length);
  });
});
