import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { PassThrough, Writable } from 'node:stream';
import { describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import { buildZip, deflatedZeros, WORKBOOK_PARTS } from '../../test/fixtures/spreadsheets/build-zip.js';
import { Invalid } from './errors.js';
import {
  cellText,
  columnLetter,
  mapHeaders,
  neutraliseCell,
  normaliseHeader,
  readSheetRows,
  rowFields,
  SpreadsheetRefused,
  StreamAbandoned,
  writeCsv,
  writeXlsx,
  type ReadSheetOptions,
  type RefusalReason,
  type SheetInput,
} from './spreadsheets.js';

const options: ReadSheetOptions = { maxRows: 100 };

async function xlsx(build: (workbook: ExcelJS.Workbook) => void): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  build(workbook);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

function file(bytes: Buffer | string, filename = 'people.xlsx'): SheetInput {
  return { bytes: Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes, 'utf8'), filename };
}

/** The refusal readSheetRows throws for this file (fails the test when it reads it). */
async function refusal(input: SheetInput, reason: RefusalReason, opts: ReadSheetOptions = options): Promise<SpreadsheetRefused> {
  try {
    await readSheetRows(input, opts);
  } catch (error) {
    assert.ok(error instanceof SpreadsheetRefused, `expected SpreadsheetRefused, got ${String(error)}`);
    assert.equal(error.reason, reason, error.message);
    assert.ok(error instanceof Invalid, 'an Invalid, so the error handler answers 422 with the message');
    assert.equal(error.statusCode, 422);
    assert.equal(error.fields.file, error.message, 'the message is under the file field');
    return error;
  }
  assert.fail(`readSheetRows read a file it should have refused (${reason})`);
}

/**
 * What `promise` settles to within `turns` turns of the event loop, or 'still waiting'. Turns, not
 * milliseconds: a slow machine takes as many turns as a fast one.
 */
async function settledWithin(promise: Promise<unknown>, turns: number): Promise<unknown> {
  const pending = Symbol('pending');
  let result: unknown = pending;
  void promise.then((value) => (result = value));
  for (let turn = 0; turn < turns && result === pending; turn++) await new Promise((resolve) => setImmediate(resolve));
  return result === pending ? 'still waiting' : result;
}

/** Everything written into a stream, once it ends. */
function collector(): { stream: Writable; bytes: () => Buffer } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
  });
  return { stream, bytes: () => Buffer.concat(chunks) };
}

