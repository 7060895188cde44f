// Spreadsheets in and out, framework-free. Reading turns an uploaded xlsx or CSV file into header
// names and rows of trimmed text, refusing (SpreadsheetRefused, naming the fix) anything that is
// empty, damaged, password-protected, in the old .xls format, a zip bomb or too big. Writing streams
// xlsx and CSV, neutralising every text cell a spreadsheet program could run as a formula.
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type ExcelJS from 'exceljs';

/**
 * exceljs, loaded when a workbook is first read or written: it adds about 25 MB to every process,
 * and most processes never touch a workbook (issue 11: under 150 MB per process).
 */
async function excel(): Promise<typeof ExcelJS> {
  return (await import('exceljs')).default;
}
import { formatBytes } from './bytes.js';
import { Invalid } from './errors.js';
import { csvField, CsvSyntaxError, decodeCsv, detectDelimiter, parseCsv } from './spreadsheet-csv.js';
import { defaultZipLimits, inspectZip, ZipRefused, type ZipLimits } from './spreadsheet-zip.js';

export type RefusalReason =
  | 'empty'
  | 'malformed'
  | 'encrypted'
  | 'not_spreadsheet'
  | 'encoding'
  | 'too_large'
  | 'zip_bomb'
  | 'no_header'
  | 'duplicate_header'
  | 'too_many_columns'
  | 'no_rows'
  | 'too_many_rows';

/** An uploaded spreadsheet we will not read; `fields.file` says why and what to do instead. */
export class SpreadsheetRefused extends Invalid {
  constructor(
    readonly reason: RefusalReason,
    message: string,
  ) {
    super(message, { file: message });
  }
}

export interface SheetInput {
  bytes: Buffer;
  /** Shown nowhere and never trusted: the format is read from the content. */
  filename: string;
  contentType?: string;
}

export interface ReadSheetOptions {
  /** Most data rows accepted (blank rows are not counted). */
  maxRows: number;
  /** Most named columns accepted in the header row. */
  maxColumns?: number;
  /**
   * Most cells all sheets of an xlsx file may hold together, counted before the workbook is parsed
   * (parsing costs memory by the cell). Default: 50 per allowed row, at least 100,000.
   */
  maxCells?: number;
  /** Limits on the zip inside an xlsx file. */
  zip?: Partial<ZipLimits>;
}

export interface SheetRow {
  /** The row's number as the spreadsheet program shows it (the header row is usually 1). */
  rowNumber: number;
  /** Every header's cell as trimmed text; '' for an empty cell. */
  cells: Record<string, string>;
}

export interface Sheet {
  format: 'xlsx' | 'csv';
  /** The header row's non-empty cells, trimmed, in column order. */
  headers: string[];
  rows: SheetRow[];
}

const DEFAULT_MAX_COLUMNS = 200;

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const EMPTY_ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
const CFB_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0]);

const SAVE_AS = 'save it as .xlsx or as CSV UTF-8';

/** Reads the first visible sheet of an xlsx file, or a CSV file; which one is told by the content. */
export async function readSheetRows(input: SheetInput, options: ReadSheetOptions): Promise<Sheet> {
  const { bytes } = input;
  if (bytes.length === 0) throw new SpreadsheetRefused('empty', 'The file is empty; choose the file with your data and upload it again.');
  if (bytes.subarray(0, 4).equals(CFB_MAGIC))
    throw new SpreadsheetRefused(
      'encrypted',
      'This file is password-protected or in the old .xls format; save it as an unprotected .xlsx or as .csv.',
    );
  if (bytes.subarray(0, 4).equals(ZIP_MAGIC) || bytes.subarray(0, 4).equals(EMPTY_ZIP_MAGIC)) return readXlsx(bytes, options);
  return readCsv(bytes, options);
}

// ---------------------------------------------------------------------------------------------
// xlsx

