// The built static folder (`npm run build`): its place and its manifest of content-hashed names.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project folder (this file is src/lib/ in a checkout, dist/lib/ once built). */
export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const staticRoot = join(projectRoot, 'dist', 'static');

/**
 * The command that builds, as it can be run here. `npm run build` needs the build tools (TypeScript,
 * Vite), which the documented production install removes with `npm prune --omit=dev`: there the
 * fix is the upgrade procedure's whole line, which installs them, builds and prunes again.
 */
export function buildCommand(root = projectRoot): string {
  const tools = ['typescript', 'vite'].every((tool) => existsSync(join(root, 'node_modules', tool, 'package.json')));
  return tools ? 'npm run build' : 'npm ci && npm run build && npm prune --omit=dev';
}

export class MissingBuildError extends Error {
  constructor(root = staticRoot, project = projectRoot) {
    super(`The static assets are not built (${root}/manifest.json is missing): run \`${buildCommand(project)}\` in ${project}.`);
  }
}

export function readManifest(root = staticRoot): Record<string, string> {
  const file = join(root, 'manifest.json');
  if (!existsSync(file)) throw new MissingBuildError(root);
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
}