describe('readSheetRows: xlsx', () => {
  test('reads the first sheet: headers, trimmed text, row numbers as the sheet shows them', async () => {
    const bytes = await xlsx((wb) => {
      const sheet = wb.addWorksheet('Students');
      sheet.addRow(['First name', ' Last name ', 'Email']);
      sheet.addRow(['  Ana ', 'Kovač', 'ana@example.edu']);
      sheet.addRow([]);
      sheet.addRow(['Bo', 'Li', '']);
      wb.addWorksheet('Notes').addRow(['not data']);
    });
    const sheet = await readSheetRows(file(bytes), options);
    assert.equal(sheet.format, 'xlsx');
    assert.deepEqual(sheet.headers, ['First name', 'Last name', 'Email']);
    assert.deepEqual(sheet.rows, [
      { rowNumber: 2, cells: { 'First name': 'Ana', 'Last name': 'Kovač', Email: 'ana@example.edu' } },
      { rowNumber: 4, cells: { 'First name': 'Bo', 'Last name': 'Li', Email: '' } },
    ]);
  });

  test('numbers stay exact text: student numbers, no float noise, padded formats kept', async () => {
    const bytes = await xlsx((wb) => {
      const sheet = wb.addWorksheet('S');
      sheet.addRow(['id', 'sum', 'half', 'big', 'padded', 'negative']);
      sheet.addRow([2024001, 0.1 + 0.2, 1.5, 380501234567, 123, -7]);
      sheet.getCell('E2').numFmt = '000000';
    });
    const { rows } = await readSheetRows(file(bytes), options);
    assert.deepEqual(rows[0]!.cells, { id: '2024001', sum: '0.3', half: '1.5', big: '380501234567', padded: '000123', negative: '-7' });
  });

  test('dates become YYYY-MM-DD; a time of day is kept after it', async () => {
    const bytes = await xlsx((wb) => {
      const sheet = wb.addWorksheet('S');
      sheet.addRow(['birth date', 'at']);
      sheet.addRow([new Date(Date.UTC(2001, 1, 3)), new Date(Date.UTC(2026, 0, 15, 9, 30))]);
      sheet.getCell('A2').numFmt = 'dd.mm.yyyy';
      sheet.getCell('B2').numFmt = 'dd.mm.yyyy hh:mm';
    });
    const { rows } = await readSheetRows(file(bytes), options);
    assert.deepEqual(rows[0]!.cells, { 'birth date': '2001-02-03', at: '2026-01-15 09:30' });
  });

  test('rich text, hyperlinks, formulas (their result), booleans and errors become plain text', async () => {
    const bytes = await xlsx((wb) => {
      const sheet = wb.addWorksheet('S');
      sheet.addRow(['rich', 'link', 'formula', 'no result', 'flag', 'error']);
      sheet.addRow([
        { richText: [{ text: ' Ana ', font: { bold: true } }, { text: 'Marija' }] },
        { text: 'ana@example.edu', hyperlink: 'mailto:ana@example.edu' },
        { formula: 'A1&"x"', result: 'Group 1' },
        { formula: 'NOW()' },
        true,
        { error: '#N/A' },
      ]);
    });
    const { rows } = await readSheetRows(file(bytes), options);
    assert.deepEqual(rows[0]!.cells, {
      rich: 'Ana Marija',
      link: 'ana@example.edu',
      formula: 'Group 1',
      'no result': '',
      flag: 'true',
      error: '#N/A',
    });
  });

  test('the header is the first row with values; hidden sheets and columns without a header are skipped', async () => {
    const bytes = await xlsx((wb) => {
      wb.addWorksheet('Hidden', { state: 'hidden' }).addRow(['secret']);
      const sheet = wb.addWorksheet('Data');
      sheet.getCell('B3').value = 'email';
      sheet.getCell('C3').value = 'group';
      sheet.getCell('B4').value = 'a@example.edu';
      sheet.getCell('C4').value = 'G1';
      sheet.getCell('E4').value = 'a note beside the table';
    });
    const sheet = await readSheetRows(file(bytes), options);
    assert.deepEqual(sheet.headers, ['email', 'group']);
    assert.deepEqual(sheet.rows, [{ rowNumber: 4, cells: { email: 'a@example.edu', group: 'G1' } }]);
  });

  test('a workbook whose sheet is empty has no header row', async () => {
    const bytes = await xlsx((wb) => void wb.addWorksheet('Empty'));
    const error = await refusal(file(bytes), 'no_header');
    assert.match(error.message, /no header row; put the column names/);
  });

  test('a header row without data rows is refused', async () => {
    const bytes = await xlsx((wb) => wb.addWorksheet('S').addRow(['email', 'group']));
    assert.match((await refusal(file(bytes), 'no_rows')).message, /no data rows/);
  });

  test('more rows than the limit are refused, naming the limit', async () => {
    const bytes = await xlsx((wb) => {
      const sheet = wb.addWorksheet('S');
      sheet.addRow(['email']);
      for (let i = 0; i < 6; i++) sheet.addRow([`p${i}@example.edu`]);
    });
    assert.equal((await readSheetRows(file(bytes), { maxRows: 6 })).rows.length, 6, 'exactly the limit is fine');
    const error = await refusal(file(bytes), 'too_many_rows', { maxRows: 5 });
    assert.match(error.message, /more than 5 rows; split it into files of at most 5 rows/);
  });

  test('cells are counted before parsing, across every sheet, and too many are refused', async () => {
    const bytes = await xlsx((wb) => {
      const sheet = wb.addWorksheet('S');
      sheet.addRow(['a', 'b', 'c', 'd', 'e']);
      for (let i = 0; i < 2_000; i++) sheet.addRow([i, `text ${i}`, true, new Date(Date.UTC(2000, 0, 1)), 'x'.repeat(20)]);
      wb.addWorksheet('Other', { state: 'hidden' }).addRow([1, 2, 3]);
    });
    const error = await refusal(file(bytes), 'too_large', { maxRows: 5_000, maxCells: 10_000 });
    assert.match(error.message, /holds 10,008 cells, more than the 10,000/);
    assert.equal((await readSheetRows(file(bytes), { maxRows: 5_000, maxCells: 10_008 })).rows.length, 2_000);
  });

  test('the same header twice is refused, naming both columns', async () => {
    const bytes = await xlsx((wb) => {
      const sheet = wb.addWorksheet('S');
      sheet.addRow(['Email', 'Name', 'Email']);
      sheet.addRow(['a', 'b', 'c']);
    });
    assert.match((await refusal(file(bytes), 'duplicate_header')).message, /"Email" twice \(column A and column C\)/);
  });

  test('too many columns are refused', async () => {
    const bytes = await xlsx((wb) => {
      const sheet = wb.addWorksheet('S');
      sheet.addRow(Array.from({ length: 12 }, (_, i) => `c${i}`));
      sheet.addRow(['x']);
    });
    assert.match((await refusal(file(bytes), 'too_many_columns', { maxRows: 10, maxColumns: 10 })).message, /12 columns, more than 10/);
  });

  test('the format is read from the content, not the name', async () => {
    const bytes = await xlsx((wb) => {
      const sheet = wb.addWorksheet('S');
      sheet.addRow(['email']);
      sheet.addRow(['a@example.edu']);
    });
    const sheet = await readSheetRows({ bytes, filename: 'people.csv', contentType: 'text/csv' }, options);
    assert.equal(sheet.format, 'xlsx');
    assert.deepEqual(sheet.rows[0]!.cells, { email: 'a@example.edu' });
  });
});

