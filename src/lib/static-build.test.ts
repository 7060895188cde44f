// The fix for a missing build must work where it is given: after the documented
// `npm prune --omit=dev` there is no tsc, so `npm run build` alone fails with "tsc: not found".
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { buildCommand, MissingBuildError, projectRoot } from './static-build.js';

const FULL = 'npm ci && npm run build && npm prune --omit=dev';

/** A production install after `npm prune --omit=dev`: runtime packages, no TypeScript, no Vite, no tsx. */
function prunedInstall(t: TestContext): string {
  const root = mkdtempSync(join(tmpdir(), 'fms-pruned-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'node_modules', 'fastify'), { recursive: true });
  writeFileSync(join(root, 'node_modules', 'fastify', 'package.json'), '{"name":"fastify"}');
  return root;
}

test('a pruned install is told to install, build and prune again; a checkout with the tools, to build', (t) => {
  const pruned = prunedInstall(t);
  assert.equal(buildCommand(pruned), FULL);
  const error = new MissingBuildError(join(pruned, 'dist', 'static'), pruned);
  assert.equal(error.message, `The static assets are not built (${pruned}/dist/static/manifest.json is missing): run \`${FULL}\` in ${pruned}.`);

  // This checkout has its dev dependencies (the tests run through tsx), so building is enough.
  assert.equal(buildCommand(projectRoot), 'npm run build');
});

test('bin/fms.js without a build and without the build tools names the whole line and the folder', (t) => {
  const pruned = prunedInstall(t);
  mkdirSync(join(pruned, 'bin'));
  copyFileSync(join(projectRoot, 'bin', 'fms.js'), join(pruned, 'bin', 'fms.js'));
  writeFileSync(join(pruned, 'package.json'), '{"type":"module"}');
  const run = spawnSync(process.execPath, [join(pruned, 'bin', 'fms.js'), 'doctor'], { cwd: pruned, encoding: 'utf8', env: { PATH: process.env.PATH } });
  assert.equal(run.status, 1, run.stderr);
  assert.equal(run.stderr, `fms: the compiled CLI is missing (${join(pruned, 'dist')}) and the build tools are not installed: run \`${FULL}\` in ${pruned}.\n`);
});
