// Route helpers the people features share: the signed-in actor's context, the record id from the
// address, and the routes every person record (student, lecturer) has alike: its photo (serve,
// upload, remove) and its linked sign-in account (reset password, disable, enable), the new-person
// form's POST (addPersonFromForm) and the list filter (readListFilter). Each feature
// describes its kind of person (its service functions and how its record page is rendered) and
// registers these routes once; the pages and fields that differ stay in the feature's routes.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { authorize, type Action } from '../access.js';
import * as accounts from '../features/accounts/service.js';
import { AlreadySubmitted } from '../features/audit/service.js';
import { deletePhotoFiles, discardPhotoObjects, openPhoto, photoInfo, storePhoto, type DeletedPhotoFiles } from '../features/photos/service.js';
import { sendPhoto } from '../features/photos/send-photo.js';
import { DEFAULT_PHOTO_LIMITS } from '../lib/images.js';
import { AppError, Conflict, Invalid, NotFound } from '../lib/errors.js';
import { fullName } from '../lib/people.js';
import { formMessage, photoAgainMessage, photoMessage } from '../routes/form-messages.js';
import { noStore } from '../routes/no-store.js';
import { idOf } from '../routes/record-id.js';
import { asActor, ctxOf, type RequestContext } from '../routes/request-context.js';
import { readFormWithOptionalFile, readUpload, type Upload } from './uploads.js';

/** Photos may be at most 5 MB, as the photos service checks again. */
export const PHOTO_MAX_BYTES = DEFAULT_PHOTO_LIMITS.maxBytes;

type PhotoFiles = { photoFileId: number | null; thumbnailFileId: number | null };

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

/** The photo routes (/:id/photo, /:id/photo/thumbnail, /:id/photo/remove) of a kind of person. */
export function registerPhotoRoutes(app: FastifyInstance, kind: PersonKind): void {
  for (const size of ['photo', 'thumbnail'] as const) {
    app.get<{ Params: { id: string } }>(size === 'photo' ? '/:id/photo' : '/:id/photo/thumbnail', async (request, reply) => {
      const ctx = ctxOf(request);
      // 404 when the record is outside the actor's scope or has no photo.
      const fileId = await kind.photoFileId(ctx, idOf(request), size);
      const info = await photoInfo(ctx, fileId);
      return sendPhoto(reply, request.headers['if-none-match'], { ...info, open: async () => (await openPhoto(ctx, fileId)).stream });
    });
  }

  app.post<{ Params: { id: string } }>('/:id/photo', async (request, reply) => {
    const ctx = ctxOf(request);
    const id = idOf(request);
    // Out of sight is 404 before the right to change it is asked (convention 3), and both come
    // before the upload is read.
    await kind.get(ctx, id);
    authorize(ctx.actor, kind.manage);
    const refused = async (error: AppError) => {
      reply.code(error.statusCode);
      return reply.html(kind.recordPage(request, reply, id, { photoError: photoMessage(error) }));
    };
    let upload: Upload;
    try {
      upload = await readUpload(request, { field: 'photo', maxBytes: PHOTO_MAX_BYTES });
    } catch (error) {
      if (error instanceof AppError) return refused(error);
      if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') return refused(new AppError(413, 'too_large', `The photo is larger than ${PHOTO_MAX_BYTES / 1024 / 1024} MB.`));
      throw error;
    }
    let storedKeys: string[] = [];
    let replaced: DeletedPhotoFiles | null = null;
    try {
      await asActor(request, async (tx) => {
        const stored = await storePhoto(tx, upload);
        storedKeys = stored.storageKeys;
        const { previous } = await kind.setPhotoFiles(tx, id, { photoFileId: stored.photoFileId, thumbnailFileId: stored.thumbnailFileId });
        replaced = await deletePhotoFiles(tx, previous);
      });
    } catch (error) {
      // The transaction rolled back: photo objects written for it have no row any more.
      if (storedKeys.length) await discardPhotoObjects(ctx, storedKeys);
      if (error instanceof Invalid) return refused(error);
      throw error;
    }
    // The old photo's objects go only once the rows pointing at the new one are committed.
    await (replaced as DeletedPhotoFiles | null)?.removeStoredObjects();
    reply.flash('success', 'Photo saved.');
    return reply.redirect(`${kind.base}/${id}`, 303);
  });

  app.post<{ Params: { id: string } }>('/:id/photo/remove', async (request, reply) => {
    const id = idOf(request);
    let removed: DeletedPhotoFiles | null = null;
    await asActor(request, async (tx) => {
      const person = await kind.get(tx, id);
      authorize(tx.actor, kind.manage);
      if (!person.hasPhoto) return;
      const { previous } = await kind.setPhotoFiles(tx, id, { photoFileId: null, thumbnailFileId: null });
      removed = await deletePhotoFiles(tx, previous);
    });
    await (removed as DeletedPhotoFiles | null)?.removeStoredObjects();
    reply.flash('success', 'Photo removed.');
    return reply.redirect(`${kind.base}/${id}`, 303);
  });
}

