/**
 * Desktop build: `npm run build` (electron-vite) writes
 *   out/main/      the Electron main process (ESM), the CLI entry for plain Node (cli.js, the
 *                  package's "bin") and the worker bundles, with their shared chunks beside them
 *   out/preload/   the preload script (CommonJS: sandboxed preloads cannot be ES modules)
 *   out/renderer/  the React UI (index.html + assets)
 * The headless node runs from source (`npm start`, through tsx) or built (`node out/main/cli.js`);
 * it serves out/renderer to browsers (`sota-miner serve`, the validator's dashboard).
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import { CONTENT_SECURITY_POLICY } from './src-main/electron/csp';

const root = fileURLToPath(new URL('.', import.meta.url));
const fromRoot = (path: string): string => resolve(root, path);

/**
 * Extra bundles built next to the Electron main process, into out/main/<name>.js. This is the one
 * place to list worker entries (piscina / worker_threads files that the main process starts by
 * path), e.g. `'evaluator.worker': fromRoot('src-worker/evaluator.worker.ts')`. Name them
 * `*worker*`: e2e/packaging.spec.ts finds them so, and electron-builder.yml keeps out/main's
 * files outside the asar archive (asarUnpack).
 */
const workerEntries: Record<string, string> = {
  'island.worker': fromRoot('src-worker/search/island.worker.ts'),
  'verify.worker': fromRoot('src-worker/verify/verify.worker.ts'),
  'unit.worker': fromRoot('src-worker/pool/unit.worker.ts'),
};

/** Writes the app's Content-Security-Policy into the built index.html (file:// has no headers). */
function contentSecurityPolicy(): Plugin {
  return {
    name: 'sota-miner:csp-meta',
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY },
        injectTo: 'head-prepend',
      },
    ],
  };
}

export default defineConfig({
  main: {
    build: {
      outDir: fromRoot('out/main'),
      // Dependencies stay in node_modules (inside the app's asar archive), except what the worker
      // bundles reach: workers run from the unpacked tree, where node_modules is not
      // (e2e/packaging.spec.ts checks that no worker imports a package).
      externalizeDeps: { exclude: ['@noble/hashes'] },
      rolldownOptions: {
        input: {
          main: fromRoot('src-main/electron/main.ts'),
          // The same node under plain Node (`node out/main/cli.js`, package.json "bin").
          cli: fromRoot('src-main/cli/main.ts'),
          ...workerEntries,
        },
        // Shared code beside the entries, so import.meta.url finds the worker bundles (workers.ts).
        output: { chunkFileNames: '[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: fromRoot('out/preload'),
      rolldownOptions: {
        input: { preload: fromRoot('src-main/electron/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: fromRoot('src-renderer'),
    plugins: [react(), contentSecurityPolicy()],
    build: {
      outDir: fromRoot('out/renderer'),
      emptyOutDir: true,
      // electron-vite leaves bundles unminified; the UI also ships to browsers of headless nodes.
      minify: true,
      rolldownOptions: {
        input: { index: fromRoot('src-renderer/index.html') },
      },
    },
  },
});
