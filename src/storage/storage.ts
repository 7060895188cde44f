// Where uploaded files live: one interface, a local-folder driver (local.ts) and an S3-compatible
// driver (s3.ts). Files stream through; nothing here holds a whole file in memory. Keys are made by
// the app (newStorageKey), never from a user's file name, and every driver validates them here.
import { createHash, randomBytes } from 'node:crypto';
import { Transform, Writable, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError, NotFound } from '../lib/errors.js';

export interface PutOptions {
  contentType: string;
  /** The size announced by the client; a stream that ends shorter or runs longer fails the put. */
  size?: number;
  /** Aborts the put (e.g. the client went away); nothing is left behind. */
  signal?: AbortSignal;
}

export interface PutResult {
  size: number;
  /** Lowercase hex SHA-256 of the bytes stored, computed while they streamed through. */
  sha256: string;
}

/** Bytes `start` to `end` of an object, both included (as HTTP's Range counts them). */
export interface ByteRange {
  start: number;
  end: number;
}

export interface GetOptions {
  /**
   * Only these bytes (a download's Range). An end past the object's last byte is read as its last
   * byte; a start past it throws RangeNotSatisfiable.
   */
  range?: ByteRange;
}

export interface StoredObject {
  stream: Readable;
  /** The whole object's size, however little of it `stream` gives. */
  size: number;
  /** What `stream` gives: the bytes read (the range's end clamped to the object's last byte), and how many. */
  range: ByteRange | null;
  length: number;
  /** Known to S3; the local folder keeps no content types (the files table does). */
  contentType?: string;
}

export interface ListedObject {
  key: string;
  size: number;
}

export interface StorageHealth {
  ok: boolean;
  /** What is wrong and how to fix it, naming the path or the variable. */
  reason?: string;
}

export interface Storage {
  readonly kind: 'local' | 's3';
  /** Streams `stream` under `key`, replacing any object there; a failed put leaves nothing behind. */
  put(key: string, stream: Readable, options: PutOptions): Promise<PutResult>;
  /** Throws ObjectNotFound when there is nothing under `key`; reads only `options.range` when given. */
  get(key: string, options?: GetOptions): Promise<StoredObject>;
  /** Deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
  /** Every object whose key starts with `prefix` (no particular order). */
  list(prefix?: string): AsyncIterable<ListedObject>;
  /** For /readyz and `fms doctor`: can files be written now? */
  check(): Promise<StorageHealth>;
  /** For people: "folder /var/lib/fms/uploads" or "s3://bucket at https://endpoint". */
  describe(): string;
  /** Releases connections (the S3 client); the storage is unusable afterwards. */
  close(): Promise<void>;
}

/** Nothing is stored under this key. */
export class ObjectNotFound extends NotFound {
  constructor(readonly key: string) {
    super('The file is missing from storage');
  }
}

/**
 * The range starts past the object's last byte (an empty object has none). Answered as HTTP's 416
 * should it reach the error handler: the caller's record of the size disagreed with the storage.
 */
export class RangeNotSatisfiable extends AppError {
  constructor(
    readonly key: string,
    readonly range: ByteRange,
    readonly size: number | undefined,
  ) {
    super(416, 'range_not_satisfiable', 'The requested part of the file is past its end');
  }
}

/** A range that no request can mean (negative, reversed, fractional): a programming error. */
export function assertValidRange(range: ByteRange): void {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start)
    throw new RangeError(`Invalid byte range ${JSON.stringify(range)}: start and end are whole numbers with 0 <= start <= end`);
}

/** The part of an object of `size` bytes that `range` asks for, its end clamped to the last byte. */
export function clampRange(key: string, range: ByteRange, size: number): ByteRange {
  if (range.start >= size) throw new RangeNotSatisfiable(key, range, size);
  return { start: range.start, end: Math.min(range.end, size - 1) };
}

/** A key that could escape the storage root or that the app never makes: a programming error. */
export class InvalidStorageKey extends Error {
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`Invalid storage key ${JSON.stringify(key)}: ${reason}`);
    this.name = 'InvalidStorageKey';
  }
}

