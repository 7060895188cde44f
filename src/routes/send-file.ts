// Sending a stored file (a learning material, an exercise's attachment, a submission) from a route:
// streamed, never held whole, with HTTP ranges so a long video or a large PDF can be resumed and
// scrolled, and with the headers that keep an uploaded file from ever acting as a page of FMS.
//
// Why the headers are what they are:
// - Only passive types are ever shown inline, and only when the route asks (INLINE_TYPES below).
//   Everything else, HTML, SVG, XML and anything unknown first of all, is an attachment whatever
//   the route asks: a lecturer's or a student's upload shown inline would run on FMS's origin.
// - Types a browser can run or apply (markup, scripts, stylesheets, WebAssembly) are sent as
//   application/octet-stream. An attachment is never rendered by navigating to it, but it can still
//   be loaded as a subresource: an uploaded .js served as text/javascript from FMS's own origin
//   would satisfy the app's `script-src 'self'` (one HTML injection, or a service worker, away from
//   running), and a .css its `style-src 'self'`. With nosniff, browsers refuse octet-stream as a
//   script or a stylesheet. The name keeps its extension, so the saved file opens as what it is.
// - Content-Security-Policy `default-src 'none'; sandbox` on downloads: should a browser render the
//   file after all, it loads nothing, runs nothing and has no origin. What is shown inline gets what
//   the browser's own viewer needs and no more (contentSecurityPolicy below): audio, video and PDF
//   go without `sandbox`, because a sandboxed media page cannot load its media and Safari shows a
//   sandboxed PDF as a blank page (adobe/aem-core-wcm-components#2839). Nothing of the file runs in
//   them: players and PDF viewers keep a file's scripts to themselves.
// - `private, no-cache` and the SHA-256 as ETag, as for photos: the browser asks before every use,
//   so access is checked on every request (see FILE_CACHE_CONTROL).
//
// It takes any request with method/headers and any reply with header/code/send (Fastify's, or a
// test's), so callers outside Fastify's types can use it too.
import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import type { ByteRange } from '../storage/index.js';

export type { ByteRange };

export interface FileRequest {
  method: string;
  headers: IncomingHttpHeaders;
}

export interface FileReply {
  header(name: string, value: string): unknown;
  code(statusCode: number): unknown;
  send(payload?: unknown): unknown;
}

/** What sendStoredFile needs of a stored file: its row in the files table and a way to read it. */
export interface SendableFile {
  contentType: string;
  /** The whole file's size in bytes. */
  size: number;
  /** Lowercase hex SHA-256 of the stored bytes: the ETag. */
  sha256: string;
  /** The name it was uploaded under; only its last path segment is ever sent. */
  originalName: string;
  /** When these bytes were stored (a replaced file is a new file): Last-Modified. */
  createdAt: Date;
  /**
   * The bytes, or only bytes `range.start` to `range.end` (inclusive), e.g.
   * `(range) => storage.get(key, { range }).then((o) => o.stream)`. Called only when bytes are to be
   * sent: not for HEAD, 304 or 416. A rejection (a missing object's NotFound) reaches the error
   * handler before any file header is set.
   */
  open(range?: ByteRange): Promise<Readable>;
}

export interface SendFileOptions {
  /** Show it in the browser (a "view" link) when its type is safe to show; otherwise it downloads anyway. */
  inline?: boolean;
}

/**
 * The browser asks again before every use (no-cache), so a file is shown only while its viewer may
 * see it: after sign-out, or once a student leaves the subject, the route's access check answers
 * 303 or 404 instead of 304 (ASVS 8.2.1). While access lasts, the question costs one row read and a
 * 304 without the bytes. Never in a shared cache (private).
 */
export const FILE_CACHE_CONTROL = 'private, no-cache';

/** The ETag of stored bytes: their SHA-256, quoted (a strong tag: the same hash is the same bytes). */
export function fileEtag(sha256: string): string {
  return `"${sha256}"`;
}