describe('readSheetRows: refused files', () => {
  test('an empty file', async () => {
    assert.match((await refusal(file(Buffer.alloc(0)), 'empty')).message, /The file is empty/);
  });

  test('a CFB (OLE2) file: password-protected xlsx or old .xls', async () => {
    const cfb = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)]);
    const error = await refusal(file(cfb, 'secret.xlsx'), 'encrypted');
    assert.equal(
      error.message,
      'This file is password-protected or in the old .xls format; save it as an unprotected .xlsx or as .csv.',
    );
  });

  test('binary garbage', async () => {
    // Starts with neither zip nor CFB magic; random bytes are never valid UTF-8 text at this length.
    const garbage = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), randomBytes(4096)]);
    assert.match((await refusal(file(garbage, 'people.csv'), 'malformed')).message, /neither an \.xlsx workbook nor CSV text/);
  });

  test('text with NUL bytes is not CSV', async () => {
    assert.equal((await refusal(file(Buffer.from('email\u0000\u0000\nx\u0000', 'utf8'), 'a.csv'), 'malformed')).reason, 'malformed');
  });

  test('a CSV in a legacy code page is refused, naming "CSV UTF-8"', async () => {
    const latin1 = Buffer.from('name;city\r\nJosé;Málaga\r\n', 'latin1');
    assert.match((await refusal(file(latin1, 'a.csv'), 'encoding')).message, /CSV UTF-8/);
  });

  test('a truncated xlsx is damaged', async () => {
    const bytes = await xlsx((wb) => wb.addWorksheet('S').addRow(['email']));
    assert.match((await refusal(file(bytes.subarray(0, Math.floor(bytes.length / 2))), 'malformed')).message, /damaged/);
  });

  test('a zip that is not a workbook says what it is', async () => {
    const docx = buildZip([{ name: '[Content_Types].xml', data: '<Types/>' }, { name: 'word/document.xml', data: '<document/>' }]);
    assert.match((await refusal(file(docx), 'not_spreadsheet')).message, /a Word document \(\.docx\), not an \.xlsx workbook/);
    assert.match((await refusal(file(buildZip([{ name: 'a.txt', data: 'hi' }])), 'not_spreadsheet')).message, /a zip archive/);
  });

  test('a zip with an encrypted entry is password-protected', async () => {
    const zip = buildZip([...WORKBOOK_PARTS, { name: 'xl/worksheets/sheet1.xml', data: 'x', encrypted: true }]);
    assert.match((await refusal(file(zip), 'encrypted')).message, /password-protected/);
  });

  test('a zip bomb with honest sizes is refused before anything is inflated: 200 MB of zeros', async () => {
    const zeros = deflatedZeros(200 * 1024 * 1024);
    assert.ok(zeros.bytes.length < 1024 * 1024, `the bomb itself is small (${zeros.bytes.length} bytes)`);
    const zip = buildZip([...WORKBOOK_PARTS, { name: 'xl/worksheets/sheet1.xml', deflated: zeros }]);
    const error = await refusal(file(zip), 'too_large');
    assert.match(error.message, /unpacks to more than 100 MB/);
  });

  test('an entry compressed beyond any real sheet is refused by its ratio even under the size limit', async () => {
    const zip = buildZip([...WORKBOOK_PARTS, { name: 'xl/worksheets/sheet1.xml', deflated: deflatedZeros(20 * 1024 * 1024) }]);
    const error = await refusal(file(zip), 'zip_bomb');
    assert.match(error.message, /compressed \d+ to 1/);
  });

  test('a zip bomb that understates its size is stopped while inflating', async () => {
    const zeros = deflatedZeros(200 * 1024 * 1024);
    const zip = buildZip([...WORKBOOK_PARTS, { name: 'xl/worksheets/sheet1.xml', deflated: zeros, declaredSize: 1000 }]);
    const before = process.memoryUsage().rss;
    const error = await refusal(file(zip), 'zip_bomb');
    assert.match(error.message, /unpacks to more than it declares/);
    assert.ok(process.memoryUsage().rss - before < 150 * 1024 * 1024, 'the 200 MB were never held in memory');
  });

  test('the total declared size counts across entries', async () => {
    const entries = Array.from({ length: 4 }, (_, i) => ({ name: `xl/media/image${i}.bin`, data: randomBytes(300 * 1024) }));
    const zip = buildZip([...WORKBOOK_PARTS, ...entries]);
    const error = await refusal(file(zip), 'too_large', { maxRows: 10, zip: { maxUncompressedBytes: 1024 * 1024 } });
    assert.match(error.message, /more than 1 MB/);
  });

  test('more entries than a workbook needs are refused', async () => {
    const entries = Array.from({ length: 2_001 }, (_, i) => ({ name: `xl/part${i}.xml`, data: 'x', store: true }));
    const error = await refusal(file(buildZip([...WORKBOOK_PARTS, ...entries])), 'zip_bomb');
    assert.match(error.message, /2003 parts, more than the 2000/);
  });

  test('a damaged entry is refused as damaged', async () => {
    const zip = buildZip([
      ...WORKBOOK_PARTS,
      { name: 'xl/worksheets/sheet1.xml', deflated: { bytes: randomBytes(2000), uncompressedSize: 5000, crc32: 0 } },
    ]);
    assert.match((await refusal(file(zip), 'malformed')).message, /damaged; open it in your spreadsheet program/);
  });
});

