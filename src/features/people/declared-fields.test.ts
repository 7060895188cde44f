// What lib/record-fields.ts's derivations assume of the students' and lecturers' declarations:
// every import column explained in the template, no header claimed by two columns (the import
// would refuse every file), and every stored field a column of the kind's table (the select list
// is derived from the declaration, so a field without its migration breaks every list page).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { buildTestApp } from '../../../test/build-test-app.js';
import { testDatabases } from '../../../test/services.js';
import { importColumns, importTemplate, storedColumns, type RecordFields } from '../../lib/record-fields.js';
import { mapHeaders } from '../../lib/spreadsheets.js';
import { lecturerFields } from '../lecturers/fields.js';
import { studentFields } from '../students/fields.js';

for (const [kind, fields] of [
  ['students', studentFields],
  ['lecturers', lecturerFields],
] as const) {
  describe(`the ${kind}' declared fields`, async () => {
    test('every imported field tells the template what to write in it', () => {
      for (const [name, f] of Object.entries(fields as RecordFields)) {
        if (f.import) assert.notEqual(f.import.note.trim(), '', `${name} has an import column without a note`);
      }
    });

    test('no header is claimed by two import columns, and the template headers each find their column', () => {
      const columns = importColumns(fields);
      const { labels } = importTemplate(fields);
      // mapHeaders throws when two columns share a name or alias.
      const mapping = mapHeaders(
        columns.map((c) => labels[c.field]!),
        columns,
      );
      assert.deepEqual(mapping.unknown, []);
      assert.deepEqual(mapping.duplicates, []);
      assert.deepEqual(mapping.missing, []);
      assert.deepEqual([...mapping.headerByField.keys()], columns.map((c) => c.field));
    });

    test('docs/imports.md documents every import column, with its required flag, under the kind', async () => {
      const docs = await readFile(new URL('../../../docs/imports.md', import.meta.url), 'utf8');
      const heading = kind === 'students' ? '### Student columns' : '### Lecturer columns';
      const section = docs.slice(docs.indexOf(heading), docs.indexOf('\n### ', docs.indexOf(heading) + heading.length));
      assert.ok(section.length > heading.length, `docs/imports.md has a "${heading}" section`);
      const { labels } = importTemplate(fields);
      for (const column of importColumns(fields)) {
        const row = new RegExp(`^\\| ${labels[column.field]} \\| ${column.required ? 'yes' : 'no'} \\|`, 'm');
        assert.match(section, row, `docs/imports.md "${heading}" lists the ${labels[column.field]} column (required: ${column.required ? 'yes' : 'no'})`);
      }
    });

    for (const database of await testDatabases()) {
      test(`every stored field is a column of the ${kind} table (${database})`, async (t) => {
        const { db } = await buildTestApp(t, { database });
        const select = () =>
          kind === 'students'
            ? db.selectFrom('students').select(storedColumns(studentFields, 'students')).limit(1).execute()
            : db.selectFrom('lecturers').select(storedColumns(lecturerFields, 'lecturers')).limit(1).execute();
        await assert.doesNotReject(select());
      });
    }
  });
}
