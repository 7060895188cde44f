// The photo of a person record (student, lecturer): served, uploaded and removed alike for both.
import type { FastifyInstance } from 'fastify';
import { authorize } from '../../access.js';
import { DEFAULT_PHOTO_LIMITS } from '../../lib/images.js';
import { AppError, Invalid } from '../../lib/errors.js';
import { readUpload, type Upload } from '../../plugins/uploads.js';
import { photoMessage } from '../../routes/form-messages.js';
import { idOf } from '../../routes/record-id.js';
import { asActor, ctxOf } from '../../routes/request-context.js';
import { deletePhotoFiles, discardPhotoObjects, openPhoto, photoInfo, storePhoto, type DeletedPhotoFiles } from '../photos/service.js';
import { sendPhoto } from '../photos/send-photo.js';
import type { PersonKind } from './person-kind.js';

/** Photos may be at most 5 MB, as the photos service checks again. */
export const PHOTO_MAX_BYTES = DEFAULT_PHOTO_LIMITS.maxBytes;

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
