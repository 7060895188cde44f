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

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/**
 * How many builds keep their hashed files: this one and the two before it. One previous build is what
 * a server not yet restarted still links; a second covers a build redone before the restart (a fix on
 * top of the upgrade) and pages left open from the version before. Counting builds rather than days
 * keeps the files of the last upgrade however long ago it was, and builds that change nothing (every
 * `npm start` builds) do not count. A build is about 400 KB, so three cost little.
 */
export const KEEP_BUILDS = 3;

/** The record of the builds whose files are kept, newest first. In the static folder, so it moves with it. */
export const HISTORY_FILE = 'builds.json';

/** Our hashed names: name.<12 hex digits>.ext (nginx's and the app's caching rules match the same). */
const HASHED = /\.[0-9a-f]{12}\.\w+$/;
/** A file being written beside its final name (see writeWhole). */
const TEMP = /\.tmp-\d+$/;

export interface BuildOptions {
  /** The folder served under /static (default dist/static). */
  outDir?: string;
  /** The folder of our own files: app.css, app.js, favicon.svg, unavailable.* (default public/). */
  publicDir?: string;
  keepBuilds?: number;
  now?: Date;
}

export interface BuildResult {
  manifest: Record<string, string>;
  /** Hashed files of earlier builds deleted by this one. */
  removed: string[];
}

interface History {
  builds: { builtAt: string; files: string[] }[];
}

export function buildAssets(options: BuildOptions = {}): BuildResult {
  const out = options.outDir ?? join(root, 'dist', 'static');
  const publicDir = options.publicDir ?? join(root, 'public');
  const keep = options.keepBuilds ?? KEEP_BUILDS;
  const hashedSources: Record<string, string> = {
    'bootstrap.css': require.resolve('bootstrap/dist/css/bootstrap.min.css'),
    'bootstrap.js': require.resolve('bootstrap/dist/js/bootstrap.bundle.min.js'),
    'htmx.js': require.resolve('htmx.org/dist/htmx.min.js'),
    'app.css': join(publicDir, 'app.css'),
    'app.js': join(publicDir, 'app.js'),
    'favicon.svg': join(publicDir, 'favicon.svg'),
  };
  // Shown by nginx while FMS is down: nginx refers to them by name, and they must never be cached.
  const fixedSources = ['unavailable.html', 'unavailable.json'];

  mkdirSync(out, { recursive: true });
  const history = readHistory(out);

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

  const files = Object.values(manifest).sort();
  const latest = history.builds[0];
  const builds = latest && sameFiles(latest.files, files) ? history.builds : [{ builtAt: (options.now ?? new Date()).toISOString(), files }, ...history.builds];
  const kept = builds.slice(0, keep);
  const keptFiles = new Set(kept.flatMap((b) => b.files));
  writeWhole(join(out, HISTORY_FILE), JSON.stringify({ builds: kept } satisfies History, null, 2) + '\n');
  writeWhole(join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');

  // Only our hashed names at the top level are pruned: folders are not this script's (landing/ is
  // Vite's), and a file being written aside by another build running at the same time is left to it,
  // unless it is an hour old, from a build that died.
  const removed: string[] = [];
  for (const name of readdirSync(out)) {
    const path = join(out, name);
    const stale = HASHED.test(name) ? !keptFiles.has(name) : TEMP.test(name) && Date.now() - statSync(path).mtimeMs > 3_600_000;
    if (!stale) continue;
    rmSync(path, { force: true });
    if (HASHED.test(name)) removed.push(name);
  }
  return { manifest, removed: removed.sort() };
}

/**
 * The builds so far. A folder from before this record existed has only its manifest: that build
 * counts as the previous one, so the first upgrade to this script already keeps its files.
 */
function readHistory(out: string): History {
  const file = join(out, HISTORY_FILE);
  if (existsSync(file)) {
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<History>;
      if (Array.isArray(parsed.builds)) return { builds: parsed.builds.filter((b) => Array.isArray(b?.files)) };
    } catch {
      // A damaged record: fall back to the manifest rather than fail the build.
    }
  }
  const manifestFile = join(out, 'manifest.json');
  if (!existsSync(manifestFile)) return { builds: [] };
  try {
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Record<string, string>;
    return { builds: [{ builtAt: statSync(manifestFile).mtime.toISOString(), files: Object.values(manifest).sort() }] };
  } catch {
    return { builds: [] };
  }
}

function sameFiles(a: string[], b: string[]): boolean {
  return a.length === b.length && [...a].sort().every((name, i) => name === b[i]);
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
