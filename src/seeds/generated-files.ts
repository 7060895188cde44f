// The small files a generated department holds (materials, the files sent with submissions): real
// one-page PDFs, so that a download opens in a viewer, written through the storage as uploads are.
import { Readable } from 'node:stream';
import { newStorageKey, type Storage } from '../storage/index.js';
import type { Db } from '../db/index.js';

export interface GeneratedFile {
  originalName: string;
  /** The lines printed on the page; ASCII only (the PDF's standard font has no other letters). */
  lines: string[];
  uploadedBy: number | null;
}

/** PDF strings escape these; anything beyond ASCII becomes '?' (Helvetica's encoding is Latin-1 at best). */
function pdfText(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?').replace(/[\\()]/g, (c) => `\\${c}`);
}

/** A valid one-page A4 PDF printing `lines`: a few hundred bytes, with its cross-reference table. */
export function onePagePdf(lines: readonly string[]): Buffer {
  const text = lines.map((line, i) => `${i === 0 ? '' : '0 -18 Td '}(${pdfText(line)}) Tj`).join('\n');
  const content = `BT /F1 12 Tf 72 770 Td\n${text}\nET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(pdf, 'latin1'));
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(pdf, 'latin1');
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}

/** Puts running at once: the local folder flushes each file, so one at a time would wait on the disk. */
const PUTS_AT_ONCE = 16;

/** A generated file in storage, as its row in `files` records it. */
export interface StoredGeneratedFile {
  storageKey: string;
  originalName: string;
  contentType: string;
  size: number;
  sha256: string;
  uploadedBy: number | null;
  createdAt: Date;
}

/**
 * Stores each file, PUTS_AT_ONCE at a time, outside any transaction (as uploads are stored before
 * their record): a seed that fails before recordGeneratedFiles leaves objects no record names, in a
 * department the seed already told the operator to start afresh.
 */
export async function storeGeneratedFiles(storage: Storage, now: Date, files: readonly GeneratedFile[]): Promise<StoredGeneratedFile[]> {
  const stored: StoredGeneratedFile[] = new Array(files.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < files.length; i = next++) {
      const file = files[i]!;
      const storageKey = newStorageKey(now);
      const { size, sha256 } = await storage.put(storageKey, Readable.from([onePagePdf(file.lines)]), { contentType: 'application/pdf' });
      stored[i] = { storageKey, originalName: file.originalName, contentType: 'application/pdf', size, sha256, uploadedBy: file.uploadedBy, createdAt: now };
    }
  };
  await Promise.all(Array.from({ length: Math.min(PUTS_AT_ONCE, files.length) }, worker));
  return stored;
}

/** Records stored files in `files` (the caller's transaction), answering their ids in the order given. */
export async function recordGeneratedFiles(db: Db, stored: readonly StoredGeneratedFile[]): Promise<number[]> {
  if (stored.length === 0) return [];
  const ids = new Map<string, number>();
  for (const row of await db.insertInto('files').values([...stored]).returning(['id', 'storageKey']).execute()) ids.set(row.storageKey, row.id);
  return stored.map((s) => ids.get(s.storageKey)!);
}
