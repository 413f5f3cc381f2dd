import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The app lives in web/, static assets (the guest image) in public/, the build goes to dist/.
export default defineConfig({
  root: 'web',
  publicDir: '../public',
  base: './',
  plugins: [svelte()],
  build: {
    outDir: '../dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1024,
    // Two pages: the lab, and the lab sized for an iframe (embed.html).
    rollupOptions: { input: { main: 'web/index.html', embed: 'web/embed.html' } },
  },
  worker: { format: 'es' },
  server: { fs: { allow: ['..'] } },
});