async function readXlsx(bytes: Buffer, options: ReadSheetOptions): Promise<Sheet> {
  const limits = { ...defaultZipLimits, ...options.zip };
  let cells: number;
  try {
    cells = (await inspectZip(bytes, limits)).worksheetCells;
  } catch (error) {
    if (error instanceof ZipRefused) throw zipRefusal(error);
    throw error;
  }
  const maxCells = options.maxCells ?? Math.max(100_000, (options.maxRows + 1) * 50);
  if (cells > maxCells)
    throw new SpreadsheetRefused(
      'too_large',
      `This workbook holds ${cells.toLocaleString('en')} cells, more than the ${maxCells.toLocaleString('en')} a file of at most ${options.maxRows.toLocaleString('en')} rows needs; delete other sheets and unused columns, or split the rows into several files.`,
    );
  const workbook = new (await excel()).Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  } catch {
    throw new SpreadsheetRefused('malformed', `This .xlsx file could not be read; open it in your spreadsheet program and ${SAVE_AS}.`);
  }
  const sheet = workbook.worksheets.find((w) => w.state !== 'hidden' && w.state !== 'veryHidden');
  if (!sheet) throw new SpreadsheetRefused('no_header', 'The workbook has no visible sheet; put the data on its first sheet.');
  const maxColumns = options.maxColumns ?? DEFAULT_MAX_COLUMNS;

  let columns: Array<{ index: number; header: string }> | null = null;
  let headerRow = 0;
  const rows: SheetRow[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    if (!columns) {
      const texts: Array<{ index: number; text: string }> = [];
      row.eachCell({ includeEmpty: false }, (cell, index) => {
        const text = cellText(cell.value, cell.numFmt);
        if (text !== '') texts.push({ index, text });
      });
      if (texts.length === 0) return;
      columns = headerColumns(texts, maxColumns, rowNumber, (index) => `column ${columnLetter(index)}`);
      headerRow = rowNumber;
      return;
    }
    const cells: Record<string, string> = {};
    let any = false;
    for (const { index, header } of columns) {
      const cell = row.getCell(index);
      const text = unneutraliseCell(cellText(cell.value, cell.numFmt));
      cells[header] = text;
      if (text !== '') any = true;
    }
    if (!any) return;
    rows.push({ rowNumber, cells });
    if (rows.length > options.maxRows) throw tooManyRows(options.maxRows);
  });
  return finish('xlsx', columns, headerRow, rows);
}

function zipRefusal({ problem }: ZipRefused): SpreadsheetRefused {
  switch (problem.kind) {
    case 'encrypted':
      return new SpreadsheetRefused('encrypted', 'This file is password-protected; save it as an unprotected .xlsx or as .csv.');
    case 'too_many_entries':
      return new SpreadsheetRefused(
        'zip_bomb',
        `This .xlsx file holds ${problem.count} parts, more than the ${problem.limit} a workbook of data needs; ${SAVE_AS} with the data sheet only.`,
      );
    case 'too_big':
      return new SpreadsheetRefused(
        'too_large',
        `This .xlsx file unpacks to more than ${formatBytes(problem.limit)}; split the data into smaller files or save it as CSV UTF-8.`,
      );
    case 'bomb':
      return new SpreadsheetRefused(
        'zip_bomb',
        `This .xlsx file is compressed ${problem.ratio} to 1, which no spreadsheet is (a "zip bomb"); it was not opened. ${capitalise(SAVE_AS)} from your spreadsheet program.`,
      );
    case 'understated':
      return new SpreadsheetRefused(
        'zip_bomb',
        `This .xlsx file unpacks to more than it declares (a "zip bomb" or a damaged file); it was not opened. ${capitalise(SAVE_AS)} from your spreadsheet program.`,
      );
    case 'not_xlsx':
      return new SpreadsheetRefused('not_spreadsheet', `This file is ${problem.looksLike}, not an .xlsx workbook; ${SAVE_AS}.`);
    case 'malformed':
      return new SpreadsheetRefused('malformed', `This .xlsx file is damaged; open it in your spreadsheet program and ${SAVE_AS}.`);
  }
}

