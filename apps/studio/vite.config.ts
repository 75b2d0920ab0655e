import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const here = dirname(fileURLToPath(import.meta.url));
const api = process.env.MARQUEE_API_URL ?? 'http://localhost:3000';

// The API serves the built Studio from dist/studio at /studio (with index.html for client-side routes).
export default defineConfig({
  root: here,
  base: '/studio/',
  plugins: [react()],
  build: {
    outDir: resolve(here, '../../dist/studio'),
    emptyOutDir: true,
    sourcemap: true,
  },
  server: {
    port: 5173,
    proxy: {
      '/graphql': api,
      '/api': api,
      '/demo-media': api,
    },
  },
});
