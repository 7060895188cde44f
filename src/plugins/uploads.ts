// Uploads: @fastify/multipart with hard limits; readFormWithOptionalFile() for forms whose file is
// optional (a new person's photo) and readUpload() for those that need one (a photo, an import). An over-limit file fails with 413 instead of being silently truncated (the
// plugin's default), and nothing of it is kept. Forms post the CSRF token in the query string
// (`?_csrf=…`) because the multipart body is only read by the handler, after the CSRF check.
import fastifyMultipart from '@fastify/multipart';
import fp from 'fastify-plugin';
import { AppError, Invalid } from '../lib/errors.js';
import './types.js';

export class UploadTooLarge extends AppError {
  constructor(limit: number) {
    super(413, 'too_large', `The file is larger than the limit of ${formatBytes(limit)}.`, { file: `Choose a file of at most ${formatBytes(limit)}.` });
  }
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

export interface Upload {
  /** The client's name for the file: for display only, never a path. */
  filename: string;
  /** What the client claims; checks look at the bytes, not at this. */
  mimetype: string;
  bytes: Buffer;
  /** The form's text fields sent before the file. */
  fields: Record<string, string>;
}

type Part =
  | { type: 'field'; fieldname: string; value: unknown }
  | { type: 'file'; fieldname: string; filename: string; mimetype: string; file: AsyncIterable<unknown> & { truncated: boolean; resume(): unknown } };

export interface MultipartRequest {
  isMultipart(): boolean;
  parts(options: { limits: { fileSize: number; files: number } }): AsyncIterable<Part>;
  body?: unknown;
}

export interface FormWithFile {
  fields: Record<string, string>;
  file: { bytes: Buffer; filename: string; mimetype: string } | null;
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
  if (size > 0) return { bytes: Buffer.concat(chunks), filename: part.filename || 'upload', mimetype: part.mimetype };
  if (part.filename) throw new Invalid('The chosen file is empty.', { [options.field]: `The file ${part.filename} was empty or missing; choose another.` });
  return null;
}

/**
 * Reads the one file of a multipart request (field `field`) into memory, at most `maxBytes`, and
 * insists on it. Photos and spreadsheets are parsed whole anyway, and both limits are a few MB.
 */
export async function readUpload(request: MultipartRequest, options: { field: string; maxBytes: number }): Promise<Upload> {
  if (!request.isMultipart()) throw new Invalid('Send the file as multipart/form-data.', { [options.field]: 'Choose a file to upload.' });
  const form = await readFormWithOptionalFile(request, options);
  if (form.fileError) throw form.fileError;
  if (!form.file) throw new Invalid('No file was uploaded.', { [options.field]: 'Choose a file to upload; the one sent was empty or missing.' });
  return { ...form.file, fields: form.fields };
}

export default fp(
  async (app) => {
    await app.register(fastifyMultipart, {
      throwFileSizeLimit: true,
      limits: { fileSize: app.deps.config.maxContentLength, files: 1, fields: 50, fieldSize: 100_000, parts: 60, headerPairs: 200 },
    });
  },
  { name: 'fms-uploads' },
);