/**
 * A cell's value as trimmed text: dates as YYYY-MM-DD, numbers without binary float noise (and
 * padded when the cell's format pads them, like 000123), formulas as their last computed result,
 * rich text and hyperlinks as their text.
 */
export function cellText(value: ExcelJS.CellValue, numFmt?: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return clean(value);
  if (typeof value === 'number') return numberText(value, numFmt);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return dateText(value);
  if ('richText' in value) return clean(value.richText.map((part) => part.text).join(''));
  if ('hyperlink' in value) {
    const text = value.text as unknown;
    return typeof text === 'string' ? clean(text) : cellText(text as ExcelJS.CellValue);
  }
  if ('formula' in value || 'sharedFormula' in value) return cellText(value.result ?? null, numFmt);
  if ('error' in value) return value.error;
  return '';
}

function clean(text: string): string {
  return text.normalize('NFC').trim();
}

function numberText(value: number, numFmt?: string): string {
  if (!Number.isFinite(value)) return '';
  // Excel keeps 15 significant digits; anything beyond is binary noise (0.1 + 0.2).
  let text = Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(15)));
  const padded = numFmt && /^0+$/.test(numFmt) ? numFmt.length : 0;
  if (padded && Number.isInteger(value) && value >= 0) text = text.padStart(padded, '0');
  return text;
}

