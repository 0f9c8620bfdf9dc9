import { resolve } from 'node:path';
import { defineConfig } from 'vite';

/** The monitor's web UI: Preact compiled by Vite's own esbuild (no framework plugin), into dist/ui. */
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: resolve(import.meta.dirname, '../dist/ui'),
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
  },
  logLevel: 'warn',
});
