// The POST of the new-student and new-lecturer forms: the record, its sign-in account and its
// optional photo in one transaction.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { authorize } from '../../access.js';
import { AppError, Conflict, Invalid } from '../../lib/errors.js';
import { fullName } from '../../lib/people.js';
import { readFormWithOptionalFile } from '../../plugins/uploads.js';
import { formMessage, photoAgainMessage, photoMessage } from '../../routes/form-messages.js';
import { noStore } from '../../routes/no-store.js';
import { asActor, ctxOf, type RequestContext } from '../../routes/request-context.js';
import { AlreadySubmitted } from '../audit/service.js';
import { discardPhotoObjects, storePhoto } from '../photos/service.js';
import type { PersonKind } from './person-kind.js';
import { PHOTO_MAX_BYTES } from './photo-routes.js';

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
