// An article's cover image and audio: set, replaced and removed by whoever may edit the article,
// read by whoever may read it. The cover is re-encoded with a thumbnail for the lists (photos
// service: metadata and hidden payloads dropped); the audio was streamed into storage by the route
// and is kept as sent, served with HTTP Range so players can seek. Replaced objects go only after
// the transaction commits (afterCommit); a rolled-back one leaves no object without its row. They
// leave the article's updatedAt alone: that says when its text or audience last changed.
import type { ServiceContext } from '../../context.js';
import { Invalid, NotFound } from '../../lib/errors.js';
import { recordAudit } from '../audit/service.js';
import * as files from '../files/service.js';
import { storePhoto } from '../photos/service.js';
import * as repo from './repository.js';
import { getNews, newsToEdit } from './service.js';

/** A cover may be at most 10 MB as uploaded; it is stored at most 1600 pixels wide or high. */
export const COVER_MAX_BYTES = 10 * 1024 * 1024;
const COVER_LIMITS = { maxBytes: COVER_MAX_BYTES, maxSide: 1600, thumbnailSide: 320 };

/** What players in every current browser play. */
const AUDIO_TYPES = ['audio/mpeg', 'audio/ogg', 'audio/wav', 'audio/x-wav', 'audio/wave', 'audio/webm', 'audio/mp4', 'audio/x-m4a', 'audio/aac', 'audio/flac'] as const;
export const AUDIO_EXTENSIONS = 'MP3, OGG, WAV, WebM, M4A, AAC or FLAC';

/** What a change of a cover or audio answers: the article's id, and the old objects to delete once committed. */
export interface MediaChange extends files.AfterCommit {
  id: number;
}

const nothingToDelete = async () => {};

/** Stores the uploaded image as the article's cover (with its thumbnail), in place of the old one. */
export async function setCover(ctx: ServiceContext, newsId: number, upload: { bytes: Buffer; filename: string }): Promise<MediaChange & { storedKeys: string[] }> {
  const before = await newsToEdit(ctx, newsId);
  const stored = await storePhoto(ctx, upload, COVER_LIMITS, { field: 'cover', noun: 'cover image' });
  await repo.updateNews(ctx.db, newsId, { coverFileId: stored.photoFileId, coverThumbnailFileId: stored.thumbnailFileId });
  const old = [before.coverFileId, before.coverThumbnailFileId].filter((id): id is number => id !== null);
  const keys = await files.deleteFileRecordsById(ctx, old);
  await recordAudit(ctx, { action: before.coverFileId ? 'news.cover_replaced' : 'news.cover_added', entity: 'news', entityId: newsId, after: { title: before.title, cover: upload.filename } });
  return { id: newsId, storedKeys: stored.storageKeys, afterCommit: () => files.discardStoredObjects(ctx, keys) };
}

/** Removes the article's cover; an article without one (a second click, an old tab) is left as it is. */
export async function removeCover(ctx: ServiceContext, newsId: number): Promise<MediaChange> {
  const before = await newsToEdit(ctx, newsId);
  if (!before.coverFileId) return { id: newsId, afterCommit: nothingToDelete };
  await repo.updateNews(ctx.db, newsId, { coverFileId: null, coverThumbnailFileId: null });
  const keys = await files.deleteFileRecordsById(
    ctx,
    [before.coverFileId, before.coverThumbnailFileId].filter((id): id is number => id !== null),
  );
  await recordAudit(ctx, { action: 'news.cover_removed', entity: 'news', entityId: newsId, before: { title: before.title } });
  return { id: newsId, afterCommit: () => files.discardStoredObjects(ctx, keys) };
}

/** Whether a stored type is audio a browser plays (parameters such as `; codecs=…` aside). */
function isPlayableAudio(contentType: string): boolean {
  const essence = contentType.split(';')[0]!.trim().toLowerCase();
  return (AUDIO_TYPES as readonly string[]).includes(essence);
}

/**
 * Records an audio file already stored (streamed by the route) as the article's audio, in place of
 * the old one. The caller checked newsToEdit before storing a byte, and discards the object when this throws.
 */
export async function setAudio(ctx: ServiceContext, newsId: number, upload: files.NewFileRecord): Promise<MediaChange> {
  const before = await newsToEdit(ctx, newsId);
  if (!isPlayableAudio(upload.contentType))
    throw new Invalid('Check the highlighted fields.', {
      audio: `The audio cannot be used: ${upload.originalName} is not an audio file browsers play. Upload ${AUDIO_EXTENSIONS}.`,
    });
  const fileId = await files.recordStoredFile(ctx, upload);
  await repo.updateNews(ctx.db, newsId, { audioFileId: fileId });
  const oldKey = before.audioFileId ? await files.deleteFileRecord(ctx, before.audioFileId) : null;
  await recordAudit(ctx, {
    action: before.audioFileId ? 'news.audio_replaced' : 'news.audio_added',
    entity: 'news',
    entityId: newsId,
    after: { title: before.title, audio: upload.originalName, size: upload.size, sha256: upload.sha256 },
  });
  return { id: newsId, afterCommit: () => files.discardStoredObjects(ctx, oldKey ? [oldKey] : []) };
}

/** Removes the article's audio; an article without any is left as it is. */
export async function removeAudio(ctx: ServiceContext, newsId: number): Promise<MediaChange> {
  const before = await newsToEdit(ctx, newsId);
  if (!before.audioFileId) return { id: newsId, afterCommit: nothingToDelete };
  await repo.updateNews(ctx.db, newsId, { audioFileId: null });
  const oldKey = await files.deleteFileRecord(ctx, before.audioFileId);
  await recordAudit(ctx, { action: 'news.audio_removed', entity: 'news', entityId: newsId, before: { title: before.title } });
  return { id: newsId, afterCommit: () => files.discardStoredObjects(ctx, oldKey ? [oldKey] : []) };
}

/** The cover (or its thumbnail) or the audio of an article the actor (or a visitor) may read; 404 otherwise. */
export async function newsFile(ctx: ServiceContext, newsId: number, which: 'cover' | 'thumbnail' | 'audio'): Promise<{ file: files.StoredFile; isPublic: boolean }> {
  const article = await getNews(ctx, newsId);
  const fileId = which === 'cover' ? article.coverFileId : which === 'thumbnail' ? article.coverThumbnailFileId : article.audioFileId;
  const row = fileId === null ? undefined : await files.findFileRecord(ctx, fileId);
  if (!row) throw new NotFound(which === 'audio' ? 'This article has no audio.' : 'This article has no cover image.');
  return { file: files.storedFile(ctx, row, { newsId, which }), isPublic: article.audience === 'public' };
}
