// Builds the static folder served under /static: the vendored CSS kit (Bootstrap), htmx and our own
// files, each renamed with a content hash so browsers and nginx may cache them forever, plus
// manifest.json that maps each logical name to its hashed file, and the pages nginx shows when FMS
// cannot answer (unavailable.html, unavailable.json), under fixed names that nginx's error_page names.
//
//   tsx scripts/build-assets.ts [--out <folder>] [--public <folder>]
//
// The defaults are dist/static and public/; the options let a test build from and into temp folders.
//
// The files of the previous builds stay. Until FMS restarts after an upgrade, its pages (the
// maintenance page among them) link the stylesheets of the build it started with; after the restart,
// pages still open in browsers do. Deleting those files on each build left such pages without
// styles (operations review D11). Content hashes let old and new files live side by side.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { landingBuildFiles } from '../src/lib/static-build.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/**
 * How many builds keep their hashed files: this one and the two before it. One previous build is what
 * a server not yet restarted still links; a second covers a build redone before the restart (a fix on
 * top of the upgrade) and pages left open from the version before. Counting builds rather than days
 * keeps the files of the last upgrade however long ago it was, and builds that change nothing (every
 * `npm start` builds) do not count. A build's files come to about 600 KB, most of them the same
 * from one build to the next, so three cost little.
 */
export const KEEP_BUILDS = 3;

/** The record of the earlier builds whose files are kept, newest first. In the static folder, so it moves with it. */
export const HISTORY_FILE = 'builds.json';

/** Our hashed names: name.<12 hex digits>.ext (nginx's and the app's caching rules match the same). */
const HASHED = /\.[0-9a-f]{12}\.\w+$/;
/** A file being written beside its final name (see writeWhole). */
const TEMP = /\.tmp-\d+$/;
/** The landing page, built by Vite (landing/vite.config.ts), and its hashed assets: name-<8 characters>.ext. */
const LANDING_PAGE = 'landing/index.html';
const LANDING_ASSETS = 'landing/assets';
const VITE_HASHED = /^[\w-]+-[\w-]{8}\.\w+$/;

export interface BuildOptions {
  /** The folder served under /static (default dist/static). */
  outDir?: string;
  /** The folder of our own files: app.css, app.js, favicon.svg, unavailable.* (default public/). */
  publicDir?: string;
}

export interface BuildResult {
  manifest: Record<string, string>;
  /** Hashed files of earlier builds deleted by this one, relative to the static folder. */
  removed: string[];
}

/** The hashed files each earlier build served (ours and the landing page's), newest first. */
interface History {
  builds: { builtAt: string; files: string[] }[];
}

