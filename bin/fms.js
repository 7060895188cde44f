#!/usr/bin/env node
// The `fms` command. It runs the compiled CLI (dist/, made by `npm run build`) when that build is
// at least as new as the sources; in a development checkout with newer sources it runs them
// through tsx instead, so `npx fms` never runs stale code and works right after `npm ci`.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

// Node 20.11 to 20.18 cannot require() the ES-module-only packages Fastify's plugins load and
// would die with an ERR_REQUIRE_ESM stack; say what to install instead (package.json "engines").
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19) || major === 21 || (major === 22 && minor < 13)) {
  console.error(`fms: Node.js ${process.versions.node} is too old for FMS: install Node.js 24 (recommended), 22.13+ or 20.19+.`);
  process.exit(1);
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// The compiled CLI, bundled (scripts/bundle-server.ts) so a process reads a few files, not thousands.
const built = join(root, 'dist', 'bundle', 'index.js');
const sources = join(root, 'src');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

async function runSources() {
  try {
    const { register } = await import('tsx/esm/api');
    // The project's tsconfig (JSX through @kitajs/html), whatever folder fms is run from.
    register({ tsconfig: join(root, 'tsconfig.json') });
  } catch {
    return false;
  }
  await import(pathToFileURL(join(sources, 'cli', 'index.ts')).href);
  return true;
}

const haveBuild = existsSync(built);
const stale = haveBuild && existsSync(sources) && newestSource(sources) > statSync(built).mtimeMs;
if (haveBuild && !stale) {
  await import(pathToFileURL(built).href);
} else if (!(await runSources())) {
  if (haveBuild) await import(pathToFileURL(built).href);
  else {
    // No build and no tsx: the build tools were pruned (`npm prune --omit=dev`), so `npm run build`
    // alone would fail with "tsc: not found". The upgrade procedure's line installs, builds, prunes.
    console.error(`fms: the compiled CLI is missing (${join(root, 'dist')}) and the build tools are not installed: run \`npm ci && npm run build && npm prune --omit=dev\` in ${root}.`);
    process.exit(1);
  }
}
