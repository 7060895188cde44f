// Serves the built static folder under /static. Names carry a content hash, so they are cached for
// a year and never revalidated; a missing build is reported with the command that makes it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import fp from 'fastify-plugin';
import { MissingBuildError, readIslandScripts, readManifest, staticRoot } from '../lib/static-build.js';
import './types.js';

export { MissingBuildError, readManifest, staticRoot };

/** Our build names files name.<12 hex>.ext; Vite names the landing page's assets name-<8 chars>.ext. */
export function isHashedName(path: string): boolean {
  return /\.[0-9a-f]{12}\.\w+$/.test(path) || /\/landing\/assets\/[\w-]+-[\w-]{8}\.\w+$/.test(path);
}

export default fp(
  async (app, options: { root?: string }) => {
    const root = options.root ?? staticRoot;
    const manifest = readManifest(root);
    // The landing page (landing/, built by Vite) is optional: without it `/` goes to the sign-in page.
    const landing = join(root, 'landing', 'index.html');
    app.decorate('landingPage', existsSync(landing) ? readFileSync(landing, 'utf8') : null);
    // The islands (React parts of our pages, built with the landing page) are assets by the name
    // `islands/<name>.js`; the landing build's manifest has their hashed names.
    const islands = readIslandScripts(root);
    app.decorate('asset', (name: string) => {
      const hashed = manifest[name];
      if (!hashed) throw new Error(`Unknown static asset "${name}"; add it to scripts/build-assets.ts`);
      return `/static/${hashed}`;
    });
    // An island only enhances a form that works without it: where the landing build is missing (it is
    // optional, like the landing page) the page goes without, and the operator is told once.
    const missingIslands = new Set<string>();
    app.decorate('islandScript', (name: string) => {
      const hashed = islands[`islands/${name}.js`];
      if (hashed) return `/static/${hashed}`;
      if (!missingIslands.has(name)) {
        missingIslands.add(name);
        app.log.warn({ island: name }, `the island "${name}" is not built, so its page works without it: run \`npm run build\` (landing/vite.config.ts builds it)`);
      }
      return null;
    });
    // Browsers ask for /favicon.ico on their own; point them at the real icon.
    app.get('/favicon.ico', { config: { rateLimit: false } }, async (_request, reply) => reply.redirect(app.asset('favicon.svg'), 301));
    await app.register(fastifyStatic, {
      root,
      prefix: '/static/',
      index: false,
      list: false,
      dotfiles: 'deny',
      cacheControl: false,
      setHeaders(reply, path) {
        reply.header(
          'cache-control',
          isHashedName(path) ? 'public, max-age=31536000, immutable' : 'public, max-age=300',
        );
      },
    });
  },
  { name: 'fms-assets' },
);