/** The linked account's routes (/:id/account/reset-password, disable, enable) of a kind of person. */
export function registerAccountRoutes(app: FastifyInstance, kind: PersonKind): void {
  async function linkedAccount(ctx: RequestContext, id: number) {
    const account = await kind.accountOf(ctx, id);
    if (!account) throw new NotFound(`This ${kind.noun} has no sign-in account.`);
    return account;
  }

  app.post<{ Params: { id: string }; Body: Record<string, unknown> | undefined }>('/:id/account/reset-password', async (request, reply) => {
    const id = idOf(request);
    const formId = typeof request.body?.resetId === 'string' ? request.body.resetId : undefined;
    let reset;
    try {
      reset = await asActor(request, async (tx) => accounts.resetPassword(tx, (await linkedAccount(tx, id)).id, { formId }));
    } catch (error) {
      // A reload of the page that showed the new password: say so on the record, and make none.
      if (!(error instanceof AlreadySubmitted)) throw error;
      reply.flash('warning', error.message);
      return reply.redirect(`${kind.base}/${id}`, 303);
    }
    const page = await kind.recordPage(request, reply, id, {
      credentials: { username: reset.user.username, password: reset.oneTimePassword, title: 'New one-time password' },
    });
    noStore(reply);
    return reply.html(page);
  });

  for (const [path, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    app.post<{ Params: { id: string } }>(`/:id/account/${path}`, async (request, reply) => {
      const id = idOf(request);
      const account = await asActor(request, async (tx) => accounts.setAccountDisabled(tx, (await linkedAccount(tx, id)).id, disabled));
      reply.flash('success', disabled ? `Account ${account.username} is disabled and signed out everywhere.` : `Account ${account.username} is enabled.`);
      return reply.redirect(`${kind.base}/${id}`, 303);
    });
  }
}

/** How the new-record form is shown again: refused (errors) or sent a second time (alreadyCreated). */
export interface NewPersonFormState {
  errors: Record<string, string>;
  message: string;
  photoAgain?: string;
  formId: string;
  alreadyCreated?: { href: string; name: string };
}

/**
 * POST of a new-person form (student or lecturer), with its optional photo, in one transaction: the
 * record page with the one-time password (201), the form again with each field's problem, or, for
 * the same form sent twice (a reloaded answer), a link to the record it made. Photo objects written
 * for a transaction that rolled back are removed.
 */
export async function addPersonFromForm<V>(
  request: FastifyRequest,
  reply: FastifyReply,
  kind: PersonKind,
  spec: {
    valuesOf(fields: Record<string, string>): V;
    create(tx: RequestContext, values: V, formId: string | undefined): Promise<{ id: number; firstName: string; lastName: string; account: { username: string; oneTimePassword: string } }>;
    get(ctx: RequestContext, id: number): Promise<{ id: number; firstName: string; lastName: string }>;
    formPage(values: V, state: NewPersonFormState): Promise<string>;
  },
): Promise<unknown> {
  const ctx = ctxOf(request);
  // Refused before the body (and any photo in it) is read.
  authorize(ctx.actor, kind.manage);
  const form = await readFormWithOptionalFile(request, { field: 'photo', maxBytes: PHOTO_MAX_BYTES });
  const values = spec.valuesOf(form.fields);
  // The form's id survives a refused attempt: corrected and sent again, it still creates one record.
  const formId = /^[0-9a-f-]{36}$/.test(form.fields.formId ?? '') ? form.fields.formId! : randomUUID();
  const again = async (error: AppError, errors: Record<string, string>, alreadyCreated?: { href: string; name: string }) => {
    reply.code(error.statusCode);
    return reply.html(spec.formPage(values, { errors, message: formMessage(error), photoAgain: alreadyCreated ? undefined : photoAgainMessage(form.file), formId, alreadyCreated }));
  };
  if (form.fileError) return again(form.fileError, { photo: photoMessage(form.fileError) });
  let storedKeys: string[] = [];
  try {
    const created = await asActor(request, async (tx) => {
      const made = await spec.create(tx, values, form.fields.formId);
      if (form.file) {
        const stored = await storePhoto(tx, form.file);
        storedKeys = stored.storageKeys;
        await kind.setPhotoFiles(tx, made.id, { photoFileId: stored.photoFileId, thumbnailFileId: stored.thumbnailFileId });
      }
      return made;
    });
    const noun = kind.noun.charAt(0).toUpperCase() + kind.noun.slice(1);
    const page = await kind.recordPage(request, reply, created.id, {
      credentials: { username: created.account.username, password: created.account.oneTimePassword, title: `${noun} ${fullName(created)} added, with a sign-in account` },
    });
    noStore(reply);
    reply.code(201);
    return reply.html(page);
  } catch (error) {
    // The transaction rolled back: photo objects written for it have no row any more.
    if (storedKeys.length) await discardPhotoObjects(ctx, storedKeys);
    if (error instanceof AlreadySubmitted) {
      // A refresh of the "created" page: no second record, a link to the first.
      const earlier = await spec.get(ctx, error.recordId);
      return again(error, {}, { href: `${kind.base}/${earlier.id}`, name: fullName(earlier) });
    }
    if (!(error instanceof Invalid || error instanceof Conflict)) throw error;
    return again(error, error.fields);
  }
}