describe('readSheetRows: CSV', () => {
  test('UTF-8 with a BOM, semicolons, quotes, doubled quotes, line breaks inside quotes, CRLF', async () => {
    const text = '\uFEFFFirst name;Last name;Note\r\n"Ana";"Kovač; Jr.";"said ""hi""\r\non two lines"\r\nBo;Li;\r\n';
    const sheet = await readSheetRows(file(text, 'a.csv'), options);
    assert.equal(sheet.format, 'csv');
    assert.deepEqual(sheet.headers, ['First name', 'Last name', 'Note']);
    assert.deepEqual(sheet.rows, [
      { rowNumber: 2, cells: { 'First name': 'Ana', 'Last name': 'Kovač; Jr.', Note: 'said "hi"\r\non two lines' } },
      { rowNumber: 3, cells: { 'First name': 'Bo', 'Last name': 'Li', Note: '' } },
    ]);
  });

  test('commas, LF line ends, no BOM, short rows, blank lines skipped but counted', async () => {
    const sheet = await readSheetRows(file('\nemail,group,phone\na@x.edu,"G, 1"\n\n  b@x.edu , G2 ,+380\n', 'a.csv'), options);
    assert.deepEqual(sheet.headers, ['email', 'group', 'phone']);
    assert.deepEqual(sheet.rows, [
      { rowNumber: 3, cells: { email: 'a@x.edu', group: 'G, 1', phone: '' } },
      { rowNumber: 5, cells: { email: 'b@x.edu', group: 'G2', phone: '+380' } },
    ]);
  });

  test('the separator is whichever of , ; tab the header uses', async () => {
    const semicolon = await readSheetRows(file('name;note\nAna;"a, b"\n', 'a.csv'), options);
    assert.deepEqual(semicolon.rows[0]!.cells, { name: 'Ana', note: 'a, b' });
    const comma = await readSheetRows(file('name,note\nAna,a; b\n', 'a.csv'), options);
    assert.deepEqual(comma.rows[0]!.cells, { name: 'Ana', note: 'a; b' });
  });

  test("Excel's UTF-16 \"Unicode text\" (tab separated) is read", async () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('name\tcity\r\nJosé\tMálaga\r\n', 'utf16le')]);
    const sheet = await readSheetRows(file(bytes, 'a.txt'), options);
    assert.deepEqual(sheet.rows, [{ rowNumber: 2, cells: { name: 'José', city: 'Málaga' } }]);
  });

  test('a quote that never closes is refused, naming the row', async () => {
    const error = await refusal(file('email,name\na@x.edu,"Ana\nb@x.edu,Bo\n', 'a.csv'), 'malformed');
    assert.match(error.message, /Row 2 .* never closed/);
  });

  test('CRLF, LF and CR mixed in one file each end a row', async () => {
    const sheet = await readSheetRows(file('email,name\r\na@x.edu,Ana\nb@x.edu,Bo\rc@x.edu,Cy\r\n', 'a.csv'), options);
    assert.deepEqual(
      sheet.rows.map((r) => [r.rowNumber, r.cells.email, r.cells.name]),
      [
        [2, 'a@x.edu', 'Ana'],
        [3, 'b@x.edu', 'Bo'],
        [4, 'c@x.edu', 'Cy'],
      ],
    );
  });

  test('a stray quote inside an unquoted value is text; blanks after a closing quote end the value', async () => {
    const sheet = await readSheetRows(file('name,nickname\nAna,The "Ace"\n"Bo" ,"Li"\t\n', 'a.csv'), options);
    assert.deepEqual(
      sheet.rows.map((r) => r.cells),
      [
        { name: 'Ana', nickname: 'The "Ace"' },
        { name: 'Bo', nickname: 'Li' },
      ],
    );
  });

  test('text after a closing quote is refused, naming the row, instead of being kept with its quotes', async () => {
    const error = await refusal(file('email,name\na@x.edu,Ana\n\nb@x.edu,"Bo" Li\n', 'a.csv'), 'malformed');
    assert.equal(
      error.message,
      'Row 4 of this CSV file has text after the closing quote of a value; put the whole value inside the quotes (write a quote inside a value as "") or save it as .xlsx or as CSV UTF-8.',
    );
  });

  test('reading stops at the row limit: what lies beyond it is never parsed', async () => {
    // A damaged last row would be refused as malformed if the reader got that far.
    const text = 'email\n' + Array.from({ length: 11 }, (_, i) => `p${i}@x.edu`).join('\n') + '\n"never closed\n';
    await refusal(file(text, 'a.csv'), 'too_many_rows', { maxRows: 10 });
    await refusal(file(text, 'a.csv'), 'malformed', { maxRows: 20 });
  });

  test('whitespace only has no header; a header alone has no rows; too many rows names the limit', async () => {
    await refusal(file(' \r\n\r\n', 'a.csv'), 'no_header');
    await refusal(file('\uFEFF', 'a.csv'), 'no_header');
    await refusal(file('email,group\r\n,\r\n', 'a.csv'), 'no_rows');
    const many = 'email\n' + Array.from({ length: 11 }, (_, i) => `p${i}@x.edu`).join('\n');
    assert.match((await refusal(file(many, 'a.csv'), 'too_many_rows', { maxRows: 10 })).message, /at most 10 rows/);
  });

  test('duplicate headers in CSV are refused too', async () => {
    assert.match((await refusal(file('email,email\na,b\n', 'a.csv'), 'duplicate_header')).message, /field 1 and field 2/);
  });
});

