// The S3-compatible driver (AWS S3, MinIO, Garage, Ceph, …). Puts stream through a SHA-256 counter
// into lib-storage's Upload: S3 needs each request's length up front, so the Upload holds the parts
// in flight, the one filling and briefly its concatenation, about partSize × (queueSize + 2) bytes
// (15 MiB) however large the file (a file smaller than one part goes in one PutObject). Nothing reaches the bucket until the whole
// stream has been read, so a failed stream never leaves a partial object, even on servers that keep
// a truncated PUT (s3rver does).
import type { S3Client } from '@aws-sdk/client-s3';
import { pipeline, Readable } from 'node:stream';
import type { StorageTarget } from '../config/index.js';
import {
  assertValidKey,
  assertValidPrefix,
  assertValidRange,
  clampRange,
  HashingCounter,
  ObjectNotFound,
  RangeNotSatisfiable,
  type ByteRange,
  type GetOptions,
  type ListedObject,
  type PutOptions,
  type PutResult,
  type Storage,
  type StorageHealth,
  type StoredObject,
} from './storage.js';

export type S3Target = Extract<StorageTarget, { kind: 's3' }>;

export interface S3StorageOptions {
  /** Bytes per multipart part; S3 wants at least 5 MiB for every part but the last. */
  partSize?: number;
  /** Parts uploaded at once. */
  queueSize?: number;
  /** How long check() waits for the bucket to answer. */
  checkTimeoutMs?: number;
}

const MiB = 1024 * 1024;

// The AWS SDK (6 MB of memory, 0.1 s to load) loads with the first request to the bucket, so a
// server whose uploads live in UPLOAD_FOLDER never loads it.
type Sdk = typeof import('@aws-sdk/client-s3') & Pick<typeof import('@aws-sdk/lib-storage'), 'Upload'>;
let loadedSdk: Promise<Sdk> | null = null;
function loadSdk(): Promise<Sdk> {
  loadedSdk ??= Promise.all([import('@aws-sdk/client-s3'), import('@aws-sdk/lib-storage')]).then(([client, storage]) => ({ ...client, Upload: storage.Upload }));
  return loadedSdk;
}

interface ServiceError {
  name?: string;
  code?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
}

function statusOf(error: unknown): number | undefined {
  return (error as ServiceError)?.$metadata?.httpStatusCode;
}

function isMissing(error: unknown): boolean {
  const name = (error as ServiceError)?.name;
  return name === 'NoSuchKey' || name === 'NotFound' || statusOf(error) === 404;
}

function isUnsatisfiable(error: unknown): boolean {
  return (error as ServiceError)?.name === 'InvalidRange' || statusOf(error) === 416;
}

/** The part a 206 carries and the object's size, from its Content-Range (`bytes 0-99/1234`); null for a whole object. */
function sentRange(contentRange: string | undefined): { start: number; end: number; size: number } | null {
  if (!contentRange) return null;
  const match = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(contentRange.trim());
  if (!match) throw new Error(`The bucket answered a range with an unreadable Content-Range: ${JSON.stringify(contentRange)}`);
  return { start: Number(match[1]), end: Number(match[2]), size: Number(match[3]) };
}

/** `length` bytes of `source` after the first `skip`; the source is closed as soon as they are read. */
function sliceOf(source: Readable, skip: number, length: number): Readable {
  async function* slice(): AsyncGenerator<Buffer> {
    let skipping = skip;
    let left = length;
    // Leaving the loop (done, or the reader went away) destroys the source.
    for await (const chunk of source as AsyncIterable<Buffer>) {
      let part = chunk;
      if (skipping > 0) {
        const skipped = Math.min(skipping, part.length);
        skipping -= skipped;
        part = part.subarray(skipped);
      }
      if (part.length > left) part = part.subarray(0, left);
      left -= part.length;
      if (part.length > 0) yield part;
      if (left === 0) return;
    }
    if (left > 0) throw new Error(`the object ended ${left} bytes before the range did`);
  }
  return Readable.from(slice(), { objectMode: false });
}