/** YYYY-MM-DD, with the time after it only when there is one (spreadsheet dates carry no zone). */
function dateText(date: Date): string {
  if (Number.isNaN(date.getTime())) return '';
  const iso = date.toISOString();
  if (iso.endsWith('T00:00:00.000Z')) return iso.slice(0, 10);
  return iso.endsWith(':00.000Z') ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

// ---------------------------------------------------------------------------------------------
// CSV

function readCsv(bytes: Buffer, options: ReadSheetOptions): Sheet {
  const decoded = decodeCsv(bytes);
  if (!decoded.ok)
    throw decoded.reason === 'binary'
      ? new SpreadsheetRefused('malformed', `This file is neither an .xlsx workbook nor CSV text; ${SAVE_AS}.`)
      : new SpreadsheetRefused(
          'encoding',
          'This CSV file is not UTF-8 text; in your spreadsheet program choose Save As → "CSV UTF-8 (comma delimited)", or save it as .xlsx.',
        );
  const maxColumns = options.maxColumns ?? DEFAULT_MAX_COLUMNS;
  const delimiter = detectDelimiter(decoded.text);
  let columns: Array<{ index: number; header: string }> | null = null;
  let headerRow = 0;
  const rows: SheetRow[] = [];
  try {
    parseCsv(decoded.text, delimiter, (rowNumber, fields) => {
      if (!columns) {
        const texts = fields.map((field, i) => ({ index: i + 1, text: clean(field) })).filter((f) => f.text !== '');
        if (texts.length === 0) return;
        columns = headerColumns(texts, maxColumns, rowNumber, (index) => `field ${index}`);
        headerRow = rowNumber;
        return;
      }
      const cells: Record<string, string> = {};
      let any = false;
      for (const { index, header } of columns) {
        const text = unneutraliseCell(clean(fields[index - 1] ?? ''));
        cells[header] = text;
        if (text !== '') any = true;
      }
      if (!any) return;
      rows.push({ rowNumber, cells });
      if (rows.length > options.maxRows) throw tooManyRows(options.maxRows);
    });
  } catch (error) {
    if (error instanceof CsvSyntaxError)
      throw new SpreadsheetRefused(
        'malformed',
        error.problem === 'unclosed_quote'
          ? `Row ${error.rowNumber} of this CSV file opens a quoted value that is never closed; close the quote (write a quote inside a value as "") or ${SAVE_AS}.`
          : `Row ${error.rowNumber} of this CSV file has text after the closing quote of a value; put the whole value inside the quotes (write a quote inside a value as "") or ${SAVE_AS}.`,
      );
    throw error;
  }
  return finish('csv', columns, headerRow, rows);
}

// ---------------------------------------------------------------------------------------------
// shared by both readers

function headerColumns(
  texts: Array<{ index: number; text: string }>,
  maxColumns: number,
  rowNumber: number,
  where: (index: number) => string,
): Array<{ index: number; header: string }> {
  if (texts.length > maxColumns)
    throw new SpreadsheetRefused(
      'too_many_columns',
      `The header row (row ${rowNumber}) names ${texts.length} columns, more than ${maxColumns}; keep only the columns of the template.`,
    );
  const seen = new Map<string, number>();
  for (const { index, text } of texts) {
    const first = seen.get(text);
    if (first !== undefined)
      throw new SpreadsheetRefused(
        'duplicate_header',
        `The header row (row ${rowNumber}) names "${text}" twice (${where(first)} and ${where(index)}); remove or rename one of them.`,
      );
    seen.set(text, index);
  }
  return texts.map(({ index, text }) => ({ index, header: text }));
}

function finish(format: Sheet['format'], columns: Array<{ index: number; header: string }> | null, headerRow: number, rows: SheetRow[]): Sheet {
  if (!columns)
    throw new SpreadsheetRefused('no_header', 'The file has no header row; put the column names (as in the template) in the first row.');
  if (rows.length === 0)
    throw new SpreadsheetRefused('no_rows', `The file has a header row (row ${headerRow}) but no data rows under it; add one row per person.`);
  return { format, headers: columns.map((c) => c.header), rows };
}

function tooManyRows(limit: number): SpreadsheetRefused {
  return new SpreadsheetRefused('too_many_rows', `The file has more than ${limit.toLocaleString('en')} rows; split it into files of at most ${limit.toLocaleString('en')} rows.`);
}

/** A, B, …, Z, AA, AB, … for a 1-based column number. */
export function columnLetter(index: number): string {
  let letters = '';
  for (let n = index; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// ---------------------------------------------------------------------------------------------
// headers

/** A header as compared: case, spaces, underscores and hyphens ignored ("Birth date" = birth_date = BirthDate). */
export function normaliseHeader(header: string): string {
  return header.normalize('NFKC').toLowerCase().replace(/[\s_-]+/g, '');
}

export interface ColumnSpec {
  /** The canonical field name, matched like any alias. */
  field: string;
  /** Other names accepted for the column. */
  aliases?: readonly string[];
  required?: boolean;
}

export interface HeaderMapping {
  /** Sheet header → canonical field, for every header that matched. */
  fieldByHeader: Map<string, string>;
  /** Canonical field → the sheet header it came from. */
  headerByField: Map<string, string>;
  /** Sheet headers that match no field. */
  unknown: string[];
  /** Required fields no header matched. */
  missing: string[];
  /** Fields that more than one header matched (e.g. "Email" and "e-mail"). */
  duplicates: Array<{ field: string; headers: string[] }>;
}

/** Matches a sheet's headers to canonical fields by name or alias, ignoring case, spaces, underscores, hyphens. */
export function mapHeaders(headers: readonly string[], columns: readonly ColumnSpec[]): HeaderMapping {
  const byName = new Map<string, string>();
  for (const column of columns) {
    for (const name of [column.field, ...(column.aliases ?? [])]) {
      const key = normaliseHeader(name);
      const taken = byName.get(key);
      if (taken !== undefined && taken !== column.field) throw new Error(`column name "${name}" is used by both ${taken} and ${column.field}`);
      byName.set(key, column.field);
    }
  }
  const fieldByHeader = new Map<string, string>();
  const headersOf = new Map<string, string[]>();
  const unknown: string[] = [];
  for (const header of headers) {
    const field = byName.get(normaliseHeader(header));
    if (field === undefined) {
      unknown.push(header);
      continue;
    }
    fieldByHeader.set(header, field);
    headersOf.set(field, [...(headersOf.get(field) ?? []), header]);
  }
  const headerByField = new Map<string, string>();
  const duplicates: HeaderMapping['duplicates'] = [];
  for (const [field, names] of headersOf) {
    headerByField.set(field, names[0]!);
    if (names.length > 1) duplicates.push({ field, headers: names });
  }
  const missing = columns.filter((c) => c.required && !headerByField.has(c.field)).map((c) => c.field);
  return { fieldByHeader, headerByField, unknown, missing, duplicates };
}

/** A row's cells keyed by canonical field instead of by the sheet's headers. */
export function rowFields(row: SheetRow, mapping: HeaderMapping): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, header] of mapping.headerByField) out[field] = row.cells[header] ?? '';
  return out;
}

