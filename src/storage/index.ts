// createStorage(config): the driver that config.storage names (UPLOAD_FOLDER, or S3 when S3_BUCKET is set).
import type { StorageTarget } from '../config/index.js';
import { createLocalStorage } from './local.js';
import { createS3Storage, type S3StorageOptions } from './s3.js';
import type { Storage } from './storage.js';

export function createStorage(config: { storage: StorageTarget }, options: S3StorageOptions = {}): Storage {
  const target = config.storage;
  return target.kind === 's3' ? createS3Storage(target, options) : createLocalStorage(target.folder);
}

export * from './storage.js';
export { assertUploadFolderWritable, createLocalStorage, processUser, UploadFolderNotWritable } from './local.js';
export { createS3Storage, type S3StorageOptions, type S3Target } from './s3.js';