export function createS3Storage(target: S3Target, options: S3StorageOptions = {}): Storage {
  const { bucket } = target;
  const partSize = options.partSize ?? 5 * MiB;
  const queueSize = options.queueSize ?? 1;
  const checkTimeoutMs = options.checkTimeoutMs ?? 3000;
  const where = target.endpoint ? `s3://${bucket} at ${target.endpoint}` : `s3://${bucket} in ${target.region}`;

  let connection: Promise<{ sdk: Sdk; client: S3Client }> | null = null;
  let closed = false;
  const connect = (): Promise<{ sdk: Sdk; client: S3Client }> => {
    if (closed) return Promise.reject(new Error(`The storage at ${where} is closed`));
    connection ??= loadSdk().then((sdk) => ({
      sdk,
      client: new sdk.S3Client({
        region: target.region,
        ...(target.endpoint ? { endpoint: target.endpoint } : {}),
        forcePathStyle: target.forcePathStyle,
        credentials: { accessKeyId: target.accessKeyId, secretAccessKey: target.secretAccessKey },
        maxAttempts: 3,
        // Many S3-compatible servers reject the SDK's default CRC checksums (aws-chunked trailers); FMS
        // verifies content with its own SHA-256, so ask for checksums only where an operation requires one.
        ...(target.endpoint ? { requestChecksumCalculation: 'WHEN_REQUIRED' as const, responseChecksumValidation: 'WHEN_REQUIRED' as const } : {}),
      }),
    }));
    return connection;
  };

  return {
    kind: 's3',

    async put(key: string, stream: Readable, putOptions: PutOptions): Promise<PutResult> {
      assertValidKey(key);
      const hasher = new HashingCounter(putOptions.size);
      // One switch stops the upload, parts in flight included, whatever goes wrong: the source fails,
      // its size is not the one announced, or the caller aborts.
      const controller = new AbortController();
      pipeline(stream, hasher, (error) => {
        if (error) controller.abort(error);
      });
      const signal = putOptions.signal;
      const onAbort = () => hasher.destroy(signal?.reason instanceof Error ? signal.reason : new Error('The upload was aborted'));
      if (signal?.aborted) onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        // Inside the try: the source is already piped, so a failure to load the SDK ends it too.
        const { sdk, client } = await connect();
        const params = { Bucket: bucket, Key: key, Body: hasher, ContentType: putOptions.contentType };
        await new sdk.Upload({ client, params, partSize, queueSize, leavePartsOnError: false, abortController: controller }).done();
      } catch (error) {
        stream.destroy();
        hasher.destroy();
        // The source's own error says more than the SDK's "aborted".
        throw controller.signal.aborted && controller.signal.reason instanceof Error ? controller.signal.reason : error;
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
      return hasher.result();
    },

    async get(key: string, getOptions: GetOptions = {}): Promise<StoredObject> {
      assertValidKey(key);
      const asked = getOptions.range;
      if (asked) assertValidRange(asked);
      const { sdk, client } = await connect();
      let answer;
      try {
        answer = await client.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: key, ...(asked ? { Range: `bytes=${asked.start}-${asked.end}` } : {}) }));
      } catch (error) {
        if (isMissing(error)) throw new ObjectNotFound(key);
        if (asked && isUnsatisfiable(error)) throw new RangeNotSatisfiable(key, asked, undefined);
        throw error;
      }
      const body = answer.Body as Readable;
      if (!asked) {
        const size = answer.ContentLength ?? 0;
        return { stream: body, size, range: null, length: size, contentType: answer.ContentType };
      }
      let sent, size, range: ByteRange;
      try {
        sent = sentRange(answer.ContentRange);
        size = sent?.size ?? answer.ContentLength ?? 0;
        range = clampRange(key, asked, size);
      } catch (error) {
        body.destroy();
        throw error;
      }
      const length = range.end - range.start + 1;
      const from = sent?.start ?? 0;
      const to = sent?.end ?? size - 1;
      if (from === range.start && to === range.end) return { stream: body, size, range, length, contentType: answer.ContentType };
      // HTTP lets a server send more than the range asked for (the whole object, or s3rver's whole
      // object for bytes=0-0): cut the slice out of what came, never less than was asked.
      if (from > range.start || to < range.end) {
        body.destroy();
        throw new Error(`${where} answered bytes ${from}-${to} of ${key} for bytes ${range.start}-${range.end}`);
      }
      return { stream: sliceOf(body, range.start - from, length), size, range, length, contentType: answer.ContentType };
    },

    async delete(key: string): Promise<void> {
      assertValidKey(key);
      const { sdk, client } = await connect();
      await client.send(new sdk.DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },

    async exists(key: string): Promise<boolean> {
      assertValidKey(key);
      const { sdk, client } = await connect();
      try {
        await client.send(new sdk.HeadObjectCommand({ Bucket: bucket, Key: key }));
        return true;
      } catch (error) {
        if (isMissing(error)) return false;
        throw error;
      }
    },

    async *list(prefix = ''): AsyncGenerator<ListedObject> {
      assertValidPrefix(prefix);
      const { sdk, client } = await connect();
      let token: string | undefined;
      do {
        const page = await client.send(new sdk.ListObjectsV2Command({ Bucket: bucket, Prefix: prefix || undefined, ContinuationToken: token }));
        for (const object of page.Contents ?? []) if (object.Key !== undefined) yield { key: object.Key, size: object.Size ?? 0 };
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    },

    async check(): Promise<StorageHealth> {
      try {
        const { sdk, client } = await connect();
        await client.send(new sdk.HeadBucketCommand({ Bucket: bucket }), { abortSignal: AbortSignal.timeout(checkTimeoutMs) });
        return { ok: true };
      } catch (error) {
        return { ok: false, reason: explain(error) };
      }
    },

    describe: () => where,

    async close() {
      // A connection still being made is waited for, so its client is destroyed too.
      closed = true;
      (await connection?.catch(() => null))?.client.destroy();
    },
  };

  function explain(error: unknown): string {
    const status = statusOf(error);
    const e = error as ServiceError & Error;
    if (status === 404 || e?.name === 'NoSuchBucket' || e?.name === 'NotFound')
      return `bucket ${bucket} does not exist at ${where}: create it, or fix S3_BUCKET`;
    if (status === 403 || status === 401)
      return `${where} refused the credentials: check S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY and the bucket's policy`;
    if (status === 301 || status === 400)
      return `${where} answered ${status} (a wrong S3_REGION, or S3_FORCE_PATH_STYLE for this server?)`;
    if (e?.name === 'AbortError' || e?.name === 'TimeoutError')
      return `${where} did not answer within ${checkTimeoutMs / 1000} s: check S3_ENDPOINT and the network`;
    const code = e?.code ?? (e as { cause?: { code?: string } })?.cause?.code;
    if (code) return `cannot reach ${where} (${code}): check S3_ENDPOINT and that the server is running`;
    return `${where} is not usable: ${e?.message ?? String(error)}`;
  }
}