// ---------------------------------------------------------------------------------------------
// writing

const FORMULA_TRIGGERS = new Set(['=', '+', '-', '@', '\t', '\r']);

/**
 * OWASP's CSV-injection defence: text beginning with = + - @ tab or CR gets a leading apostrophe,
 * so no spreadsheet program runs it as a formula. Anything that is not text is returned as it is.
 */
export function neutraliseCell<T>(value: T): T | string {
  if (typeof value !== 'string' || value.length === 0) return value;
  return FORMULA_TRIGGERS.has(value[0]!) ? `'${value}` : value;
}

/**
 * The reverse, applied when reading: an apostrophe that neutraliseCell would have added is dropped,
 * so a sheet exported from FMS and imported again keeps "-Ann" as "-Ann".
 */
export function unneutraliseCell(text: string): string {
  return text.length > 1 && text[0] === "'" && FORMULA_TRIGGERS.has(text[1]!) ? text.slice(1) : text;
}

export interface SheetColumn {
  header: string;
  key: string;
  /** Width in characters (xlsx only). */
  width?: number;
}

/** A row to write: any object; each column's `key` picks its value. */
export type SheetRecord = object;
export type SheetRecords = AsyncIterable<SheetRecord> | Iterable<SheetRecord>;

export interface SheetSpec {
  name: string;
  columns: readonly SheetColumn[];
  rows: SheetRecords;
}

// How often writers stop to let the output drain and other requests run.
const YIELD_EVERY = 500;

/**
 * Streams an xlsx workbook into `stream` (and ends it): one worksheet per spec, in order, each with
 * a bold, frozen header row. Rows are written as they are produced, so 100,000 of them never sit
 * in memory together.
 */
export async function writeXlsx(stream: Writable, sheets: readonly SheetSpec[]): Promise<void> {
  try {
    const workbook = new (await excel()).stream.xlsx.WorkbookWriter({ stream, useStyles: true, useSharedStrings: false });
    const names = new Set<string>();
    for (const spec of sheets) {
      const sheet = workbook.addWorksheet(sheetName(spec.name, names), { views: [{ state: 'frozen', ySplit: 1 }] });
      sheet.columns = spec.columns.map((c) => ({ header: c.header, key: c.key, width: c.width ?? Math.max(10, Math.min(40, c.header.length + 2)) }));
      sheet.getRow(1).font = { bold: true };
      sheet.getRow(1).commit();
      let count = 0;
      for await (const record of spec.rows) {
        const row = sheet.addRow(spec.columns.map((c) => xlsxValue((record as Record<string, unknown>)[c.key])));
        row.eachCell((cell) => {
          if (cell.value instanceof Date) cell.numFmt = dateText(cell.value).length === 10 ? 'yyyy-mm-dd' : 'yyyy-mm-dd hh:mm:ss';
        });
        row.commit();
        if (++count % YIELD_EVERY === 0) await drain(stream);
      }
      sheet.commit();
    }
    await workbook.commit();
    await ended(stream);
  } catch (error) {
    stream.destroy(error as Error);
    throw error;
  }
}

