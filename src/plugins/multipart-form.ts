// Reading a form that carries text fields and, optionally, one photo (the "new student" and "new
// lecturer" forms). readUpload() in plugins/uploads.ts insists on a file; here an empty file input
// is simply "no photo", and the text fields survive either way so the form can be shown again.
// Structural types keep Fastify out of this file (only routes import it).
import { AppError, Invalid } from '../lib/errors.js';
import { UploadTooLarge } from './uploads.js';

type Part =
  | { type: 'field'; fieldname: string; value: unknown }
  | { type: 'file'; fieldname: string; filename: string; file: AsyncIterable<unknown> & { truncated: boolean; resume(): unknown } };

export interface MultipartRequest {
  isMultipart(): boolean;
  parts(options: { limits: { fileSize: number; files: number } }): AsyncIterable<Part>;
  body?: unknown;
}

export interface FormWithFile {
  fields: Record<string, string>;
  file: { bytes: Buffer; filename: string } | null;
  /** Why the file was refused (too large, empty); the fields read before it are still here. */
  fileError: AppError | null;
}

/**
 * The text fields and the optional file `field` (at most `maxBytes`). A refused file ends the
 * reading with `fileError` set; forms put the file input last, so every text field came before it.
 * A URL-encoded form is accepted too, without a file.
 */
export async function readFormWithOptionalFile(request: MultipartRequest, options: { field: string; maxBytes: number }): Promise<FormWithFile> {
  if (!request.isMultipart()) {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const fields: Record<string, string> = {};
    for (const [key, value] of Object.entries(body)) if (typeof value === 'string') fields[key] = value;
    return { fields, file: null, fileError: null };
  }
  const fields: Record<string, string> = {};
  let file: FormWithFile['file'] = null;
  for await (const part of request.parts({ limits: { fileSize: options.maxBytes, files: 1 } })) {
    if (part.type === 'field') {
      if (typeof part.value === 'string' && !Object.hasOwn(fields, part.fieldname)) fields[part.fieldname] = part.value;
      continue;
    }
    if (part.fieldname !== options.field || file) {
      part.file.resume();
      continue;
    }
    try {
      file = await readFile(part, options);
    } catch (error) {
      if (error instanceof AppError) return { fields, file: null, fileError: error };
      if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') return { fields, file: null, fileError: new UploadTooLarge(options.maxBytes) };
      throw error;
    }
  }
  return { fields, file, fileError: null };
}

async function readFile(part: Extract<Part, { type: 'file' }>, options: { field: string; maxBytes: number }): Promise<FormWithFile['file']> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of part.file as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > options.maxBytes) throw new UploadTooLarge(options.maxBytes);
    chunks.push(chunk);
  }
  if (part.file.truncated) throw new UploadTooLarge(options.maxBytes);
  // A file input left empty still sends a part: no name, no bytes.
  if (size > 0) return { bytes: Buffer.concat(chunks), filename: part.filename || 'photo' };
  if (part.filename) throw new Invalid('The chosen file is empty.', { [options.field]: 'The chosen file is empty; choose a JPEG, PNG or WebP photo.' });
  return null;
}
