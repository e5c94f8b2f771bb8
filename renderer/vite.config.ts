/**
 * Vite build of the one renderer (web terminal, Electron window, set-top screen).
 * Output: renderer/dist, served by server-mock at `/` and loaded by the Electron app from disk,
 * hence relative asset URLs (`base: './'`). The service worker is a second entry with a fixed
 * name (`sw.js`) at the root of dist, so its scope is the whole app.
 * No Node import here: the layering rule treats this file as renderer code.
 * The app version shown in Settings is package.json's, injected at build time (`define`).
 */
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import pkg from '../package.json' with { type: 'json' };
import { precompileMessages } from './vite-precompile-messages.ts';
import { typeboxWithoutDefaultFormats } from './vite-typebox-formats.ts';

/** Build-time constants (declared in src/vite-env.d.ts); vitest.config.ts defines the same. */
export const RENDERER_DEFINE = { __APP_VERSION__: JSON.stringify(pkg.version) };

// import.meta.dirname (Vite keeps the config file's own), not URL.pathname: that one keeps %20
// for spaces and gives /C:/… on Windows.
const root = `${import.meta.dirname}/`;
const backend = process.env.RA_DEV_BACKEND ?? 'http://127.0.0.1:8750';
const proxied = ['/api', '/portal', '/stream', '/media', '/artwork', '/global', '/docs', '/openapi.json'];

/**
 * `shell-assets.json` at the root of dist: every script and style of the build. The script is
 * in chunks loaded on demand (ui/App.tsx), which index.html does not name, and the service
 * worker keeps them all (sw/service-worker.ts), so an offline start can open any screen.
 */
const shellAssetList = {
  name: 'ra-shell-asset-list',
  generateBundle(this: { emitFile(f: { type: 'asset'; fileName: string; source: string }): void }, _options: unknown, bundle: Record<string, unknown>) {
    const files = Object.keys(bundle).filter((f) => f.startsWith('assets/') && !f.endsWith('.map'));
    this.emitFile({ type: 'asset', fileName: 'shell-assets.json', source: JSON.stringify(files.sort()) });
  },
};

export default defineConfig({
  root,
  base: './',
  plugins: [precompileMessages(), typeboxWithoutDefaultFormats(), react(), shellAssetList],
  define: RENDERER_DEFINE,
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // Shaka alone is ~600 kB minified; one bundle keeps the offline shell simple (sw.ts).
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      input: { index: `${root}index.html`, sw: `${root}src/sw/service-worker.ts` },
      output: {
        entryFileNames: (chunk) => (chunk.name === 'sw' ? 'sw.js' : 'assets/[name]-[hash].js'),
      },
    },
  },
  server: {
    port: 5173,
    proxy: Object.fromEntries(proxied.map((p) => [p, { target: backend, changeOrigin: false }])),
  },
});
