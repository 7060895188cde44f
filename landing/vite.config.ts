// The public landing page: React, built by Vite into dist/static/landing with hashed names, so nginx
// (or the app) serves it as static files. It imports nothing from src/.
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
  },
});