export function buildAssets(options: BuildOptions = {}): BuildResult {
  const out = options.outDir ?? join(root, 'dist', 'static');
  const publicDir = options.publicDir ?? join(root, 'public');
  const hashedSources: Record<string, string> = {
    'bootstrap.css': require.resolve('bootstrap/dist/css/bootstrap.min.css'),
    'bootstrap.js': require.resolve('bootstrap/dist/js/bootstrap.bundle.min.js'),
    'htmx.js': require.resolve('htmx.org/dist/htmx.min.js'),
    // The dashboard's charts (src/views/chart.tsx): uPlot, and ours that draws them from the page's tables.
    'uplot.js': require.resolve('uplot/dist/uPlot.iife.min.js'),
    'uplot.css': require.resolve('uplot/dist/uPlot.min.css'),
    'charts.js': join(publicDir, 'charts.js'),
    'app.css': join(publicDir, 'app.css'),
    'app.js': join(publicDir, 'app.js'),
    'favicon.svg': join(publicDir, 'favicon.svg'),
    // The guides for users: the app's /help page and the assistant's answers to "how do I …" read them
    // here, since an installed FMS (the Docker image, a pruned install) has dist/ but not docs/.
    'users-guide.md': join(root, 'docs', 'users.md'),
    'imports-guide.md': join(root, 'docs', 'imports.md'),
    'audit-guide.md': join(root, 'docs', 'audit.md'),
  };
  // Shown by nginx while FMS is down: nginx refers to them by name, and they must never be cached.
  const fixedSources = ['unavailable.html', 'unavailable.json'];

  mkdirSync(out, { recursive: true });
  // What the folder serves now is the previous build, complete (the landing page included, which
  // Vite builds after this script): it joins the record unless it is the one recorded last, so
  // builds that change nothing do not push older ones out.
  const history = readHistory(out);
  const previous = servedNow(out);
  if (previous && !(history.builds[0] && sameFiles(history.builds[0].files, previous.files))) history.builds.unshift(previous);
  const earlier = history.builds.slice(0, KEEP_BUILDS - 1);

  // The folder is live (nginx and a running FMS serve it), so it is built in place and every file
  // arrives whole (written aside, then renamed over): a hashed name that exists already has the same
  // content, a new one is linked by nobody yet, and manifest.json, replaced last, names only files
  // that are there.
  const manifest: Record<string, string> = {};
  for (const [name, source] of Object.entries(hashedSources)) {
    // Source maps are referenced by the minified vendor files but not shipped; drop the reference.
    const content = readFileSync(source, 'utf8').replace(/\n?\/[/*]# sourceMappingURL=\S+(\s*\*\/)?\s*$/, '\n');
    const hash = createHash('sha256').update(content).digest('hex').slice(0, 12);
    const ext = extname(name);
    const hashed = `${basename(name, ext)}.${hash}${ext}`;
    if (!existsSync(join(out, hashed))) writeWhole(join(out, hashed), content);
    manifest[name] = hashed;
  }
  for (const name of fixedSources) writeWhole(join(out, name), readFileSync(join(publicDir, name)));
  writeWhole(join(out, HISTORY_FILE), JSON.stringify({ builds: earlier } satisfies History, null, 2) + '\n');
  writeWhole(join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');

  const keptFiles = new Set([...Object.values(manifest), ...earlier.flatMap((b) => b.files)]);
  const removed: string[] = [];
  const prune = (dir: string, prefix: string, hashed: RegExp) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      // A file being written aside by another build running at the same time is left to it, unless
      // it is an hour old, from a build that died.
      const stale = hashed.test(name) ? !keptFiles.has(prefix + name) : TEMP.test(name) && Date.now() - statSync(path).mtimeMs > 3_600_000;
      if (!stale || statSync(path).isDirectory()) continue;
      rmSync(path, { force: true });
      if (hashed.test(name)) removed.push(prefix + name);
    }
  };
  prune(out, '', HASHED);
  // The landing page's assets are Vite's, and while its build empties the folder (emptyOutDir) there
  // is nothing to keep. Built without emptying, they are pruned here like ours, but only when the
  // landing page says which of them it uses.
  if (existsSync(join(out, LANDING_PAGE)) && existsSync(join(out, LANDING_ASSETS))) prune(join(out, LANDING_ASSETS), `${LANDING_ASSETS}/`, VITE_HASHED);
  return { manifest, removed: removed.sort() };
}

/** The builds recorded so far; a damaged or missing record starts again (the folder's own build still counts). */
function readHistory(out: string): History {
  try {
    const parsed = JSON.parse(readFileSync(join(out, HISTORY_FILE), 'utf8')) as Partial<History>;
    if (Array.isArray(parsed.builds)) return { builds: parsed.builds.filter((b) => typeof b?.builtAt === 'string' && Array.isArray(b.files)) };
  } catch {
    // none yet, or unreadable
  }
  return { builds: [] };
}

/**
 * The hashed files the folder serves now: those manifest.json names, the landing page's assets that
 * its index.html links, and every file of the landing build's own manifest (the islands' scripts,
 * which the app's pages link and index.html does not). A folder built before the record existed has
 * these too, so the first build with this script already keeps them.
 */
function servedNow(out: string): History['builds'][number] | null {
  const manifestFile = join(out, 'manifest.json');
  let manifest: Record<string, string>;
  try {
    manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Record<string, string>;
  } catch {
    return null;
  }
  const files = Object.values(manifest).filter((name) => typeof name === 'string' && HASHED.test(name));
  if (existsSync(join(out, LANDING_PAGE))) {
    const page = readFileSync(join(out, LANDING_PAGE), 'utf8');
    for (const match of page.matchAll(/\/static\/(landing\/assets\/[\w.-]+)/g)) files.push(match[1]!);
  }
  files.push(...landingBuildFiles(out));
  return { builtAt: statSync(manifestFile).mtime.toISOString(), files: [...new Set(files)].sort() };
}

function sameFiles(a: string[], b: string[]): boolean {
  const sortedB = [...b].sort();
  return a.length === b.length && [...a].sort().every((name, i) => name === sortedB[i]);
}

function writeWhole(path: string, content: string | Buffer): void {
  const aside = `${path}.tmp-${process.pid}`;
  writeFileSync(aside, content);
  renameSync(aside, path);
}

function isMain(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  const { values } = parseArgs({ options: { out: { type: 'string' }, public: { type: 'string' } } });
  const out = values.out ?? join(root, 'dist', 'static');
  const result = buildAssets({ outDir: out, publicDir: values.public });
  const removed = result.removed.length ? `, ${result.removed.length} old file(s) removed` : '';
  console.log(`static assets: ${Object.keys(result.manifest).length} files in ${out}, the last ${KEEP_BUILDS} builds' files kept${removed}`);
}
