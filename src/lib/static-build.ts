// The built static folder (`npm run build`): its place and its manifest of content-hashed names.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The project folder, two levels above this file: it is src/lib/ in a checkout, and a chunk of
 * dist/bundle/ once built (scripts/bundle-server.ts keeps the bundle at that depth).
 */
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

/** What Vite's manifest (landing/vite.config.ts, build.manifest) says of one chunk; paths relative to landing/. */
interface ViteChunk {
  file: string;
  src?: string;
  isEntry?: boolean;
  imports?: string[];
  css?: string[];
  assets?: string[];
}

/** The landing build's manifest, or null when the landing page is not built (it is optional). */
function readLandingManifest(root: string): Record<string, ViteChunk> | null {
  try {
    const parsed = JSON.parse(readFileSync(join(root, 'landing', '.vite', 'manifest.json'), 'utf8')) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, ViteChunk>) : null;
  } catch {
    return null;
  }
}

/**
 * The islands (landing/src/islands/*.tsx, entries of the landing build) by the name pages ask for,
 * `islands/<name>.js`, each with its hashed script's path in the static folder.
 */
export function readIslandScripts(root = staticRoot): Record<string, string> {
  const scripts: Record<string, string> = {};
  for (const chunk of Object.values(readLandingManifest(root) ?? {})) {
    const source = /^src\/islands\/([\w-]+)\.tsx?$/.exec(chunk.src ?? '');
    if (chunk.isEntry && source && typeof chunk.file === 'string') scripts[`islands/${source[1]}.js`] = `landing/${chunk.file}`;
  }
  return scripts;
}

/** Every file of the current landing build (the page's and the islands'), as paths in the static folder. */
export function landingBuildFiles(root = staticRoot): string[] {
  const files = Object.values(readLandingManifest(root) ?? {}).flatMap((chunk) => [chunk.file, ...(chunk.css ?? []), ...(chunk.assets ?? [])]);
  return [...new Set(files.filter((file) => typeof file === 'string').map((file) => `landing/${file}`))].sort();
}
