// An xlsx file is a zip. Before exceljs (JSZip) inflates one whole into memory, look inside with
// yauzl: how many entries, how big they say they are once inflated, how hard they are compressed,
// and then inflate each one counting the bytes that really come out, because the sizes a zip
// declares are written by whoever made the file and may lie.
import type yauzl from 'yauzl';

export interface ZipLimits {
  /** Most entries a workbook may hold (a real one has a few dozen). */
  maxEntries: number;
  /** Most bytes all entries together may inflate to. */
  maxUncompressedBytes: number;
  /** Highest inflated/compressed ratio tolerated for an entry bigger than `ratioFloorBytes`. */
  maxCompressionRatio: number;
  /** Entries smaller than this once inflated are never refused for their ratio (tiny XML parts compress well). */
  ratioFloorBytes: number;
}

export const defaultZipLimits: ZipLimits = {
  maxEntries: 2_000,
  maxUncompressedBytes: 100 * 1024 * 1024,
  maxCompressionRatio: 200,
  ratioFloorBytes: 1024 * 1024,
};

export type ZipProblem =
  | { kind: 'malformed'; detail: string }
  | { kind: 'encrypted' }
  | { kind: 'too_many_entries'; count: number; limit: number }
  | { kind: 'too_big'; limit: number }
  | { kind: 'bomb'; entry: string; ratio: number }
  | { kind: 'understated'; entry: string }
  | { kind: 'not_xlsx'; looksLike: string };

export class ZipRefused extends Error {
  constructor(readonly problem: ZipProblem) {
    super(`zip refused: ${problem.kind}`);
  }
}

// Deflate (8) and stored (0) are all a workbook uses; anything else is not from a spreadsheet program.
const SUPPORTED_METHODS = new Set([0, 8]);

export interface ZipContents {
  names: string[];
  /** How many cells (`<c>` elements) all worksheets hold: what parsing the workbook will cost. */
  worksheetCells: number;
}

/**
 * Checks a zip held in memory and returns what it holds, or throws ZipRefused. Every entry is
 * inflated once with its output counted and discarded.
 */
