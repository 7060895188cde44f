// Serves the built static folder under /static. Names carry a content hash, so they are cached for
// a year and never revalidated; a missing build is reported with the command that makes it.
import fastifyStatic from '@fastify/static';
import fp from 'fastify-plugin';
import { MissingBuildError, readManifest, staticRoot } from '../lib/static-build.js';
import './types.js';

export { MissingBuildError, readManifest, staticRoot };

export default fp(
  async (app, options: { root?: string }) => {
    const root = options.root ?? staticRoot;
    const manifest = readManifest(root);
    app.decorate('asset', (name: string) => {
      const hashed = manifest[name];
      if (!hashed) throw new Error(`Unknown static asset "${name}"; add it to scripts/build-assets.ts`);
      return `/static/${hashed}`;
    });
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
          /\.[0-9a-f]{12}\.\w+$/.test(path) ? 'public, max-age=31536000, immutable' : 'public, max-age=300',
        );
      },
    });
  },
  { name: 'fms-assets' },
);