/** Whether an If-None-Match header names this ETag (weak comparison, as RFC 9110 asks for GET). */
export function etagMatches(ifNoneMatch: string | string[] | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  const tags = (Array.isArray(ifNoneMatch) ? ifNoneMatch.join(',') : ifNoneMatch).split(',').map((t) => t.trim());
  return tags.some((tag) => tag === '*' || tag.replace(/^W\//, '') === etag);
}

/**
 * Passive types that browsers display without running anything of the file's, shown inline when a
 * route asks. Images that are documents (SVG) are not among them; neither are formats a browser
 * hands to a plugin or another program.
 */
const INLINE_TYPES = new Set(['application/pdf', 'image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif', 'text/plain']);
const INLINE_FAMILIES = ['audio/', 'video/'];

/** Types a browser renders as a document or runs or applies as a subresource: sent as octet-stream. */
const ACTIVE_TYPES = new Set([
  'text/html',
  'application/xhtml+xml',
  'image/svg+xml',
  'text/xml',
  'application/xml',
  'text/xsl',
  'text/css',
  'application/wasm',
  'multipart/x-mixed-replace',
  'application/x-shockwave-flash',
  'application/futuresplash',
  // The JavaScript MIME types of the WHATWG MIME Sniffing standard.
  'application/ecmascript',
  'application/javascript',
  'application/x-ecmascript',
  'application/x-javascript',
  'text/ecmascript',
  'text/javascript',
  'text/javascript1.0',
  'text/javascript1.1',
  'text/javascript1.2',
  'text/javascript1.3',
  'text/javascript1.4',
  'text/javascript1.5',
  'text/jscript',
  'text/livescript',
  'text/x-ecmascript',
  'text/x-javascript',
]);

const OCTET_STREAM = 'application/octet-stream';
const mimeEssence = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/;

/** A stored type's `type/subtype`, lowercased; null when it is not one (sent as octet-stream). */
function essenceOf(contentType: string): string | null {
  const essence = contentType.split(';')[0]!.trim().toLowerCase();
  return mimeEssence.test(essence) ? essence : null;
}

function isActive(essence: string): boolean {
  // Any XML (application/atom+xml, application/mathml+xml, ...) can carry XHTML and its scripts.
  return ACTIVE_TYPES.has(essence) || essence.endsWith('+xml');
}

/** Whether a file of this type is shown in the browser when a route asks for it inline. */
export function canShowInline(contentType: string): boolean {
  const essence = essenceOf(contentType);
  if (!essence || isActive(essence)) return false;
  return INLINE_TYPES.has(essence) || INLINE_FAMILIES.some((family) => essence.startsWith(family));
}

/** The Content-Type sent for a stored type: itself when passive (UTF-8 for text), else octet-stream. */
export function servedContentType(contentType: string): string {
  const essence = essenceOf(contentType);
  if (!essence || isActive(essence)) return OCTET_STREAM;
  return essence.startsWith('text/') ? `${essence}; charset=utf-8` : essence;
}

/**
 * The file's CSP: nothing of the file's loads or runs. What a browser shows inline is a page of its
 * own around the file, and each kind needs a little (measured in Chromium 156): the image and text
 * pages style themselves inline; the audio and video page loads the file again as media (with
 * Range), which a sandboxed page, having no origin, may not; PDF viewers will not run sandboxed.
 */
function contentSecurityPolicy(inline: boolean, essence: string | null): string {
  if (!inline || essence === null) return "default-src 'none'; sandbox";
  if (essence === 'application/pdf') return "default-src 'none'; style-src 'unsafe-inline'";
  if (INLINE_FAMILIES.some((family) => essence.startsWith(family))) return "default-src 'none'; media-src 'self'; style-src 'unsafe-inline'";
  return "default-src 'none'; style-src 'unsafe-inline'; sandbox";
}

/** The last path segment of an uploaded name, without control, format or unpaired characters. */
function baseName(originalName: string): string {
  const base = originalName.split(/[\\/]/).pop() ?? '';
  const clean = base
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu, '')
    .trim();
  return clean === '' || clean === '.' || clean === '..' ? 'download' : clean;
}

/** RFC 5987's attr-char: encodeURIComponent leaves ' ( ) * as they are, which it does not allow. */
function percentEncoded(name: string): string {
  return encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * The filename="..." for browsers without RFC 6266: accents dropped (č -> c), other non-ASCII as _,
 * no quote or backslash to end the string early, no % that some would decode.
 */
function asciiFallback(name: string): string {
  const ascii = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/["\\]/g, '')
    .replace(/[^\x20-\x7e]|%/g, '_')
    .trim();
  return ascii === '' ? 'download' : ascii;
}

/** `attachment; filename="Predavanje c1 uvod.pdf"; filename*=UTF-8''Predavanje%20%C4%8D1%20%22uvod%22.pdf` */
export function contentDisposition(disposition: 'inline' | 'attachment', originalName: string): string {
  const name = baseName(originalName);
  return `${disposition}; filename="${asciiFallback(name)}"; filename*=UTF-8''${percentEncoded(name)}`;
}

/**
 * The one range a `Range` header asks of a file of `size` bytes (RFC 9110 14.1.2): `bytes=a-b`,
 * `bytes=a-` or `bytes=-n`. Null when the whole file is to be sent: no header, another unit, a
 * malformed or reversed range, several ranges (the whole file answers them, as RFC 9110 allows),
 * or an empty file (nothing a range could name). 'unsatisfiable' for a start past the end or `-0`.
 */
export function requestedRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | null {
  if (!header || size === 0) return null;
  const set = /^bytes=(.*)$/i.exec(header.trim());
  if (!set) return null;
  const specs = set[1]!.split(',').map((spec) => spec.trim()).filter((spec) => spec !== '');
  if (specs.length !== 1) return null;
  const spec = /^(\d*)-(\d*)$/.exec(specs[0]!);
  if (!spec) return null;
  const [, first = '', last = ''] = spec;
  if (first === '') {
    if (last === '') return null;
    const suffix = Number(last);
    return suffix === 0 ? 'unsatisfiable' : { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (last !== '' && Number(last) < start) return null;
  if (start >= size) return 'unsatisfiable';
  return { start, end: last === '' ? size - 1 : Math.min(Number(last), size - 1) };
}

/** If-Range holds when it is this very ETag (strong comparison); a date or another tag means "send it all". */
function ifRangeHolds(ifRange: string | undefined, etag: string): boolean {
  return ifRange === undefined || ifRange.trim() === etag;
}

/**
 * Answers a GET or HEAD for a stored file: 304 when the browser's copy is current, 206 for one
 * satisfiable range, 416 for an unsatisfiable one, else 200 with the whole file. Call it only after
 * the access check: a conditional request must be refused like any other when the actor may not
 * see the file (a 304 tells the browser to use what it kept).
 *
 * HEAD (Fastify answers it with the GET route, exposeHeadRoutes) gets the GET's headers without
 * opening the file: the files table row is enough. Its Range is ignored, as RFC 9110 defines ranges
 * for GET only.
 */
export async function sendStoredFile(request: FileRequest, reply: FileReply, file: SendableFile, options: SendFileOptions = {}): Promise<unknown> {
  const etag = fileEtag(file.sha256);
  const essence = essenceOf(file.contentType);
  const inline = options.inline === true && canShowInline(file.contentType);
  // On every answer, 304 included: a 304 updates the headers of the copy the browser kept.
  const common = () => {
    reply.header('Cache-Control', FILE_CACHE_CONTROL);
    reply.header('ETag', etag);
    reply.header('Last-Modified', file.createdAt.toUTCString());
    reply.header('Accept-Ranges', 'bytes');
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Content-Security-Policy', contentSecurityPolicy(inline, essence));
  };

  if (etagMatches(request.headers['if-none-match'], etag)) {
    common();
    reply.code(304);
    return reply.send();
  }

  const head = request.method === 'HEAD';
  const ifRange = request.headers['if-range'];
  const range = head || !ifRangeHolds(Array.isArray(ifRange) ? ifRange.join(',') : ifRange, etag) ? null : requestedRange(request.headers.range, file.size);
  if (range === 'unsatisfiable') {
    common();
    reply.header('Content-Range', `bytes */${file.size}`);
    reply.code(416);
    return reply.send();
  }

  // Opened before any file header is set, so a missing object's 404 page is not sent as the file
  // (an attachment, in a sandbox). HEAD sends an empty stream: Fastify keeps the Content-Length
  // set here for a stream, where it would write 0 for no body.
  const stream = head ? Readable.from([]) : await file.open(range ?? undefined);
  common();
  reply.header('Content-Type', servedContentType(file.contentType));
  reply.header('Content-Disposition', contentDisposition(inline ? 'inline' : 'attachment', file.originalName));
  if (range) {
    reply.header('Content-Range', `bytes ${range.start}-${range.end}/${file.size}`);
    reply.header('Content-Length', String(range.end - range.start + 1));
    reply.code(206);
  } else {
    reply.header('Content-Length', String(file.size));
    reply.code(200);
  }
  return reply.send(stream);
}
