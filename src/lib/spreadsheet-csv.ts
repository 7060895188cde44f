// CSV text in and out. Reading takes what spreadsheet programs write: UTF-8 with or without a BOM
// (UTF-16 with a BOM too: Excel's "Unicode text"), comma, semicolon (European Excel) or tab
// separated, RFC 4180 quotes, CRLF, LF or CR line ends. Writing is RFC 4180 with CRLF.

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

export class CsvSyntaxError extends Error {
  constructor(readonly rowNumber: number) {
    super(`row ${rowNumber} opens a quoted value that is never closed`);
  }
}

/**
 * Yields each record as its 1-based row number and fields. A quote that never closes throws
 * CsvSyntaxError; a stray quote inside an unquoted value is kept as text, as spreadsheets do.
 */
export function* parseCsv(text: string, delimiter: string): Generator<{ rowNumber: number; fields: string[] }> {
  let rowNumber = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    rowNumber++;
    const fields: string[] = [];
    let field = '';
    for (;;) {
      if (text[i] === '"') {
        // A quoted value: runs to the next lone quote; "" is a quote.
        i++;
        for (;;) {
          const close = text.indexOf('"', i);
          if (close < 0) throw new CsvSyntaxError(rowNumber);
          field += text.slice(i, close);
          i = close + 1;
          if (text[i] === '"') {
            field += '"';
            i++;
          } else break;
        }
      }
      // Unquoted text (or what follows a closing quote) up to the delimiter or the line end.
      let j = i;
      while (j < n) {
        const char = text[j];
        if (char === delimiter || char === '\n' || char === '\r') break;
        j++;
      }
      field += text.slice(i, j);
      i = j;
      fields.push(field);
      field = '';
      if (i >= n) break;
      const char = text[i];
      i++;
      if (char === delimiter) continue;
      if (char === '\r' && text[i] === '\n') i++;
      break;
    }
    yield { rowNumber, fields };
  }
}

/** One CSV field: quoted when it holds a quote, a separator (comma or semicolon) or a line break. */
export function csvField(text: string): string {
  return /[",;\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