describe('headers', () => {
  test('normaliseHeader ignores case, spaces, underscores and hyphens', () => {
    const forms = ['Birth date', 'birth_date', 'BirthDate', 'birthDate', ' BIRTH-DATE ', 'birth  date'];
    for (const form of forms) assert.equal(normaliseHeader(form), 'birthdate', form);
    assert.notEqual(normaliseHeader('Birth place'), normaliseHeader('Birth date'));
  });

  const columns = [
    { field: 'email', aliases: ['e-mail', 'mail'], required: true },
    { field: 'birthDate', aliases: ['date of birth'] },
    { field: 'group', aliases: ['group name'], required: true },
    { field: 'lastName', required: true },
  ];

  test('mapHeaders matches names and aliases and reports unknown and missing columns', () => {
    const mapping = mapHeaders(['E-Mail', 'Date of birth', 'Shoe size', 'last_name'], columns);
    assert.deepEqual(Object.fromEntries(mapping.fieldByHeader), { 'E-Mail': 'email', 'Date of birth': 'birthDate', last_name: 'lastName' });
    assert.deepEqual(mapping.unknown, ['Shoe size']);
    assert.deepEqual(mapping.missing, ['group']);
    assert.deepEqual(mapping.duplicates, []);
    const row = { rowNumber: 2, cells: { 'E-Mail': 'a@x.edu', 'Date of birth': '2001-02-03', 'Shoe size': '42', last_name: 'Kovač' } };
    assert.deepEqual(rowFields(row, mapping), { email: 'a@x.edu', birthDate: '2001-02-03', lastName: 'Kovač' });
  });

  test('mapHeaders reports two headers naming the same field', () => {
    const mapping = mapHeaders(['Email', 'mail', 'Group', 'Last name'], columns);
    assert.deepEqual(mapping.duplicates, [{ field: 'email', headers: ['Email', 'mail'] }]);
    assert.deepEqual(mapping.missing, []);
  });

  test('an alias claimed by two fields is a programming error', () => {
    assert.throws(() => mapHeaders(['x'], [{ field: 'a', aliases: ['name'] }, { field: 'b', aliases: ['Name'] }]), /used by both a and b/);
  });

  test('columnLetter', () => {
    assert.deepEqual([1, 26, 27, 52, 703].map(columnLetter), ['A', 'Z', 'AA', 'AZ', 'AAA']);
  });
});

