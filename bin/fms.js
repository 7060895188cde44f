#!/usr/bin/env node
// The `fms` command. A built checkout runs the compiled CLI; a development checkout without a
// build runs the TypeScript sources through tsx, so `npx fms --help` works right after `npm ci`.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist', 'cli', 'index.js');
if (existsSync(built)) {
  await import(pathToFileURL(built).href);
} else {
  try {
    const { register } = await import('tsx/esm/api');
    register();
  } catch {
    console.error('fms: the compiled CLI is missing (dist/). Run `npm run build` first.');
    process.exit(1);
  }
  await import(pathToFileURL(join(root, 'src', 'cli', 'index.ts')).href);
}
