// The built static folder (`npm run build`): its place and its manifest of content-hashed names.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const staticRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'static');

export class MissingBuildError extends Error {
  constructor(root = staticRoot) {
    super(`The static assets are not built (${root}/manifest.json is missing): run \`npm run build\`.`);
  }
}

export function readManifest(root = staticRoot): Record<string, string> {
  const file = join(root, 'manifest.json');
  if (!existsSync(file)) throw new MissingBuildError(root);
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
}