export async function inspectZip(bytes: Buffer, limits: ZipLimits = defaultZipLimits): Promise<ZipContents> {
  let zip: yauzl.ZipFile;
  try {
    // Loaded here, not at start: only imports read zips (lib/on-first-use.ts says why).
    const { fromBufferPromise } = (await import('yauzl')).default;
    zip = await fromBufferPromise(bytes, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false });
  } catch (error) {
    throw new ZipRefused({ kind: 'malformed', detail: describe(error) });
  }
  try {
    if (zip.entryCount > limits.maxEntries)
      throw new ZipRefused({ kind: 'too_many_entries', count: zip.entryCount, limit: limits.maxEntries });
    const names: string[] = [];
    let declared = 0;
    let inflated = 0;
    const entries: yauzl.Entry[] = [];
    // First pass: the central directory alone, so an obviously hostile file costs no inflating.
    for await (const entry of iterate(zip)) {
      if (entry.isEncrypted()) throw new ZipRefused({ kind: 'encrypted' });
      names.push(entry.fileName);
      if (entry.fileName.endsWith('/')) continue;
      if (!SUPPORTED_METHODS.has(entry.compressionMethod))
        throw new ZipRefused({ kind: 'malformed', detail: `entry ${entry.fileName} uses compression method ${entry.compressionMethod}` });
      declared += entry.uncompressedSize;
      if (declared > limits.maxUncompressedBytes) throw new ZipRefused({ kind: 'too_big', limit: limits.maxUncompressedBytes });
      const ratio = entry.uncompressedSize / Math.max(entry.compressedSize, 1);
      if (entry.uncompressedSize > limits.ratioFloorBytes && ratio > limits.maxCompressionRatio)
        throw new ZipRefused({ kind: 'bomb', entry: entry.fileName, ratio: Math.round(ratio) });
      entries.push(entry);
    }
    const kind = identify(names);
    if (kind !== 'xlsx') throw new ZipRefused({ kind: 'not_xlsx', looksLike: kind });
    // Second pass: inflate for real. yauzl fails an entry that inflates past its declared size; the
    // counters below stop the whole file at the limit even if that check were ever bypassed.
    let worksheetCells = 0;
    for (const entry of entries) {
      const stream = await openStream(zip, entry);
      const cells = /^xl\/worksheets\/[^/]+\.xml$/i.test(entry.fileName) ? new CellCounter() : null;
      let produced = 0;
      try {
        for await (const chunk of stream) {
          produced += (chunk as Buffer).length;
          inflated += (chunk as Buffer).length;
          cells?.add(chunk as Buffer);
          if (inflated > limits.maxUncompressedBytes) throw new ZipRefused({ kind: 'too_big', limit: limits.maxUncompressedBytes });
          if (produced > limits.ratioFloorBytes && produced / Math.max(entry.compressedSize, 1) > limits.maxCompressionRatio)
            throw new ZipRefused({ kind: 'bomb', entry: entry.fileName, ratio: Math.round(produced / Math.max(entry.compressedSize, 1)) });
        }
      } catch (error) {
        if (error instanceof ZipRefused) throw error;
        // yauzl's words when an entry inflates past the size it declares: a bomb in disguise.
        if (/too many bytes/.test(describe(error))) throw new ZipRefused({ kind: 'understated', entry: entry.fileName });
        throw new ZipRefused({ kind: 'malformed', detail: describe(error) });
      } finally {
        stream.destroy();
      }
      if (produced !== entry.uncompressedSize)
        throw new ZipRefused({ kind: 'malformed', detail: `entry ${entry.fileName} inflates to ${produced} bytes, not the ${entry.uncompressedSize} it declares` });
      worksheetCells += cells?.count ?? 0;
    }
    return { names, worksheetCells };
  } finally {
    zip.close();
  }
}

/** Counts `<c …>` elements (with or without a namespace prefix) in XML arriving in pieces. */
class CellCounter {
  static readonly #tag = /<(?:[A-Za-z_][\w.-]{0,30}:)?c[\s/>]/g;
  count = 0;
  #tail = '';
  add(chunk: Buffer): void {
    // latin1 maps bytes one to one, so a tag split between chunks is whole in tail + chunk.
    const text = this.#tail + chunk.toString('latin1');
    let counted = 0;
    for (const match of text.matchAll(CellCounter.#tag)) {
      this.count++;
      counted = match.index + match[0].length;
    }
    // Carry what could begin a tag, never a tag already counted.
    this.#tail = text.slice(Math.max(counted, text.length - 40));
  }
}

/** What a zip holds, judged by the parts every such file must have. */
function identify(names: string[]): string {
  const has = (name: string) => names.some((n) => n.toLowerCase() === name);
  if (has('xl/workbook.xml')) return 'xlsx';
  if (has('xl/workbook.bin')) return 'an Excel binary workbook (.xlsb)';
  if (has('word/document.xml')) return 'a Word document (.docx)';
  if (has('ppt/presentation.xml')) return 'a PowerPoint presentation (.pptx)';
  if (has('content.xml') && has('mimetype')) return 'an OpenDocument file (.ods or .odt)';
  return 'a zip archive';
}

async function* iterate(zip: yauzl.ZipFile): AsyncGenerator<yauzl.Entry> {
  try {
    for await (const entry of zip.eachEntry()) yield entry;
  } catch (error) {
    if (error instanceof ZipRefused) throw error;
    throw new ZipRefused({ kind: 'malformed', detail: describe(error) });
  }
}

async function openStream(zip: yauzl.ZipFile, entry: yauzl.Entry) {
  try {
    return await zip.openReadStreamPromise(entry);
  } catch (error) {
    throw new ZipRefused({ kind: 'malformed', detail: describe(error) });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
