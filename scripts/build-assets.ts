// Builds the static folder served under /static: the vendored CSS kit (Bootstrap), htmx and our own
// files, each renamed with a content hash so browsers and nginx may cache them forever, plus
// manifest.json that maps each logical name to its hashed file.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const final = join(root, 'dist', 'static');
// Build beside the final folder and swap it in, so a running server or test never sees it half-made.
const out = `${final}.tmp-${process.pid}`;

const sources: Record<string, string> = {
  'bootstrap.css': require.resolve('bootstrap/dist/css/bootstrap.min.css'),
  'bootstrap.js': require.resolve('bootstrap/dist/js/bootstrap.bundle.min.js'),
  'htmx.js': require.resolve('htmx.org/dist/htmx.min.js'),
  'app.css': join(root, 'public', 'app.css'),
  'app.js': join(root, 'public', 'app.js'),
  'favicon.svg': join(root, 'public', 'favicon.svg'),
};

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const manifest: Record<string, string> = {};
for (const [name, source] of Object.entries(sources)) {
  // Source maps are referenced by the minified vendor files but not shipped; drop the reference.
  const content = readFileSync(source, 'utf8').replace(/\n?\/[/*]# sourceMappingURL=\S+(\s*\*\/)?\s*$/, '\n');
  const hash = createHash('sha256').update(content).digest('hex').slice(0, 12);
  const ext = extname(name);
  const hashed = `${basename(name, ext)}.${hash}${ext}`;
  writeFileSync(join(out, hashed), content);
  manifest[name] = hashed;
}
writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
const old = `${final}.old-${process.pid}`;
rmSync(old, { recursive: true, force: true });
try {
  renameSync(final, old);
} catch {
  // first build: nothing to move aside
}
renameSync(out, final);
rmSync(old, { recursive: true, force: true });
console.log(`static assets: ${Object.keys(manifest).length} files in ${final}`);
