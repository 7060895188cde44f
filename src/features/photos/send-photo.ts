// Sending a photo from a route, with the headers that let browsers keep it privately and revalidate
// it by its SHA-256 before every use. It takes any reply with header/code/send (Fastify's, or a test's), so this file
// needs no Fastify import.
import type { Readable } from 'node:stream';
import { etagMatches, fileEtag as photoEtag } from '../../routes/send-file.js';

export interface PhotoReply {
  header(name: string, value: string): unknown;
  code(statusCode: number): unknown;
  send(payload?: unknown): unknown;
}

export interface SendablePhoto {
  contentType: string;
  size: number;
  sha256: string;
  updatedAt: Date;
  /** The bytes, already open (openPhoto); destroyed unread when the browser's copy is current. */
  stream?: Readable;
  /** Or a way to open them, called only when they are to be sent (photoInfo + a lazy open). */
  open?: () => Promise<Readable>;
}

/**
 * The browser asks again before every use (no-cache), so a photo is shown only while its viewer may
 * see it: after sign-out, or once a lecturer no longer teaches the group, the route's access check
 * answers 303 or 404 instead of 304, and the copy is not shown (ASVS 8.2.1). While access lasts, the
 * question costs one row read and a 304 without the bytes. Never in a shared cache (private).
 */
export const PHOTO_CACHE_CONTROL = 'private, no-cache';

/**
 * Answers 304 when the browser's copy is current, else 200 with the bytes. Call it only after the
 * access check: a conditional request must be refused like any other when the actor may not see the
 * photo (a 304 would tell the browser to show what it kept). nosniff and inline: shown as the image it is.
 */
export async function sendPhoto(reply: PhotoReply, ifNoneMatch: string | string[] | undefined, photo: SendablePhoto): Promise<unknown> {
  const etag = photoEtag(photo.sha256);
  reply.header('Cache-Control', PHOTO_CACHE_CONTROL);
  reply.header('ETag', etag);
  reply.header('Last-Modified', photo.updatedAt.toUTCString());
  reply.header('X-Content-Type-Options', 'nosniff');
  if (etagMatches(ifNoneMatch, etag)) {
    photo.stream?.destroy();
    reply.code(304);
    return reply.send();
  }
  const stream = photo.stream ?? (photo.open ? await photo.open() : null);
  if (!stream) throw new Error('sendPhoto needs the photo stream or a way to open it');
  reply.header('Content-Type', photo.contentType);
  reply.header('Content-Length', String(photo.size));
  reply.header('Content-Disposition', 'inline');
  reply.code(200);
  return reply.send(stream);
}
