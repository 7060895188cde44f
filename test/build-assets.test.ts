// scripts/build-assets.ts keeps the hashed files of earlier builds, so a server not yet restarted
// after an upgrade, and pages left open in browsers, keep their styles (operations review D11). Each
// test builds from a copy of public/ into a temp folder, never into the dist/static other suites read.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildAssets, HISTORY_FILE, KEEP_BUILDS } from '../scripts/build-assets.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

function workspace(t: TestContext): { out: string; publicDir: string; build: (change?: string) => ReturnType<typeof buildAssets> } {
  const dir = mkdtempSync(join(tmpdir(), 'fms-build-assets-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const publicDir = join(dir, 'public');
  cpSync(join(repoRoot, 'public'), publicDir, { recursive: true });
  const out = join(dir, 'static');
  return {
    out,
    publicDir,
    /** A build, after appending `change` to app.css (a new stylesheet, a new hash). */
    build(change?: string) {
      if (change) appendFileSync(join(publicDir, 'app.css'), `\n/* ${change} */\n`);
      return buildAssets({ outDir: out, publicDir });
    },
  };
}

const manifestOf = (out: string) => JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Record<string, string>;
const stylesheets = (out: string) => readdirSync(out).filter((name) => /^app\.[0-9a-f]{12}\.css$/.test(name)).sort();

test('a build writes the hashed files, the manifest and the pages nginx shows while FMS is down', (t) => {
  const { out, build } = workspace(t);
  const { manifest } = build();
  assert.deepEqual(Object.keys(manifest).sort(), ['app.css', 'app.js', 'audit-guide.md', 'bootstrap.css', 'bootstrap.js', 'charts.js', 'favicon.svg', 'htmx.js', 'imports-guide.md', 'uplot.css', 'uplot.js', 'users-guide.md']);
  for (const hashed of Object.values(manifest)) assert.ok(existsSync(join(out, hashed)), hashed);
  assert.deepEqual(manifestOf(out), manifest);
  assert.equal(readFileSync(join(out, 'unavailable.html'), 'utf8'), readFileSync(join(repoRoot, 'public', 'unavailable.html'), 'utf8'));
  const json = JSON.parse(readFileSync(join(out, 'unavailable.json'), 'utf8')) as { error: { code: string; message: string } };
  assert.equal(json.error.code, 'unavailable');
  assert.deepEqual(
    readdirSync(out).filter((name) => !Object.values(manifest).includes(name)).sort(),
    [HISTORY_FILE, 'manifest.json', 'unavailable.html', 'unavailable.json'],
    'nothing else, no file left aside',
  );
});

test('the page nginx shows while FMS is down stands alone: inline styles, no scripts, nothing fetched, a way to try again', () => {
  const page = readFileSync(join(repoRoot, 'public', 'unavailable.html'), 'utf8');
  assert.match(page, /<html lang="en">/);
  assert.match(page, /<title>[^<]*Back in a moment/);
  assert.match(page, /restarting or being upgraded/);
  assert.match(page, /<meta http-equiv="refresh" content="10">/);
  assert.match(page, /<a [^>]*href=""[^>]*>Try again<\/a>/, 'a link that reloads this address');
  assert.match(page, /<style>/);
  assert.doesNotMatch(page, /<script|<link rel="stylesheet"|<img|@import|url\(/i);
  assert.doesNotMatch(page.replace(/<!--[\s\S]*?-->/g, ''), /(src|href)="(https?:)?\/\//i, 'nothing from another address');
});

test('a new build keeps the previous build\'s hashed files, and the manifest names the new ones', (t) => {
  const { out, build } = workspace(t);
  const first = build();
  const second = build('a change in the new version');
  assert.notEqual(second.manifest['app.css'], first.manifest['app.css']);
  assert.deepEqual(stylesheets(out), [first.manifest['app.css'], second.manifest['app.css']].sort(), 'both stylesheets are there');
  assert.equal(manifestOf(out)['app.css'], second.manifest['app.css']);
  assert.equal(second.manifest['bootstrap.css'], first.manifest['bootstrap.css'], 'unchanged files keep their names');
  assert.deepEqual(second.removed, []);
});

test(`the files of the last ${KEEP_BUILDS} builds stay; an older build's files go, files still in use do not`, (t) => {
  const { out, build } = workspace(t);
  const builds = [build(), build('version 2'), build('version 3')];
  assert.equal(stylesheets(out).length, 3);
  const fourth = build('version 4');
  builds.push(fourth);
  assert.deepEqual(fourth.removed, [builds[0]!.manifest['app.css']], 'the oldest build\'s stylesheet, and only it');
  assert.deepEqual(stylesheets(out), builds.slice(1).map((b) => b.manifest['app.css']!).sort());
  // Bootstrap is the same in every build: it belongs to the newest one too and stays.
  assert.ok(existsSync(join(out, builds[0]!.manifest['bootstrap.css']!)));
  assert.equal(manifestOf(out)['app.css'], fourth.manifest['app.css']);

  const fifth = build('version 5');
  assert.deepEqual(fifth.removed, [builds[1]!.manifest['app.css']]);
});

test('builds that change nothing do not push the previous version\'s files out', (t) => {
  // `npm start` builds on every start: restarting three times must not drop what open pages link.
  const { out, build } = workspace(t);
  const old = build();
  build('the upgrade');
  for (let i = 0; i < KEEP_BUILDS + 1; i++) assert.deepEqual(build().removed, []);
  assert.ok(existsSync(join(out, old.manifest['app.css']!)), 'the version before the upgrade is still there');
  const history = JSON.parse(readFileSync(join(out, HISTORY_FILE), 'utf8')) as { builds: unknown[] };
  assert.equal(history.builds.length, 2);
});

test('the first build with this script keeps the files of a build made before it (a manifest and no history)', (t) => {
  const { out, build } = workspace(t);
  // What the previous script left: the hashed files and manifest.json, nothing else.
  mkdirSync(out);
  writeFileSync(join(out, 'app.0123456789ab.css'), 'body { color: red }\n');
  writeFileSync(join(out, 'manifest.json'), JSON.stringify({ 'app.css': 'app.0123456789ab.css' }));
  build();
  assert.ok(existsSync(join(out, 'app.0123456789ab.css')), 'the running server\'s stylesheet survives the build');
  build('version 2');
  build('version 3');
  assert.ok(!existsSync(join(out, 'app.0123456789ab.css')), 'and goes like any other build\'s');
});

test('the build replaces the unhashed pages and leaves the landing page to Vite', (t) => {
  const { out, publicDir, build } = workspace(t);
  build();
  mkdirSync(join(out, 'landing', 'assets'), { recursive: true });
  writeFileSync(join(out, 'landing', 'index.html'), '<!doctype html>');
  writeFileSync(join(out, 'landing', 'favicon.svg'), '<svg/>');
  writeFileSync(join(publicDir, 'unavailable.html'), '<!doctype html><title>Back in a moment (new)</title>');
  build('version 2');
  assert.ok(existsSync(join(out, 'landing', 'index.html')) && existsSync(join(out, 'landing', 'favicon.svg')));
  assert.match(readFileSync(join(out, 'unavailable.html'), 'utf8'), /\(new\)/);
});

test('the landing page\'s assets, when Vite builds without emptying its folder, are kept for the same builds', (t) => {
  const { out, build } = workspace(t);
  /** What Vite writes: a hashed script, and index.html linking it. */
  const vite = (version: number) => {
    const asset = `index-v${version}abcdef.js`;
    mkdirSync(join(out, 'landing', 'assets'), { recursive: true });
    writeFileSync(join(out, 'landing', 'assets', asset), `/* landing ${version} */`);
    writeFileSync(join(out, 'landing', 'index.html'), `<!doctype html><script type="module" crossorigin src="/static/landing/assets/${asset}"></script>`);
    return `landing/assets/${asset}`;
  };
  const ours: string[] = [];
  const landing: string[] = [];
  for (let version = 1; version <= 3; version++) {
    ours.push(build(`version ${version}`).manifest['app.css']!);
    landing.push(vite(version));
  }
  for (const asset of landing) assert.ok(existsSync(join(out, asset)), asset);
  const fourth = build('version 4');
  assert.deepEqual(fourth.removed, [ours[0]!, landing[0]!].sort(), 'the oldest build\'s files, ours and the landing page\'s');
  for (const asset of landing.slice(1)) assert.ok(existsSync(join(out, asset)), `${asset}: the page a server not yet restarted serves links it`);
});

test('the islands\' scripts, which only the landing build\'s manifest names, are kept like the landing page\'s', (t) => {
  const { out, build } = workspace(t);
  /** What Vite writes: the page's script, an island's and the React chunk both import; index.html links only the page's. */
  const vite = (version: number) => {
    const files = { page: `index-v${version}abcdef.js`, island: `cover-upload-v${version}abcdef.js`, react: `react-v${version}abcdef.js` };
    mkdirSync(join(out, 'landing', 'assets'), { recursive: true });
    mkdirSync(join(out, 'landing', '.vite'), { recursive: true });
    for (const file of Object.values(files)) writeFileSync(join(out, 'landing', 'assets', file), `/* ${file} */`);
    writeFileSync(join(out, 'landing', 'index.html'), `<!doctype html><script type="module" crossorigin src="/static/landing/assets/${files.page}"></script>`);
    const manifest = {
      [`_${files.react}`]: { file: `assets/${files.react}`, name: 'react' },
      'index.html': { file: `assets/${files.page}`, src: 'index.html', isEntry: true, imports: [`_${files.react}`] },
      'src/islands/cover-upload.tsx': { file: `assets/${files.island}`, src: 'src/islands/cover-upload.tsx', isEntry: true, imports: [`_${files.react}`] },
    };
    writeFileSync(join(out, 'landing', '.vite', 'manifest.json'), JSON.stringify(manifest));
    return Object.values(files).map((file) => `landing/assets/${file}`).sort();
  };
  const ours: string[] = [];
  const landing: string[][] = [];
  for (let version = 1; version <= 3; version++) {
    ours.push(build(`version ${version}`).manifest['app.css']!);
    landing.push(vite(version));
  }
  const fourth = build('version 4');
  assert.deepEqual(fourth.removed, [ours[0]!, ...landing[0]!].sort(), 'the oldest build\'s files, its island and React chunk too');
  for (const asset of landing.slice(1).flat()) assert.ok(existsSync(join(out, asset)), `${asset}: a page a server not yet restarted serves links it`);
  assert.ok(existsSync(join(out, 'landing', '.vite', 'manifest.json')), 'the manifest the app reads stays');
});

test('npm run build\'s command takes --out and --public', (t) => {
  const { out, publicDir } = workspace(t);
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'scripts', 'build-assets.ts'), '--out', out, '--public', publicDir], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /static assets: 12 files in /);
  assert.ok(existsSync(join(out, 'manifest.json')) && existsSync(join(out, 'unavailable.html')));
});
