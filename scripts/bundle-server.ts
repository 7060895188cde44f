// Bundles the compiled server (dist/, from tsc) into dist/bundle/: our modules and the packages
// that come as hundreds of small files, so a process starts by reading a few files instead of
// about 2,700. Node resolves and reads each ES module on its own, and TypeBox alone is 683 files:
// a worker of `fms serve` spent about 1 s of its start in module loading (CPU profile,
// 2026-12-07). bin/fms.js runs dist/bundle/index.js.
//
//   tsx scripts/bundle-server.ts
//
// Dynamic imports stay separate chunks (splitting), so what loads on demand still does: the web
// app in a cluster primary, the seed, the spreadsheets. Every other package stays an import from
// node_modules as it is: native modules (better-sqlite3, argon2, sharp), packages that read their
// own files or start worker threads (pino, swagger-ui, the AWS SDK), and the rest, whose few files
// cost little to load and whose behaviour then stays exactly the one the tests run.
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Two levels below the project, as src/lib/ is: lib/static-build.ts finds the project from there.
const outdir = join(root, 'dist', 'bundle');

/**
 * Plain JavaScript packages of many files that our code imports (file counts as one process of
 * `fms serve` opened them). A package imported only by an external one (yaml by @fastify/swagger)
 * is loaded by that package from node_modules whatever this list says.
 */
const bundled = new Set([
  'typebox', // 683 files
  'kysely', // 263
  'cli-progress', // 21
  'prom-client', // 32, and @opentelemetry/api's 51 with it
]);

const packageOf = (specifier: string) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: {
    index: join(root, 'dist', 'cli', 'index.js'),
    // A thread's own module, found beside the chunk that starts it (config/secret-estimate-thread.ts).
    'secret-estimate-thread': join(root, 'dist', 'config', 'secret-estimate-thread.js'),
  },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Stack traces can be mapped back to src/ (through tsc's maps) with --enable-source-maps.
  sourcemap: true,
  logLevel: 'warning',
  // The CommonJS packages among them require() Node's own modules, which an ES module has no
  // require for: give each chunk one.
  banner: { js: "import { createRequire as createRequireForBundle } from 'node:module'; const require = createRequireForBundle(import.meta.url);" },
  plugins: [
    {
      name: 'node-modules-outside',
      setup(bundle) {
        bundle.onResolve({ filter: /^[^./]/ }, ({ path, importer }) => {
          if (path.startsWith('node:')) return { path, external: true };
          // What a bundled package imports is bundled with it: its own dependencies may sit in its
          // nested node_modules, which dist/bundle/ could not find at run time.
          if (importer.includes('/node_modules/')) return undefined;
          return bundled.has(packageOf(path)) ? undefined : { path, external: true };
        });
      },
    },
  ],
});
