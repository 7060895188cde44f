// Streamed uploads: the files of a multipart form go into storage as they arrive, a chunk at a time,
// each under a fresh key (never the client's name), with their size and SHA-256 counted on the way
// (Storage.put). uploads.ts reads a file whole, which suits photos and spreadsheets that are parsed
// whole anyway; materials, briefs and submissions are only stored, and may be as large as
// MAX_CONTENT_LENGTH. A refused form (a file too large, empty, one too many, a client gone) leaves
// nothing: every object this request wrote is deleted, the half-written one too. A failure after
// the files are in (the caller's transaction) is undone with the discard() that comes back.
//
// The content type is the client's claim, kept only when it is a well-formed `type/subtype`: the
// bytes are not sniffed. Downloads send `nosniff` and decide inline or attachment from the type, so
// a false claim can only make a browser show a broken file, never run one; and a few magic numbers
// would not make the claim trustworthy (a .docx is a zip, text has none).
import { Readable } from 'node:stream';
import type { FastifyContextConfig, FastifyRequest } from 'fastify';
import { formatBytes } from '../lib/bytes.js';
import { AppError, Invalid } from '../lib/errors.js';
import { deleteObjectsQuietly, newStorageKey, type Storage } from '../storage/index.js';
import { formParts, isMultipart, type MultipartRequest } from './multipart-form.js';
import { formLimits, UploadTooLarge } from './uploads.js';
import './types.js';

export interface ReceivedFile {
  /** Where the bytes are: a new key from newStorageKey(), never derived from the client's name. */
  storageKey: string;
  /** The client's base name for display and Content-Disposition: no path, no control characters. */
  originalName: string;
  /** The client's claim as a lowercase `type/subtype`, or application/octet-stream. */
  contentType: string;
  size: number;
  /** Lowercase hex SHA-256 of the stored bytes. */
  sha256: string;
}

export interface ReceivedForm {
  /** The form's text fields, before and after the files; the first value of a repeated name. */
  fields: Record<string, string>;
  /** Every value of each text field, in the order sent (ticked checkboxes share one name). */
  allFields: Record<string, string[]>;
  files: ReceivedFile[];
  /**
   * Deletes every stored file of this form: call it when the work that records them fails. It
   * never throws (a caller is already handling an error); a file it cannot delete is logged.
   */
  discard(): Promise<void>;
}

export interface ReceiveOptions {
  /** The form field whose files are kept (default `file`); files sent under other names are read into nothing. */
  field?: string;
  /** Refuse a form without any file (default true); false for an optional attachment. */
  required?: boolean;
  /** Defaults to the app's storage. */
  storage?: Storage;
  /** For the keys' year/month; defaults to the app's clock. */
  now?: Date;
}

/**
 * A route's config for a form of up to `maxFiles` files: `app.post(url, { config: acceptsFiles(20) },
 * handler)`. Without it the parser stops at one file, as on every other form. The limit has to live
 * in the route because the CSRF check starts the parser before the handler runs.
 */
export function acceptsFiles(maxFiles: number): FastifyContextConfig {
  if (!Number.isInteger(maxFiles) || maxFiles < 1) throw new Error(`acceptsFiles(${maxFiles}): give a whole number of files, at least 1`);
  return { multipartOptions: { limits: { files: maxFiles, parts: formLimits.parts - formLimits.files + maxFiles } } };
}

/** How many files the parser lets through on this request's route. */
function filesAllowed(request: FastifyRequest): number {
  return request.routeOptions.config.multipartOptions?.limits?.files ?? formLimits.files;
}

/** More files than the route takes together than MAX_CONTENT_LENGTH: the request's limit, as nginx's client_max_body_size is. */
export class UploadTooLargeInAll extends UploadTooLarge {
  constructor(limit: number, field: string) {
    super(limit);
    this.message = `The files together are larger than the limit of ${formatBytes(limit)}.`;
    delete this.fields.file;
    this.fields[field] = `Choose files of at most ${formatBytes(limit)} in all, or upload them a few at a time.`;
  }
}

function tooMany(field: string, maxFiles: number): Invalid {
  const most = maxFiles === 1 ? 'one file' : `at most ${maxFiles} files`;
  return new Invalid(`Too many files: this form takes ${most}.`, { [field]: `Choose ${most} at a time.` });
}

function emptyFile(field: string, name: string): Invalid {
  return new Invalid(`The file "${name}" is empty.`, { [field]: `Choose a file that is not empty: "${name}" has no content.` });
}

// Control characters, and the bidirectional marks that make "cod.exe" read as "exe.doc".
// eslint-disable-next-line no-control-regex
const unprintable = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
// The files table keeps names in a varchar(255).
const maxNameLength = 255;

/** The client's file name made safe to show: its last path segment, printable, at most 255 characters. */
export function cleanFileName(name: string): string {
  const base = (name.split(/[\\/]/).pop() ?? '').normalize('NFC').replace(unprintable, '').trim();
  if (base === '' || base === '.' || base === '..') return 'upload';
  const characters = Array.from(base);
  if (characters.length <= maxNameLength) return base;
  // Cut the stem, keep a short extension: the name must still say what kind of file it is.
  const dot = base.lastIndexOf('.');
  const extension = dot > 0 && base.length - dot <= 16 ? Array.from(base.slice(dot)) : [];
  return characters.slice(0, maxNameLength - extension.length).join('') + extension.join('');
}

// RFC 6838's restricted names: what a Content-Type header may safely carry back out.
const mediaType = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;