/**
 * Streams CSV into `stream` (and ends it): UTF-8 with a BOM (so Excel reads accents right), a
 * header row, RFC 4180 quoting, CRLF line ends.
 */
export async function writeCsv(stream: Writable, columns: readonly SheetColumn[], rows: SheetRecords): Promise<void> {
  try {
    let chunk = '\uFEFF' + columns.map((c) => csvField(String(neutraliseCell(c.header)))).join(',') + '\r\n';
    let count = 0;
    for await (const record of rows) {
      chunk += columns.map((c) => csvField(csvValue((record as Record<string, unknown>)[c.key]))).join(',') + '\r\n';
      if (++count % YIELD_EVERY === 0 || chunk.length > 65536) {
        if (!stream.write(chunk)) await drained(stream);
        else if (stream.destroyed) throw new StreamAbandoned();
        chunk = '';
      }
    }
    stream.end(chunk);
    await ended(stream);
  } catch (error) {
    stream.destroy(error as Error);
    throw error;
  }
}

function xlsxValue(value: unknown): ExcelJS.CellValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean') return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (typeof value === 'bigint') return String(value);
  const text = String(value);
  // An xlsx text cell is stored as text and never run; the apostrophe is kept for what would run if
  // the cell were retyped or the sheet saved as CSV. Phone numbers ("+385 1 555 0101") cannot call
  // anything, so they stay as people wrote them instead of showing a stray apostrophe.
  return PHONE_OR_NUMBER.test(text) ? text : neutraliseCell(text);
}

const PHONE_OR_NUMBER = /^[+-][\d\s()./-]*$/;

function csvValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return dateText(value);
  if (typeof value === 'number') return Number.isFinite(value) ? numberText(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return String(neutraliseCell(String(value)));
}

// Excel's rules: at most 31 characters, none of []:*?/\, unique within the workbook.
function sheetName(name: string, taken: Set<string>): string {
  const base = name.replace(/[[\]:*?/\\]/g, ' ').trim().slice(0, 31) || 'Sheet';
  let candidate = base;
  for (let n = 2; taken.has(candidate.toLowerCase()); n++) candidate = `${base.slice(0, 31 - String(n).length - 1)} ${n}`;
  taken.add(candidate.toLowerCase());
  return candidate;
}

/** Waits until the writer's side of `stream` has finished; a stream destroyed first was abandoned. */
async function ended(stream: Writable): Promise<void> {
  try {
    await finished(stream, { readable: false });
  } catch (error) {
    throw stream.destroyed && !stream.errored ? new StreamAbandoned() : error;
  }
}

/** The reader went away (a browser cancelled the download): the writer stops reading rows. */
export class StreamAbandoned extends Error {
  constructor() {
    super('The stream was closed before it took every row (the download was abandoned).');
    this.name = 'StreamAbandoned';
  }
}

async function drain(stream: Writable): Promise<void> {
  if (stream.writableNeedDrain) await drained(stream);
  else if (stream.destroyed) throw new StreamAbandoned();
  else await yieldToEventLoop();
}

/**
 * Waits for 'drain', or fails when the stream is destroyed first. Fastify destroys a reply's stream
 * without an error when the client disconnects, and events.once(stream, 'drain') would then wait
 * forever, holding the row generator and its batch.
 */
function drained(stream: Writable): Promise<void> {
  if (stream.destroyed) return Promise.reject(new StreamAbandoned());
  return new Promise((resolve, reject) => {
    const settle = (error?: Error) => {
      stream.off('drain', onDrain);
      stream.off('close', onClose);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => settle();
    const onClose = () => settle(new StreamAbandoned());
    stream.on('drain', onDrain);
    stream.on('close', onClose);
  });
}
