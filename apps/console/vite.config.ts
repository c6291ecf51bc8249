import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Served by the API at /console: fingerprinted assets under /console/assets/, no inline script
// (the API's Content-Security-Policy forbids it), nothing loaded from another origin.
export default defineConfig({
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
  server: { proxy: { '/v1': 'http://127.0.0.1:3000', '/console/session': 'http://127.0.0.1:3000' } },
});
