import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

/** Files under dir, as paths relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split('\\').join('/'));
}

/**
 * offline-manifest.json: what public/offline-sw.js fetches into its cache when it installs, so
 * that the lab opens offline after a first visit — every file of the build, the guest image and
 * the built-in registry (but not the large images' or the package world's lazily read files,
 * nor the layer disk's chunks: cached as they are read).
 */
function offlineManifest(): Plugin {
  return {
    name: 'drydock-offline-manifest',
    apply: 'build',
    generateBundle(_options, bundle) {
      const own = Object.keys(bundle);
      const lazilyRead = (f: string) => ['registry/lazy/', 'registry/packages/files/', 'registry/disk/chunks/'].some((dir) => f.startsWith(dir));
      const shipped = filesUnder(join(import.meta.dirname, 'public')).filter((f) => !lazilyRead(f) && !f.endsWith('-sw.js'));
      this.emitFile({ type: 'asset', fileName: 'offline-manifest.json', source: `${JSON.stringify({ files: [...new Set(['./', 'index.html', 'embed.html', 'author.html', ...own, ...shipped])].sort() }, null, 1)}\n` });
    },
  };
}

// The app lives in web/, static assets (the guest image) in public/, the build goes to dist/.
export default defineConfig({
  root: 'web',
  publicDir: '../public',
  base: './',
  plugins: [svelte(), offlineManifest()],
  build: {
    outDir: '../dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1024,
    // Three pages: the lab, the lab sized for an iframe (embed.html), and the authoring page.
    rollupOptions: { input: { main: 'web/index.html', embed: 'web/embed.html', author: 'web/author.html' } },
  },
  worker: { format: 'es' },
  server: { fs: { allow: ['..'] } },
});
