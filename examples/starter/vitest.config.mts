import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// SWC, not Vitest's default esbuild: esbuild emits no decorator metadata, and Nest injects by it.
export default defineConfig({
  plugins: [
    swc.vite({
      jsc: {
        target: 'es2023',
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      },
    }),
  ],
  test: { setupFiles: ['test/env.ts'], testTimeout: 60_000, hookTimeout: 120_000 },
});
