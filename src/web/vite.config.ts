import { fileURLToPath } from 'node:url';
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const webRoot = fileURLToPath(new URL('.', import.meta.url));
const outDir = fileURLToPath(new URL('../../dist/web', import.meta.url));
/** Where `vite dev` sends /api; the API server listens on 3000 unless told otherwise. */
const apiTarget = process.env.OPENPRM_API_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: webRoot,
  base: '/',
  plugins: [react(), tailwindcss()],
  build: {
    outDir,
    emptyOutDir: true,
    sourcemap: true,
  },
  server: {
    port: 5173,
    // Only the server's routes: the web sources under /api/*.ts must stay with Vite.
    proxy: {
      '^/api/(v1|auth|docs)(/|$)': { target: apiTarget, changeOrigin: false },
      '/api/openapi.json': { target: apiTarget, changeOrigin: false },
    },
  },
});
