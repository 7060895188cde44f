// The public landing page: React, built by Vite into dist/static/landing with hashed names, so nginx
// (or the app) serves it as static files. It imports nothing from src/. The app's islands (small
// React parts of its server-rendered pages, src/islands/) are further entries of the same build, so
// they share its React chunk; the manifest (.vite/manifest.json) tells the app their hashed names.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: new URL('.', import.meta.url).pathname,
  base: '/static/landing/',
  plugins: [react()],
  build: {
    outDir: new URL('../dist/static/landing', import.meta.url).pathname,
    // Earlier builds' hashed files stay for pages still open and for a server not yet reloaded;
    // scripts/build-assets.ts prunes them after three builds (its builds.json record).
    emptyOutDir: false,
    // The CSP allows no inline script: keep Vite from inlining the module preload helper as data.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    manifest: true,
    rolldownOptions: {
      input: {
        index: new URL('index.html', import.meta.url).pathname,
        'cover-upload': new URL('src/islands/cover-upload.tsx', import.meta.url).pathname,
      },
      // React in a chunk of its own, named so: the page and the islands load it, cached once.
      output: { codeSplitting: { groups: [{ name: 'react', test: /node_modules/ }] } },
    },
  },
});
