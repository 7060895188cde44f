// What the people kit (photo-routes.ts, account-routes.ts, new-person-form.ts) needs to know about
// one kind of person record, student or lecturer: each feature describes its kind once (its service
// functions and how its record page is rendered) and registers the shared routes with it; the pages
// and fields that differ stay in the feature's routes.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Action } from '../../access.js';
import type { RequestContext } from '../../routes/request-context.js';

/** The photo and its thumbnail of a record, as files rows (null: none). */
export type PhotoFiles = { photoFileId: number | null; thumbnailFileId: number | null };

/** What the shared routes need to know about one kind of person record. */
export interface PersonKind {
  /** The URL prefix of the records, e.g. "/students". */
  base: string;
  /** The noun in messages, e.g. "student". */
  noun: string;
  /** The permission to change photos and accounts. */
  manage: Action;
  get(ctx: RequestContext, id: number): Promise<{ hasPhoto: boolean }>;
  photoFileId(ctx: RequestContext, id: number, size: 'photo' | 'thumbnail'): Promise<number>;
  setPhotoFiles(ctx: RequestContext, id: number, files: PhotoFiles): Promise<{ previous: (number | null)[] }>;
  accountOf(ctx: RequestContext, id: number): Promise<{ id: number } | null>;
  /** The record page, with a refused photo's message or a one-time password to show. */
  recordPage(
    request: FastifyRequest,
    reply: FastifyReply,
    id: number,
    extra: { photoError?: string; credentials?: { username: string; password: string; title: string } },
  ): Promise<string>;
}
