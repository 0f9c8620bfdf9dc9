import { resolve } from 'node:path';

/** Builds the web UI with the app's own Vite config into `outDir`, as `npm run build` does into dist/ui. */
export async function buildUi(outDir: string): Promise<string> {
  // Vite is ESM-only and this package compiles to CommonJS: load it the ESM way
  const { build } = await import('vite');
  await build({
    configFile: resolve(__dirname, '../../ui/vite.config.mts'),
    build: { outDir, emptyOutDir: true, sourcemap: false },
    logLevel: 'error',
  });
  return outDir;
}