describe('cellText', () => {
  test('converts every exceljs value kind', () => {
    assert.equal(cellText(null), '');
    assert.equal(cellText(2024001), '2024001');
    assert.equal(cellText(1e21), '1e+21');
    assert.equal(cellText(2.675 * 3), '8.025');
    assert.equal(cellText(42, '00000'), '00042');
    assert.equal(cellText(new Date('2001-02-03T00:00:00Z')), '2001-02-03');
    assert.equal(cellText({ formula: 'A1', result: new Date('2001-02-03T00:00:00Z') }), '2001-02-03');
    assert.equal(cellText({ text: { richText: [{ text: 'rich ' }, { text: 'link' }] }, hyperlink: 'https://x' } as unknown as ExcelJS.CellValue), 'rich link');
    assert.equal(cellText('e\u0301'), '\u00e9', 'NFC, so the same name typed two ways matches');
  });
});

describe('neutraliseCell', () => {
  test('prefixes text a spreadsheet would run as a formula', () => {
    for (const text of ['=1+1', '+1', '-2', '@SUM(A1)', '\tx', '\rx', '=HYPERLINK("http://evil","x")']) {
      assert.equal(neutraliseCell(text), `'${text}`, JSON.stringify(text));
    }
  });

  test('leaves everything else alone', () => {
    for (const value of ['Ana', 'a=b', ' =1', '', "'quoted", 42, -5, null, true]) assert.equal(neutraliseCell(value), value, String(value));
  });
});