/** The client's claimed type as a bare lowercase `type/subtype`, or application/octet-stream. */
export function cleanContentType(claim: string | undefined): string {
  const type = (claim ?? '').split(';')[0]!.trim().toLowerCase();
  return mediaType.test(type) ? type : 'application/octet-stream';
}

type FileStream = Readable & { truncated?: boolean };

/**
 * The file's bytes from `first` on, while they fit. Past a limit the rest is read into nothing, so a
 * browser still sending gets the refusal page, then `refusal()` ends the stream with an error: the
 * put fails and the driver removes what it had written.
 */
async function* whileWithinLimit(first: Buffer, rest: AsyncIterator<Buffer>, file: FileStream, counter: { total: number; limit: number }, refusal: () => Error) {
  let over = false;
  let ended = false;
  try {
    for (let chunk = first; ; ) {
      counter.total += chunk.length;
      // The parser stops a file at the limit and marks it truncated; the count catches the request's sum.
      if (file.truncated || counter.total > counter.limit) over = true;
      if (!over) yield chunk;
      const next = await rest.next();
      if (next.done) break;
      chunk = next.value;
    }
    ended = true;
  } finally {
    // Stopped early (the put failed): let the parser know nobody reads this file any more.
    if (!ended) await rest.return?.();
  }
  if (over) throw refusal();
}

function refusalOf(error: unknown, field: string, limit: number, maxFiles: number): unknown {
  if (error instanceof AppError) return error;
  const code = (error as { code?: unknown }).code;
  // A truncated file the route did not read itself (another field's) is reported at the form's end.
  if (code === 'FST_REQ_FILE_TOO_LARGE') return new UploadTooLarge(limit);
  if (code === 'FST_FILES_LIMIT') return tooMany(field, maxFiles);
  return error;
}

/**
 * Reads the request's multipart form to its end, storing each file of `field` as it streams in.
 * Refusals (all after deleting what was stored): UploadTooLarge (413) for a file over
 * MAX_CONTENT_LENGTH, UploadTooLargeInAll (413) for files over it together, Invalid (422) naming the
 * field for an empty file, more files than acceptsFiles() allows, or none when `required`. A client
 * that goes away mid-upload gets the parser's error, and nothing is left in storage either.
 */
export async function receiveFiles(request: FastifyRequest, options: ReceiveOptions = {}): Promise<ReceivedForm> {
  const { deps } = request.server;
  const field = options.field ?? 'file';
  const required = options.required ?? true;
  const storage = options.storage ?? deps.storage;
  const now = options.now ?? deps.clock.now();
  const limit = deps.config.maxContentLength;
  const maxFiles = filesAllowed(request);
  const fields: Record<string, string> = {};
  const allFields: Record<string, string[]> = {};
  const files: ReceivedFile[] = [];
  // Every key a put was started for, the one still being written included.
  const written: string[] = [];
  const discard = () => deleteObjectsQuietly(storage, written.splice(0), request.log, 'an uploaded file could not be deleted: it is left in storage unrecorded');

  if (!isMultipart(request)) {
    if (required) throw new Invalid('Send the files as multipart/form-data.', { [field]: 'Choose a file to upload.' });
    // A URL-encoded form without its optional file.
    for (const [key, value] of Object.entries((request.body ?? {}) as Record<string, unknown>)) {
      const values = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
      if (values.length === 0) continue;
      fields[key] = values[0]!;
      allFields[key] = values;
    }
    return { fields, allFields, files, discard };
  }

  const counter = { total: 0, limit };
  try {
    for await (const part of formParts(request as unknown as MultipartRequest)) {
      if (part.type === 'field') {
        if (typeof part.value === 'string') {
          if (!Object.hasOwn(fields, part.fieldname)) fields[part.fieldname] = part.value;
          (allFields[part.fieldname] ??= []).push(part.value);
        }
        continue;
      }
      if (part.fieldname !== field) {
        part.file.resume();
        continue;
      }
      // The parser refuses the file past acceptsFiles() before it gets here; this holds if it did not.
      if (files.length >= maxFiles) throw tooMany(field, maxFiles);
      const file = part.file as unknown as FileStream;
      const chunks = file[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
      const first = await chunks.next();
      const originalName = cleanFileName(part.filename);
      if (first.done) {
        // A file input left empty still sends a part: no name, no bytes. It is not a file.
        if (part.filename === '') continue;
        throw emptyFile(field, originalName);
      }
      const storageKey = newStorageKey(now);
      written.push(storageKey);
      const outcome: { refused?: Error } = {};
      const refusal = () => {
        outcome.refused = file.truncated || files.length === 0 ? new UploadTooLarge(limit) : new UploadTooLargeInAll(limit, field);
        return outcome.refused;
      };
      const contentType = cleanContentType(part.mimetype);
      const body = Readable.from(whileWithinLimit(first.value, chunks, file, counter, refusal), { objectMode: false });
      try {
        const { size, sha256 } = await storage.put(storageKey, body, { contentType });
        files.push({ storageKey, originalName, contentType, size, sha256 });
      } catch (error) {
        // The driver may wrap the stream's error; what was refused is known here.
        throw outcome.refused ?? error;
      }
    }
  } catch (error) {
    await discard();
    throw refusalOf(error, field, limit, maxFiles);
  }
  if (required && files.length === 0) throw new Invalid('No file was uploaded.', { [field]: 'Choose a file to upload; none was sent.' });
  return { fields, allFields, files, discard };
}
