import type { IncomingMessage } from 'node:http';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));
/** Where `npm start` (or `frontdoor start`) listens while you run `vite` for development. */
const engine = process.env.FRONTDOOR_ENGINE_URL ?? 'http://127.0.0.1:8080';

/**
 * The designer app. It imports the engine core directly (../engine/src/core): the same parseFlow,
 * validateFlow and node catalogue as the engine, so the designer shows exactly the engine's diagnostics.
 */
export default defineConfig({
  root: here,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 2000,
    // Scripts must come from the engine's own origin (CSP script-src 'self'): never inline one as a data: URL.
    assetsInlineLimit: (file) => (file.endsWith('.js') ? false : undefined),
  },
  server: {
    fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] },
    proxy: {
      '/api': {
        target: engine,
        ws: true,
        changeOrigin: true,
        // The engine accepts changes only from its own origin: requests from this dev server's own pages are
        // passed on as if from the engine's; any other origin is passed on as it is (and refused there).
        configure: (proxy) => {
          const fromOwnPage = (req: IncomingMessage) => URL.canParse(req.headers.origin ?? '') && new URL(req.headers.origin!).host === req.headers.host;
          proxy.on('proxyReq', (proxyReq, req) => {
            if (fromOwnPage(req)) proxyReq.setHeader('origin', new URL(engine).origin);
          });
          proxy.on('proxyReqWs', (proxyReq, req) => {
            if (fromOwnPage(req)) proxyReq.setHeader('origin', new URL(engine).origin);
          });
        },
      },
    },
  },
});
