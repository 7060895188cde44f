// The lecturer picker with 3,000 lecturers (issue 12: the forms where an admin chooses a subject's
// lecturers): GET /lecturers/choices answers a few suggestions for what is typed, never every
// lecturer; a typed label, e-mail or unique full name names one lecturer, and text that names none
// is answered with the closest, line by line for a field of lecturers.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Forbidden } from '../../lib/errors.js';
import { Browser } from '../../../test/http.js';
import { testDatabases } from '../../../test/services.js';
import { createGroup, createLecturer, createStudent } from '../../../test/factories.js';
import { pagesApp, signInAsNew } from '../../../test/people/page-helpers.js';
import { lecturerChoices, lecturerChoicesById, lecturerNamed, lecturersNamed, LECTURER_LINES_MAX, searchColumnsOfLecturer, type LecturerLookup } from './service.js';

const LECTURERS = 3_000;

interface Person {
  lastName: string;
  firstName: string;
  email: string | null;
  archived?: boolean;
}

/** The lecturers the tests type, among 2,985 numbered ones who share the first name Lena. */
const special: Person[] = [
  { lastName: 'Horvat', firstName: 'Ivan', email: 'ivan.horvat@example.edu' },
  { lastName: 'Horvat', firstName: 'Ana', email: 'ana.horvat@example.edu' },
  { lastName: 'Kovač', firstName: 'Marko', email: 'marko.kovac@example.edu' },
  { lastName: 'Kovač', firstName: 'Marko', email: 'm.kovac@example.edu' },
  { lastName: 'Šarić', firstName: 'Đurđa', email: 'durda.saric@example.edu' },
  { lastName: 'Oldman', firstName: 'Otto', email: 'otto.oldman@example.edu', archived: true },
  { lastName: 'Noemail', firstName: 'Nina', email: null },
  { lastName: '"><script>alert(1)</script>', firstName: 'Xena', email: 'xss@example.edu' },
];
const numbered: Person[] = Array.from({ length: LECTURERS - special.length }, (_, i) => {
  const n = String(i + 1).padStart(4, '0');
  return { lastName: `Lecturer${n}`, firstName: 'Lena', email: `lecturer${n}@example.org` };
});

async function departmentWith3000Lecturers(t: Parameters<typeof pagesApp>[0], database: Parameters<typeof pagesApp>[1]) {
  const built = await pagesApp(t, database);
  const now = new Date();
  const rows = [...numbered, ...special].map((p) => {
    const record = { lastName: p.lastName, firstName: p.firstName, patronymic: '', email: p.email, phone: null, address: null, academicDegree: 'PhD', position: '' };
    return { ...record, ...searchColumnsOfLecturer(record), isAdmin: false, photoFileId: null, archived: p.archived ?? false, createdAt: now, updatedAt: now };
  });
  for (let i = 0; i < rows.length; i += 500) await built.db.insertInto('lecturers').values(rows.slice(i, i + 500)).execute();
  const all = await built.db.selectFrom('lecturers').select(['id', 'lastName', 'firstName', 'email']).execute();
  assert.equal(all.length, LECTURERS);
  const idOf = (email: string | null, lastName?: string) => all.find((l) => l.email === email && (lastName === undefined || l.lastName === lastName))!.id;
  return { ...built, idOf };
}

const IVAN = 'Horvat Ivan <ivan.horvat@example.edu>';
const ANA = 'Horvat Ana <ana.horvat@example.edu>';
const MARKO = 'Kovač Marko <marko.kovac@example.edu>';
const M_KOVAC = 'Kovač Marko <m.kovac@example.edu>';
const DURDA = 'Šarić Đurđa <durda.saric@example.edu>';
const OTTO = 'Oldman Otto <otto.oldman@example.edu>';
/** A name that would end the attribute it is written in, were it not escaped. */
const XENA = '"><script>alert(1)</script> Xena <xss@example.edu>';

const labelsOf = (lookup: LecturerLookup) => lookup.matches.map((m) => m.label);