/** The stream ended at a different size than announced (a truncated or padded upload). */
export class SizeMismatch extends Error {
  constructor(
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`The upload was ${actual} bytes where ${expected} were announced`);
    this.name = 'SizeMismatch';
  }
}

const keyCharacters = /^[a-zA-Z0-9/_.-]+$/;
// The files table keeps keys in a varchar(255).
const maxKeyLength = 255;

/** Why `key` is refused, or null when it is a valid key. */
export function keyProblem(key: string): string | null {
  if (typeof key !== 'string' || key === '') return 'it is empty';
  if (key.length > maxKeyLength) return `it is longer than ${maxKeyLength} characters`;
  if (!keyCharacters.test(key)) return 'only letters, digits and / _ . - are allowed';
  if (key.startsWith('/')) return 'it is an absolute path';
  for (const segment of key.split('/')) {
    if (segment === '') return 'it has an empty path segment';
    if (segment === '.' || segment === '..') return 'it has a . or .. segment';
    // Dot names are the drivers' own (temporary files); keeping them out of the key space means a
    // listing never shows a half-written file.
    if (segment.startsWith('.')) return 'a segment starts with a dot';
  }
  return null;
}

export function isValidKey(key: string): boolean {
  return keyProblem(key) === null;
}

export function assertValidKey(key: string): void {
  const problem = keyProblem(key);
  if (problem) throw new InvalidStorageKey(key, problem);
}

/** A prefix for list(): a key's beginning, so it may end with "/" or be empty. */
export function assertValidPrefix(prefix: string): void {
  if (prefix === '') return;
  const problem = keyProblem(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
  if (problem) throw new InvalidStorageKey(prefix, problem);
}

/** A fresh key, `yyyy/mm/<22 random characters>`: months keep folders small, randomness keeps keys unguessable. */
export function newStorageKey(now: Date, random: (size: number) => Buffer = randomBytes): string {
  const month = String(now.getUTCMonth() + 1).padStart(2, '0');
  return `${now.getUTCFullYear()}/${month}/${random(16).toString('base64url')}`;
}

/** A pass-through that hashes and counts what flows through it, and checks the announced size. */
export class HashingCounter extends Transform {
  private readonly hash = createHash('sha256');
  private bytes = 0;
  private digest: string | null = null;

  constructor(private readonly expectedSize?: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.expectedSize !== undefined && this.bytes > this.expectedSize) {
      callback(new SizeMismatch(this.expectedSize, this.bytes));
      return;
    }
    this.hash.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.expectedSize !== undefined && this.bytes !== this.expectedSize) {
      callback(new SizeMismatch(this.expectedSize, this.bytes));
      return;
    }
    this.digest = this.hash.digest('hex');
    callback();
  }

  /** The size and SHA-256 once the stream has ended. */
  result(): PutResult {
    if (this.digest === null) throw new Error('HashingCounter.result() called before the stream ended');
    return { size: this.bytes, sha256: this.digest };
  }
}

/** Reads a stream to its end and returns its size and SHA-256, holding one chunk at a time. */
export async function sha256Of(stream: Readable): Promise<PutResult> {
  const hasher = new HashingCounter();
  await pipeline(stream, hasher, new Writable({ write: (_chunk, _encoding, done) => done() }));
  return hasher.result();
}

/** Hashes the object stored under `key`. */
export async function storedSha256(storage: Storage, key: string): Promise<PutResult> {
  const object = await storage.get(key);
  return sha256Of(object.stream);
}

/**
 * Deletes objects no row refers to (a refused upload's, or after the rows' transaction committed).
 * Never throws: the caller is usually handling an error already. An object it cannot delete is
 * logged with `message` and stays, unreferenced, costing only its space.
 */
export async function deleteObjectsQuietly(storage: Storage, keys: readonly string[], log: { warn(details: object, message: string): void }, message: string): Promise<void> {
  const results = await Promise.allSettled(keys.map((key) => storage.delete(key)));
  results.forEach((result, i) => {
    if (result.status === 'rejected') log.warn({ err: result.reason, storageKey: keys[i] }, message);
  });
}
