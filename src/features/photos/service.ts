// People's photos: checked, re-encoded and thumbnailed (lib/images.ts), written through the storage
// interface, recorded in the files table, and read back for the pages that show them.
//
// Access: these functions take file ids and decide nothing about people. Whoever calls them (the
// students' and lecturers' services) first decides whether the actor may see or change that
// person's record, and passes only the file ids that record holds. openPhoto refuses any file that
// is not a stored photo, so a photo route can never be used to read another kind of upload.
import { Readable } from 'node:stream';
import type { ServiceContext } from '../../context.js';
import { NotFound } from '../../lib/errors.js';
import { DEFAULT_PHOTO_LIMITS, PHOTO_NAMING, processPhoto, type EncodedImage, type ImageNaming, type PhotoLimits } from '../../lib/images.js';
import { newStorageKey, type Storage } from '../../storage/index.js';
import * as files from '../files/service.js';

/** What photos and thumbnails are stored as; only files of these types are served or deleted here. */
export const PHOTO_CONTENT_TYPES = ['image/jpeg', 'image/webp'] as const;

type PhotoContext = Pick<ServiceContext, 'db' | 'actor' | 'clock' | 'log' | 'storage'>;

function storageOf(ctx: Pick<ServiceContext, 'storage'>): Storage {
  // A programming error, not a user's: every HTTP request and CLI command that handles uploads has one.
  if (!ctx.storage) throw new Error('This operation needs file storage, and the service context has none.');
  return ctx.storage;
}

export interface StoredPhoto {
  photoFileId: number;
  thumbnailFileId: number;
  photo: { contentType: string; width: number; height: number; size: number };
  thumbnail: { contentType: string; width: number; height: number; size: number };
  /**
   * The objects written. If the caller's transaction rolls back after this returns, pass them to
   * discardPhotoObjects() so they do not linger without a row.
   */
  storageKeys: string[];
}

/**
 * Checks and stores an uploaded photo and its thumbnail: both objects first, then their rows, so a
 * row never points to a missing object. Throws Invalid on the `photo` field for anything that is
 * not an acceptable JPEG, PNG or WebP image; nothing is stored then.
 */
export async function storePhoto(
  ctx: PhotoContext,
  upload: { bytes: Buffer; filename: string },
  limits: Partial<PhotoLimits> = {},
  naming: ImageNaming = PHOTO_NAMING,
): Promise<StoredPhoto> {
  const storage = storageOf(ctx);
  const processed = await processPhoto(upload.bytes, { ...DEFAULT_PHOTO_LIMITS, ...limits }, naming);
  const names = storedNames(upload.filename, processed.photo.contentType);
  const written: string[] = [];
  try {
    const photo = await put(storage, ctx.clock.now(), processed.photo, written);
    const thumbnail = await put(storage, ctx.clock.now(), processed.thumbnail, written);
    const photoFileId = await files.recordStoredFile(ctx, { storageKey: photo.key, originalName: names.photo, contentType: processed.photo.contentType, size: photo.size, sha256: photo.sha256 });
    const thumbnailFileId = await files.recordStoredFile(ctx, {
      storageKey: thumbnail.key,
      originalName: names.thumbnail,
      contentType: processed.thumbnail.contentType,
      size: thumbnail.size,
      sha256: thumbnail.sha256,
    });
    const describe = (image: EncodedImage, size: number) => ({ contentType: image.contentType, width: image.width, height: image.height, size });
    return { photoFileId, thumbnailFileId, photo: describe(processed.photo, photo.size), thumbnail: describe(processed.thumbnail, thumbnail.size), storageKeys: [...written] };
  } catch (error) {
    await discardPhotoObjects(ctx, written);
    throw error;
  }
}

async function put(storage: Storage, now: Date, image: EncodedImage, written: string[]) {
  const key = newStorageKey(now);
  written.push(key);
  const result = await storage.put(key, Readable.from([image.bytes]), { contentType: image.contentType, size: image.bytes.length });
  return { key, ...result };
}