const exportColumns = [
  { header: 'Name', key: 'name', width: 20 },
  { header: 'Student number', key: 'number' },
  { header: 'Birth date', key: 'birthDate' },
  { header: 'Note', key: 'note' },
];
const exportRows = [
  { name: 'Ana Kovač', number: 2024001, birthDate: new Date('2001-02-03T00:00:00Z'), note: '=HYPERLINK("http://evil","click")' },
  { name: '-Bo', number: 2024002, birthDate: null, note: 'line one\nline "two", three; four' },
  { name: '@Cy', number: 2024003, birthDate: '2003-04-05', note: '+1 555' },
];

describe('writeXlsx', () => {
  test('writes bold frozen headers, typed values, neutralised text; reads back', async () => {
    const out = collector();
    async function* notes() {
      yield { line: 'Required: Name' };
      yield { line: '-not a formula' };
    }
    await writeXlsx(out.stream, [
      { name: 'Students', columns: exportColumns, rows: exportRows },
      { name: 'Notes: read me?', columns: [{ header: 'Notes', key: 'line' }], rows: notes() },
    ]);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(out.bytes() as unknown as ExcelJS.Buffer);
    const [students, notesSheet] = workbook.worksheets;
    assert.equal(students!.name, 'Students');
    assert.equal(notesSheet!.name, 'Notes  read me', 'characters Excel forbids in sheet names are replaced');
    assert.deepEqual((students!.getRow(1).values as unknown[]).slice(1), ['Name', 'Student number', 'Birth date', 'Note']);
    assert.equal(students!.getCell('A1').font?.bold, true);
    assert.equal(students!.views[0]?.state, 'frozen');
    assert.equal((students!.views[0] as { ySplit?: number }).ySplit, 1);
    assert.equal(students!.getCell('B2').value, 2024001, 'numbers stay numbers');
    assert.deepEqual(students!.getCell('C2').value, new Date('2001-02-03T00:00:00Z'));
    assert.equal(students!.getCell('C2').numFmt, 'yyyy-mm-dd');
    assert.equal(students!.getCell('D2').value, `'=HYPERLINK("http://evil","click")`);
    assert.equal(students!.getCell('A3').value, "'-Bo");
    assert.equal(students!.getCell('A4').value, "'@Cy");
    assert.equal(students!.getCell('D4').value, '+1 555', 'a phone number is text in an xlsx and keeps no apostrophe');
    assert.equal(notesSheet!.getCell('A3').value, "'-not a formula");
    // No cell anywhere is a formula.
    students!.eachRow((row) => row.eachCell((cell) => assert.notEqual(cell.type, ExcelJS.ValueType.Formula, cell.address)));

    // And an export imported again gives back what was exported.
    const sheet = await readSheetRows(file(out.bytes()), options);
    assert.deepEqual(sheet.rows.map((r) => r.cells), [
      { Name: 'Ana Kovač', 'Student number': '2024001', 'Birth date': '2001-02-03', Note: '=HYPERLINK("http://evil","click")' },
      { Name: '-Bo', 'Student number': '2024002', 'Birth date': '', Note: 'line one\nline "two", three; four' },
      { Name: '@Cy', 'Student number': '2024003', 'Birth date': '2003-04-05', Note: '+1 555' },
    ]);
  });

  test('streams 100,000 rows from an async source', async () => {
    let produced = 0;
    async function* many() {
      for (let i = 1; i <= 100_000; i++) {
        produced = i;
        yield { name: `Student ${i}`, number: 2_000_000 + i, birthDate: null, note: i % 2 ? '=x' : 'ok' };
      }
    }
    const stream = new PassThrough();
    const chunks: Buffer[] = [];
    let firstChunkAfter = -1;
    stream.on('data', (chunk: Buffer) => {
      if (firstChunkAfter < 0) firstChunkAfter = produced;
      chunks.push(chunk);
    });
    await writeXlsx(stream, [{ name: 'Students', columns: exportColumns, rows: many() }]);
    assert.ok(firstChunkAfter >= 0 && firstChunkAfter < 100_000, `bytes left before the last row was produced (after ${firstChunkAfter})`);
    const sheet = await readSheetRows(file(Buffer.concat(chunks)), { maxRows: 100_000 });
    assert.equal(sheet.rows.length, 100_000);
    assert.deepEqual(sheet.rows[99_999], {
      rowNumber: 100_001,
      cells: { Name: 'Student 100000', 'Student number': '2100000', 'Birth date': '', Note: 'ok' },
    });
    assert.equal(sheet.rows[0]!.cells.Note, '=x');
  });

  test('a failing row source fails the write and the stream', async () => {
    const stream = new PassThrough();
    stream.resume();
    const errored = new Promise((resolve) => stream.on('error', resolve));
    async function* broken() {
      yield { name: 'Ana' };
      throw new Error('database went away');
    }
    await assert.rejects(writeXlsx(stream, [{ name: 'S', columns: exportColumns, rows: broken() }]), /database went away/);
    assert.match(String(await errored), /database went away/);
  });
});

