// CSV text in and out. Reading takes what spreadsheet programs write: UTF-8 with or without a BOM
// (UTF-16 with a BOM too: Excel's "Unicode text"), comma, semicolon (European Excel) or tab
// separated, RFC 4180 quotes, CRLF, LF or CR line ends. The encoding and the separator are told here;
// csv-parse does the parsing. Writing is RFC 4180 with CRLF.
import { packageOnFirstUse } from './on-first-use.js';

const csvParse = packageOnFirstUse<typeof import('csv-parse/sync')>('csv-parse/sync');

export type CsvDecoding = { ok: true; text: string } | { ok: false; reason: 'binary' | 'encoding' };

/** Decodes CSV bytes, refusing what is not text: invalid UTF-8 or NUL characters. */
export function decodeCsv(bytes: Buffer): CsvDecoding {
  let text: string;
  try {
    if (bytes[0] === 0xff && bytes[1] === 0xfe) text = new TextDecoder('utf-16le', { fatal: true }).decode(bytes.subarray(2));
    else if (bytes[0] === 0xfe && bytes[1] === 0xff) text = new TextDecoder('utf-16be', { fatal: true }).decode(bytes.subarray(2));
    // TextDecoder drops a UTF-8 BOM itself.
    else text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, reason: looksBinary(bytes) ? 'binary' : 'encoding' };
  }
  if (text.includes('\u0000') || controlShare(text) > 0.01) return { ok: false, reason: 'binary' };
  return { ok: true, text };
}

// Text in a legacy code page (Windows-1252 from Excel's plain "CSV") is mostly printable ASCII with
// a few high bytes; anything else is not text at all.
function looksBinary(bytes: Buffer): boolean {
  const sample = bytes.subarray(0, 4096);
  let odd = 0;
  for (const byte of sample) if (byte === 0 || (byte < 0x20 && byte !== 9 && byte !== 10 && byte !== 13)) odd++;
  let high = 0;
  for (const byte of sample) if (byte >= 0x80) high++;
  return odd > 0 || high > sample.length * 0.3;
}

function controlShare(text: string): number {
  const sample = text.slice(0, 65536);
  if (sample.length === 0) return 0;
  let odd = 0;
  for (let i = 0; i < sample.length; i++) {
    const code = sample.charCodeAt(i);
    if ((code < 0x20 && code !== 9 && code !== 10 && code !== 13) || code === 0x7f || code === 0xfffd) odd++;
  }
  return odd / sample.length;
}

/** The separator of the first line: whichever of `,` `;` tab appears most outside quotes. */
export function detectDelimiter(text: string): string {
  const counts = new Map<string, number>([[',', 0], [';', 0], ['\t', 0]]);
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === '\n' || char === '\r')) {
      // Skip blank leading lines: the header is the first line with something on it.
      if ([...counts.values()].some((n) => n > 0) || text.slice(0, i).trim() !== '') break;
    } else if (!quoted && counts.has(char)) counts.set(char, counts.get(char)! + 1);
  }
  let best = ',';
  for (const [delimiter, count] of counts) if (count > counts.get(best)!) best = delimiter;
  return best;
}

/** Quoting that cannot be read: a quote never closed, or text after a value's closing quote. */
export class CsvSyntaxError extends Error {
  constructor(
    readonly problem: 'unclosed_quote' | 'text_after_quote',
    readonly rowNumber: number,
  ) {
    super(problem === 'unclosed_quote' ? `row ${rowNumber} opens a quoted value that is never closed` : `row ${rowNumber} has text after a closing quote`);
  }
}

// A file pasted together from several may mix CRLF, LF and CR; left to itself, csv-parse keeps to
// the first kind it meets.
const LINE_ENDS = ['\r\n', '\n', '\r'];

/**
 * Calls `onRecord` with each record's 1-based row number and fields, in order, as csv-parse reads
 * them, so a caller that throws (too many rows) stops the reading there. A blank line is a record of
 * one empty field, counted like any other, so row numbers match the spreadsheet program's. A quote
 * that never closes, or text after a closing quote ("Ana"x: csv-parse would keep the quotes as text),
 * throws CsvSyntaxError; a stray quote inside an unquoted value is kept as text, as spreadsheets do.
 */
export function parseCsv(text: string, delimiter: string, onRecord: (rowNumber: number, fields: string[]) => void): void {
  let rowNumber = 0;
  const { CsvError, parse } = csvParse();
  try {
    parse(text, {
      delimiter,
      record_delimiter: LINE_ENDS,
      relax_quotes: true,
      relax_column_count: true,
      // Blanks after a closing quote ("Ana" ,) end the value, as they did before csv-parse; other
      // text there is refused rather than kept with its quotes.
      rtrim: true,
      on_record: (fields: string[]) => {
        onRecord(++rowNumber, fields);
        // Nothing is collected: the rows live in the caller only.
        return null;
      },
    });
  } catch (error) {
    if (error instanceof CsvError && error.code === 'CSV_QUOTE_NOT_CLOSED') throw new CsvSyntaxError('unclosed_quote', rowNumber + 1);
    if (error instanceof CsvError && error.code === 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE') throw new CsvSyntaxError('text_after_quote', rowNumber + 1);
    throw error;
  }
}

/** One CSV field: quoted when it holds a quote, a separator (comma or semicolon) or a line break. */
export function csvField(text: string): string {
  return /[",;\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
