import { defineConfig } from 'vitest/config';

// One run over every workspace; each keeps its own vitest.config.ts so `npm test -w <path>` runs it alone.
export default defineConfig({
  test: {
    projects: [
      'libs/*/vitest.config.mts',
      'apps/*/vitest.config.mts',
      'tools/*/vitest.config.mts',
      'bench/vitest.config.mts',
    ],
  },
});