/** The names the files table keeps: the uploaded name's stem (no path, no control characters) with the stored type's extension. */
function storedNames(filename: string, contentType: string) {
  const extension = contentType === 'image/webp' ? 'webp' : 'jpg';
  const base = filename.split(/[\\/]/).pop() ?? '';
  const stem =
    base
      .replace(/\.[^.]*$/, '')
      .replace(/[\p{Cc}\p{Cf}]/gu, '')
      .trim()
      .slice(0, 200) || 'photo';
  return { photo: `${stem}.${extension}`, thumbnail: `${stem}-thumbnail.${extension}` };
}

/** Deletes stored objects that no committed row refers to (after a rolled-back transaction). Never throws. */
export async function discardPhotoObjects(ctx: Pick<ServiceContext, 'storage' | 'log'>, keys: readonly string[]): Promise<void> {
  storageOf(ctx);
  await files.discardStoredObjects(ctx, keys);
}

export interface PhotoInfo {
  fileId: number;
  contentType: string;
  size: number;
  /** Lowercase hex SHA-256 of the stored bytes: the ETag. */
  sha256: string;
  /** When these bytes were stored (a replaced photo is a new file). */
  updatedAt: Date;
}

async function findPhoto(ctx: Pick<ServiceContext, 'db'>, fileId: number) {
  const row = await files.findFileRecord(ctx, fileId);
  if (!row || !(PHOTO_CONTENT_TYPES as readonly string[]).includes(row.contentType)) throw new NotFound('No such photo.');
  return row;
}

/** What a photo is, without reading it: enough to answer a conditional request (304) cheaply. */
export async function photoInfo(ctx: Pick<ServiceContext, 'db'>, fileId: number): Promise<PhotoInfo> {
  const row = await findPhoto(ctx, fileId);
  return { fileId: row.id, contentType: row.contentType, size: row.size, sha256: row.sha256, updatedAt: row.createdAt };
}

/**
 * Opens a stored photo or thumbnail for sending. NotFound (404) when the id is not a photo's, or when
 * its object is missing from storage (logged: that is an operator's problem).
 */
export async function openPhoto(ctx: Pick<ServiceContext, 'db' | 'storage' | 'log'>, fileId: number): Promise<PhotoInfo & { stream: Readable }> {
  const row = await findPhoto(ctx, fileId);
  try {
    const object = await storageOf(ctx).get(row.storageKey);
    return { fileId: row.id, contentType: row.contentType, size: row.size, sha256: row.sha256, updatedAt: row.createdAt, stream: object.stream };
  } catch (error) {
    if (error instanceof NotFound) ctx.log.warn({ fileId: row.id, key: row.storageKey }, 'a photo row points to a missing storage object');
    throw error;
  }
}

export interface DeletedPhotoFiles {
  fileIds: number[];
  storageKeys: string[];
  /**
   * Deletes the objects. Call it after the transaction that deleted the rows commits (until then a
   * rollback would bring back rows pointing at deleted objects). Without a transaction it has
   * already run; calling it again does nothing. Never throws: a failure leaves an object no row
   * refers to, which is logged.
   */
  removeStoredObjects(): Promise<void>;
}

/**
 * Deletes photo and thumbnail files (replacing or removing a person's photo): their rows now (the
 * people's references to them become null through ON DELETE SET NULL), their objects after commit.
 * Ids that are not photos' files are ignored, never deleted.
 */
export async function deletePhotoFiles(ctx: PhotoContext, fileIds: readonly (number | null | undefined)[]): Promise<DeletedPhotoFiles> {
  storageOf(ctx);
  const ids = fileIds.filter((id): id is number => typeof id === 'number');
  const deleted = await files.deleteFileRecords(ctx, ids, PHOTO_CONTENT_TYPES);
  const storageKeys = deleted.map((d) => d.storageKey);
  let pending = true;
  const removeStoredObjects = async () => {
    if (!pending) return;
    pending = false;
    await discardPhotoObjects(ctx, storageKeys);
  };
  if (!ctx.db.isTransaction) await removeStoredObjects();
  return { fileIds: deleted.map((d) => d.id), storageKeys, removeStoredObjects };
}
