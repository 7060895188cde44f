// The sheets an import hands out: the template to fill in (with a notes sheet describing every
// column) and the credentials sheet with the new accounts' one-time passwords.
import type { Writable } from 'node:stream';
import type { ServiceContext } from '../../context.js';
import type { ImportKind } from '../../db/schema.js';
import { writeXlsx } from '../../lib/spreadsheets.js';
import type { Credential } from './credentials.js';
import { adapterFor, authorizeKind } from './kinds/index.js';
import { IMPORT_MAX_ROWS } from './plan.js';

/** The template: the data sheet (headers and one example row) and a notes sheet. Ends `stream`. */
export async function writeImportTemplate(ctx: ServiceContext, kind: ImportKind, stream: Writable): Promise<void> {
  const adapter = authorizeKind(ctx, kind);
  const columns = adapter.columns.map((c) => ({ header: adapter.columnLabel(c.field), key: c.field, width: Math.max(14, adapter.columnLabel(c.field).length + 4) }));
  const notes = [
    ...adapter.columns.map((c) => ({
      column: adapter.columnLabel(c.field),
      required: c.required ? 'yes' : 'no',
      aliases: (c.aliases ?? []).join(', '),
      what: adapter.notes[c.field] ?? '',
    })),
    { column: '', required: '', aliases: '', what: '' },
    { column: 'Matching', required: '', aliases: '', what: adapter.matching },
    { column: 'Headers', required: '', aliases: '', what: 'Column headers may be in any order; case, spaces, underscores and hyphens do not matter ("Birth date" = birth_date = BirthDate). Other columns are ignored.' },
    { column: 'Empty cells', required: '', aliases: '', what: 'An empty cell in an optional column clears that field of an existing record. Leave the whole column out to keep the field as it is.' },
    { column: 'Sheets', required: '', aliases: '', what: 'Only the first sheet is read; delete the example row. CSV (UTF-8, comma or semicolon) works too.' },
    { column: 'Limits', required: '', aliases: '', what: `At most ${IMPORT_MAX_ROWS.toLocaleString('en')} rows per file. Nothing is written until you confirm the dry run, and then every row or none.` },
  ];
  await writeXlsx(stream, [
    { name: adapter.title, columns, rows: [adapter.example] },
    {
      name: 'Notes',
      columns: [
        { header: 'Column', key: 'column', width: 18 },
        { header: 'Required', key: 'required', width: 10 },
        { header: 'Also accepted as', key: 'aliases', width: 36 },
        { header: 'What to write', key: 'what', width: 100 },
      ],
      rows: notes,
    },
  ]);
}

/** The credentials sheet for the new accounts. Ends `stream`. */
export async function writeCredentialsSheet(stream: Writable, kind: ImportKind, credentials: readonly Credential[]): Promise<void> {
  await writeXlsx(stream, [
    {
      name: 'Accounts',
      columns: [
        { header: 'Name', key: 'name', width: 30 },
        { header: adapterFor(kind).keyHeader, key: 'key', width: 28 },
        { header: 'Username', key: 'username', width: 24 },
        { header: 'One-time password', key: 'oneTimePassword', width: 24 },
        { header: 'Row in the import', key: 'row', width: 18 },
      ],
      rows: credentials,
    },
    {
      name: 'Read me',
      columns: [{ header: 'Read me', key: 'line', width: 110 }],
      rows: [
        { line: 'Each one-time password works for its account until its owner signs in; they must then choose their own password.' },
        { line: 'Give each person only their own line, and delete this file once the passwords are handed out: FMS cannot show them again.' },
        { line: 'A lost one-time password is replaced on the Accounts page (Reset password).' },
      ],
    },
  ]);
}