for (const database of await testDatabases()) {
  describe(`lecturer picker with ${LECTURERS} lecturers on ${database}`, () => {
    test('GET /lecturers/choices: at most 20 active lecturers whose name or e-mail holds the text, as labels, by name; admins only', async (t) => {
      const { app, admin, system, idOf } = await departmentWith3000Lecturers(t, database);
      const options = async (browser: Browser, query: string) => {
        const reply = await browser.get(`/lecturers/choices?${query}`, { 'hx-request': 'true' });
        assert.equal(reply.statusCode, 200, reply.body.slice(0, 500));
        assert.equal(reply.headers['cache-control'], 'no-store');
        assert.match(String(reply.headers['content-type']), /^text\/html/);
        return [...reply.body.matchAll(/<option value="([^"]*)"><\/option>/g)].map((m) => m[1]!.replaceAll('&#34;', '"'));
      };
      const first = await options(admin, 'q=');
      assert.equal(first.length, 20, 'nothing typed: the first 20 by name');
      // Where '"><script>…' sorts depends on PostgreSQL's collation (punctuation may be ignored), so it is left out here.
      const lettered = first.filter((label) => label !== XENA);
      assert.deepEqual(lettered.slice(0, 5), [ANA, IVAN, MARKO, M_KOVAC, 'Lecturer0001 Lena <lecturer0001@example.org>'], 'surname first; namesakes in the order they were added');
      assert.deepEqual(await options(admin, 'q=horvat'), [ANA, IVAN], 'by surname, in any case');
      assert.deepEqual(await options(admin, 'q=Ivan'), [IVAN], 'by first name');
      assert.deepEqual(await options(admin, 'q=ana.horvat'), [ANA], 'by a part of the e-mail');
      assert.deepEqual(await options(admin, 'q=%C4%91ur%C4%91a'), [DURDA], 'accents aside: "đurđa"');
      assert.deepEqual(await options(admin, 'q=saric%20durda'), [DURDA], 'every word, without accents');
      assert.deepEqual(await options(admin, `q=${encodeURIComponent(IVAN)}`), [IVAN], 'a chosen label finds its lecturer');
      assert.equal((await options(admin, 'q=lena')).length, 20, '2,992 hold "lena": 20 are offered');
      assert.deepEqual((await options(admin, 'q=lecturer29')).slice(0, 2), ['Lecturer2900 Lena <lecturer2900@example.org>', 'Lecturer2901 Lena <lecturer2901@example.org>']);
      assert.deepEqual(await options(admin, 'q=oldman'), [], 'archived lecturers are not offered');
      assert.deepEqual(await options(admin, 'q=noemail'), [`Noemail Nina #${idOf(null)}`], 'without an e-mail: the record number');
      assert.deepEqual(await options(admin, 'lecturerName=horvat'), [ANA, IVAN], 'a "type to add" input sends lecturerName');
      assert.deepEqual(await options(admin, 'q=100%25'), [], 'LIKE wildcards are text');
      assert.deepEqual(
        (await lecturerChoices(system, 'example.edu')).map((c) => c.label).sort(),
        [ANA, IVAN, MARKO, M_KOVAC, DURDA, XENA].sort(),
        'the service answers the same, the archived lecturer left out',
      );

      const made = await createLecturer(system, { lastName: 'Teacher' });
      const teacher = await signInAsNew(app, made.account.username, made.account.oneTimePassword);
      assert.equal((await teacher.get('/lecturers/choices?q=horvat')).statusCode, 403, 'a lecturer does not choose lecturers');
      const pupil = await createStudent(system, { groupId: (await createGroup(system)).id });
      const learner = await signInAsNew(app, pupil.account.username, pupil.account.oneTimePassword);
      assert.equal((await learner.get('/lecturers/choices?q=horvat')).statusCode, 403);
      assert.equal((await new Browser(app).get('/lecturers/choices?q=horvat')).statusCode, 303, 'signed out: to the sign-in page');
      assert.equal((await admin.get('/lecturers/choices?q=a&q=b')).statusCode, 422, 'one text');
      const long = await admin.get(`/lecturers/choices?q=${'x'.repeat(501)}`);
      assert.equal(long.statusCode, 422, 'at most 500 characters');
      assert.match(long.body, /Type at most 500 characters of the lecturer&#39;s name or e-mail\./);
      assert.equal((await admin.get('/lecturers/choices?q=a%00')).statusCode, 422, 'a NUL is refused, not sent to the database');
    });

    test("the fragment escapes a lecturer's name: a name that would close the option's attribute and open a script stays its value", async (t) => {
      const { admin } = await departmentWith3000Lecturers(t, database);
      const reply = await admin.get('/lecturers/choices?q=script', { 'hx-request': 'true' });
      assert.equal(reply.statusCode, 200);
      // Inside a quoted attribute only the quote ends the value, so escaping it keeps "<script>" text.
      assert.equal(reply.body, '<option value="&#34;><script>alert(1)</script> Xena <xss@example.edu>"></option>');
    });

    test('lecturerNamed: a label, a bare e-mail or a unique full name names the lecturer; a shared name, a wrong or unknown one is answered with matches', async (t) => {
      const { system, idOf } = await departmentWith3000Lecturers(t, database);
      const named = async (text: string) => {
        const lookup = await lecturerNamed(system, text);
        assert.ok(lookup.lecturer, `"${text}" names a lecturer: ${JSON.stringify(lookup)}`);
        return lookup.lecturer;
      };
      const ivan = { id: idOf('ivan.horvat@example.edu'), label: IVAN, archived: false };
      assert.deepEqual(await named(IVAN), ivan, 'the label');
      assert.deepEqual(await named('  horvat ivan <IVAN.Horvat@Example.edu> '), ivan, 'the label in any case, spaces aside');
      assert.deepEqual(await named('ivan.horvat@example.edu'), ivan, 'a bare e-mail');
      assert.deepEqual(await named('<ivan.horvat@example.edu>'), ivan, 'an e-mail in brackets');
      assert.deepEqual(await named('Horvat Ivan'), ivan, 'the full name one active lecturer has');
      assert.deepEqual(await named('ivan horvat'), ivan, 'first name first, in lower case');
      assert.equal((await named('Saric Durda')).label, DURDA, 'accents aside');
      assert.deepEqual(await named(`Noemail Nina #${idOf(null)}`), { id: idOf(null), label: `Noemail Nina #${idOf(null)}`, archived: false }, 'a label without an e-mail');
      assert.deepEqual(await named(OTTO), { id: idOf('otto.oldman@example.edu'), label: OTTO, archived: true }, 'an archived lecturer by e-mail (the form decides)');

      const shared = await lecturerNamed(system, 'kovac marko');
      assert.equal(shared.lecturer, null);
      assert.deepEqual(shared, { lecturer: null, matches: shared.matches, ambiguous: true });
      assert.deepEqual(labelsOf(shared).sort(), [M_KOVAC, MARKO].sort(), 'a name two active lecturers share names neither: both are offered');

      const part = await lecturerNamed(system, 'Horvat');
      assert.deepEqual([part.lecturer, labelsOf(part), 'ambiguous' in part && part.ambiguous], [null, [ANA, IVAN], false], 'a surname alone: the lecturers holding it');
      assert.deepEqual(labelsOf(await lecturerNamed(system, 'Horvat Ivna')), [ANA, IVAN], 'a misspelt name: the lecturers holding its words');
      assert.deepEqual(
        labelsOf(await lecturerNamed(system, 'ivan.horvat@exmple.edu')),
        [IVAN, ANA, XENA, MARKO, M_KOVAC, DURDA],
        'a misspelt e-mail: the lecturers holding the most of its words (ivan, horvat, edu) first, then by name',
      );
      assert.deepEqual(labelsOf(await lecturerNamed(system, 'Horvat Ivan <old@example.edu>')), [IVAN], 'an e-mail nobody has: the lecturers of the name beside it');
      const wrongName = await lecturerNamed(system, 'Smith John <ivan.horvat@example.edu>');
      assert.equal(wrongName.lecturer, null, "an e-mail beside someone else's name names nobody");
      assert.equal(labelsOf(wrongName)[0], IVAN, "the e-mail's owner is offered first");
      assert.deepEqual(await lecturerNamed(system, 'zzz'), { lecturer: null, matches: [], ambiguous: false });
      assert.deepEqual(labelsOf(await lecturerNamed(system, 'Oldman Otto')), [], 'an archived name is no active lecturer');
      assert.deepEqual(await lecturerNamed(system, '   '), { lecturer: null, matches: [], ambiguous: false });
      assert.ok((await lecturerNamed(system, 'lena')).matches.length <= 10, 'at most 10 matches');

      assert.deepEqual(
        (await lecturerChoicesById(system, [idOf('otto.oldman@example.edu'), ivan.id, ivan.id])).map((c) => c.label),
        [IVAN, OTTO],
        'a form shows the chosen lecturers by label, archived ones too, by name',
      );
      const made = await createLecturer(system, { lastName: 'Teacher' });
      const asLecturer = { ...system, actor: { ...system.actor!, role: 'lecturer' as const, isAdmin: false, lecturerId: made.lecturer.id, userId: 99_999 } };
      await assert.rejects(lecturerNamed(asLecturer, IVAN), Forbidden);
      await assert.rejects(lecturerChoices(asLecturer, 'horvat'), Forbidden);
      await assert.rejects(lecturersNamed(asLecturer, [IVAN]), Forbidden);
    });

    test('lecturersNamed: one lecturer a line, each once; every line that names nobody, several or an archived lecturer is named with its matches', async (t) => {
      const { system, idOf } = await departmentWith3000Lecturers(t, database);
      const ivan = idOf('ivan.horvat@example.edu');
      const ana = idOf('ana.horvat@example.edu');
      const otto = idOf('otto.oldman@example.edu');
      const lines = [IVAN, '', 'Horvat', 'ana.horvat@example.edu', 'horvat ivan', OTTO, 'Kovač Marko', 'zzz'];
      const read = await lecturersNamed(system, lines);
      assert.deepEqual(read.ids, [ivan, ana], 'in the order given, each once');
      assert.deepEqual(read.errors, [
        `Line 3: no lecturer is named "Horvat". Did you mean ${ANA} or ${IVAN}?`,
        `Line 6: ${OTTO} is archived; choose an active lecturer.`,
        `Line 7: "Kovač Marko" is the name of more than one lecturer; choose one by e-mail: ${MARKO} or ${M_KOVAC}.`,
        `Line 8: no lecturer is named "zzz", and no lecturer's name or e-mail holds it or any of its words: check the spelling, or find the lecturer on the Lecturers page.`,
      ]);

      const kept = await lecturersNamed(system, [OTTO, IVAN], { keep: [otto] });
      assert.deepEqual(kept, { ids: [otto, ivan], errors: [] }, 'an archived lecturer already chosen may stay');
      assert.deepEqual(await lecturersNamed(system, ['', '  ']), { ids: [], errors: [] }, 'no lines: nobody');

      const nul = await lecturersNamed(system, [IVAN, 'Horvat\u0000']);
      assert.deepEqual(nul.ids, [ivan]);
      assert.equal(nul.errors.length, 1);
      assert.match(nul.errors[0]!, /^Line 2: The lecturer contains/, 'a NUL is refused, naming the line, not sent to the database');
      const many = await lecturersNamed(system, Array.from({ length: LECTURER_LINES_MAX + 1 }, () => IVAN));
      assert.deepEqual(many, { ids: [], errors: [`Give at most ${LECTURER_LINES_MAX} lecturers, one a line (${LECTURER_LINES_MAX + 1} lines were given).`] });
    });
  });
}
