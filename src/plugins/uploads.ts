// Uploads: @fastify/multipart with hard limits, and readUpload() for the routes that take one file
// (a photo, an import). An over-limit file fails with 413 instead of being silently truncated (the
// plugin's default), and nothing of it is kept. Forms post the CSRF token in the query string
// (`?_csrf=…`) because the multipart body is only read by the handler, after the CSRF check.
import fastifyMultipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
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

/**
 * Reads the one file of a multipart request (field `field`) into memory, at most `maxBytes`.
 * Photos and spreadsheets are parsed whole anyway, and both limits are a few MB.
 */
export async function readUpload(request: FastifyRequest, options: { field: string; maxBytes: number }): Promise<Upload> {
  if (!request.isMultipart()) throw new Invalid('Send the file as multipart/form-data.', { [options.field]: 'Choose a file to upload.' });
  const fields: Record<string, string> = {};
  let upload: Upload | null = null;
  for await (const part of request.parts({ limits: { fileSize: options.maxBytes, files: 1 } })) {
    if (part.type === 'field') {
      if (typeof part.value === 'string') fields[part.fieldname] = part.value;
      continue;
    }
    if (part.fieldname !== options.field || upload) {
      part.file.resume();
      continue;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of part.file as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > options.maxBytes) throw new UploadTooLarge(options.maxBytes);
      chunks.push(chunk);
    }
    if (part.file.truncated) throw new UploadTooLarge(options.maxBytes);
    upload = { filename: part.filename || 'upload', mimetype: part.mimetype, bytes: Buffer.concat(chunks), fields };
  }
  if (!upload || upload.bytes.length === 0) throw new Invalid('No file was uploaded.', { [options.field]: 'Choose a file to upload; the one sent was empty or missing.' });
  return { ...upload, fields };
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