describe('a download abandoned mid-way', () => {
  // Fastify destroys the reply's stream without an error when the client goes away; the writer must
  // stop and let the row source close, not wait for a 'drain' that never comes.
  for (const format of ['csv', 'xlsx'] as const) {
    test(`${format}: the writer stops, fails with StreamAbandoned, and the row source is closed`, async () => {
      let produced = 0;
      let closed = false;
      async function* endless() {
        try {
          for (;;) {
            produced += 1;
            yield { name: `Student ${produced}`, number: produced, birthDate: null, note: 'x'.repeat(200) };
          }
        } finally {
          closed = true;
        }
      }
      const stream = new PassThrough({ highWaterMark: 1024 });
      // Nobody reads: the buffer fills and the writer waits for 'drain'.
      const writing = format === 'csv' ? writeCsv(stream, exportColumns, endless()) : writeXlsx(stream, [{ name: 'S', columns: exportColumns, rows: endless() }]);
      const outcome = writing.then(
        () => 'finished',
        (error: unknown) => error,
      );
      while (!stream.writableNeedDrain) await new Promise((resolve) => setImmediate(resolve));
      const before = produced;
      stream.destroy();
      await once(stream, 'close');
      // The writer hears of the close from that same event and has nothing else to wait for, so it
      // settles within a turn or two of the event loop; one still waiting waits for a 'drain' that
      // never comes.
      const result = await settledWithin(outcome, 10);
      assert.ok(result instanceof StreamAbandoned, `the writer failed with StreamAbandoned, not: ${String(result)}`);
      assert.equal(closed, true, "the row source's finally ran");
      assert.ok(produced - before <= 1000, `rows stopped being read (${produced - before} more after the close)`);
    });
  }
});

describe('writeCsv', () => {
  test('UTF-8 with BOM, CRLF, RFC 4180 quoting, neutralised text; reads back', async () => {
    const out = collector();
    await writeCsv(out.stream, exportColumns, exportRows);
    const bytes = out.bytes();
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'starts with the UTF-8 BOM');
    const text = bytes.subarray(3).toString('utf8');
    assert.equal(
      text,
      'Name,Student number,Birth date,Note\r\n' +
        'Ana Kovač,2024001,2001-02-03,"\'=HYPERLINK(""http://evil"",""click"")"\r\n' +
        '\'-Bo,2024002,,"line one\nline ""two"", three; four"\r\n' +
        "'@Cy,2024003,2003-04-05,'+1 555\r\n",
    );
    const sheet = await readSheetRows(file(bytes, 'export.csv'), options);
    assert.deepEqual(sheet.rows.map((r) => r.cells.Name), ['Ana Kovač', '-Bo', '@Cy']);
    assert.equal(sheet.rows[0]!.cells.Note, '=HYPERLINK("http://evil","click")');
    assert.equal(sheet.rows[1]!.cells.Note, 'line one\nline "two", three; four');
  });

  test('respects back-pressure and ends the stream', async () => {
    const stream = new PassThrough({ highWaterMark: 1024 });
    const rows = Array.from({ length: 5_000 }, (_, i) => ({ name: `S${i}`, number: i, birthDate: null, note: 'x'.repeat(50) }));
    const writing = writeCsv(stream, exportColumns, rows);
    let ended = false;
    stream.on('end', () => (ended = true));
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    await writing;
    assert.ok(ended);
    assert.equal(Buffer.concat(chunks).toString('utf8').split('\r\n').length, 5_002, 'header, 5,000 rows, and the empty tail');
  });
});
