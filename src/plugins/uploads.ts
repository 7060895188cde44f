// Uploads: @fastify/multipart with hard limits; readFormWithOptionalFile() for forms whose file is
// optional (a new person's photo) and readUpload() for those that need one (a photo, an import). An
// over-limit file fails with 413 instead of being silently truncated (the plugin's default), and
// nothing of it is kept. Both read the body through formParts() (multipart-form.ts): the CSRF check
// has already taken the form's first field, its token, before the route runs. Files that are only
// stored, never parsed (materials, briefs, submissions), stream to storage instead: streamed-uploads.ts.
import fastifyMultipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { formatBytes } from '../lib/bytes.js';
import { AppError, Invalid } from '../lib/errors.js';
import { drainUnreadForm, formParts, type MultipartRequest, type Part } from './multipart-form.js';
import './types.js';

/**
 * The parser's limits for every multipart form, except fileSize (MAX_CONTENT_LENGTH): one file. A
 * route that takes several raises `files` through its config (streamed-uploads.ts, acceptsFiles()).
 */
export const formLimits = { files: 1, fields: 50, fieldSize: 100_000, parts: 60, headerPairs: 200 } as const;

export class UploadTooLarge extends AppError {
  constructor(limit: number) {
    super(413, 'too_large', `The file is larger than the limit of ${formatBytes(limit)}.`, { file: `Choose a file of at most ${formatBytes(limit)}.` });
  }
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

export interface FormWithFile {
  fields: Record<string, string>;
  file: { bytes: Buffer; filename: string; mimetype: string } | null;
  /** Why the file was refused (too large, empty); the fields read before it are still here. */
  fileError: AppError | null;
}

/**
 * The text fields and the optional file `field` (at most `maxBytes`, and never more than
 * MAX_CONTENT_LENGTH). A refused file ends the reading with `fileError` set; forms put the file
 * input last, so every text field came before it. A URL-encoded form is accepted too, without a file.
 */
export async function readFormWithOptionalFile(request: FastifyRequest, options: { field: string; maxBytes: number }): Promise<FormWithFile> {
  if (!request.isMultipart()) {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const fields: Record<string, string> = {};
    for (const [key, value] of Object.entries(body)) if (typeof value === 'string') fields[key] = value;
    return { fields, file: null, fileError: null };
  }
  // The parser's own limit (registered below) holds for every route; a route may only lower it.
  const limit = Math.min(options.maxBytes, request.server.deps.config.maxContentLength);
  const fields: Record<string, string> = {};
  let file: FormWithFile['file'] = null;
  try {
    for await (const part of formParts(request as unknown as MultipartRequest)) {
      if (part.type === 'field') {
        if (typeof part.value === 'string' && !Object.hasOwn(fields, part.fieldname)) fields[part.fieldname] = part.value;
        continue;
      }
      if (part.fieldname !== options.field || file) {
        part.file.resume();
        continue;
      }
      try {
        file = await readFile(part, options.field, limit);
      } catch (error) {
        if (error instanceof AppError) return { fields, file: null, fileError: error };
        throw error;
      }
    }
  } catch (error) {
    // The parser's file limit, reported once the file has ended.
    if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') return { fields, file: null, fileError: new UploadTooLarge(limit) };
    throw error;
  }
  return { fields, file, fileError: null };
}

async function readFile(part: Extract<Part, { type: 'file' }>, field: string, limit: number): Promise<FormWithFile['file']> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of part.file as AsyncIterable<Buffer>) {
    size += chunk.length;
    // Past the limit the file is still read to its end, into nothing: a browser still sending
    // gets the refusal page instead of a broken connection.
    if (size > limit) chunks.length = 0;
    else chunks.push(chunk);
  }
  if (size > limit || part.file.truncated) throw new UploadTooLarge(limit);
  // A file input left empty still sends a part: no name, no bytes.
  if (size > 0) return { bytes: Buffer.concat(chunks), filename: part.filename || 'upload', mimetype: part.mimetype };
  if (part.filename) throw new Invalid('The chosen file is empty.', { [field]: `The file ${part.filename} was empty or missing; choose another.` });
  return null;
}

/**
 * Reads the one file of a multipart request (field `field`) into memory, at most `maxBytes`, and
 * insists on it. Photos and spreadsheets are parsed whole anyway, and both limits are a few MB.
 */
export async function readUpload(request: FastifyRequest, options: { field: string; maxBytes: number }): Promise<Upload> {
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
      limits: { fileSize: app.deps.config.maxContentLength, ...formLimits },
    });
    // Not awaited: the answer is out, and the drain must not hold up the hooks that log it.
    app.addHook('onResponse', async (request, reply) => {
      void drainUnreadForm(request, /close/i.test(String(reply.getHeader('connection') ?? '')));
    });
  },
  { name: 'fms-uploads' },
);
