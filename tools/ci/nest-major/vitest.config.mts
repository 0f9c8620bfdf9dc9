import { resolve } from 'node:path';
import { mergeConfig } from 'vitest/config';
import { sagaflowProject } from '../../../vitest.shared.mjs';

// The saga-core suite against another NestJS major (tools/ci/test-nest-majors.sh): the Nest packages, and
// rxjs and reflect-metadata beside them, resolve from SAGAFLOW_NEST_MODULES (a node_modules folder outside
// the workspace holding that major) instead of the workspace's node_modules. Nothing else changes.
const modules = process.env.SAGAFLOW_NEST_MODULES;
if (!modules)
  throw new Error('SAGAFLOW_NEST_MODULES must name the node_modules folder of the NestJS major to test');
const repoRoot = resolve(import.meta.dirname, '../../..');
const swapped = [
  '@nestjs/common',
  '@nestjs/core',
  '@nestjs/microservices',
  '@nestjs/testing',
  '@nestjs/platform-express',
  'reflect-metadata',
  'rxjs',
];

export default mergeConfig(sagaflowProject('saga-core-nest-major'), {
  root: repoRoot,
  resolve: {
    alias: swapped.map((name) => ({
      find: new RegExp(`^${name.replace('/', '\\/')}(\\/.*)?$`),
      replacement: `${resolve(modules, name)}$1`,
    })),
  },
  test: {
    include: [
      'libs/saga-core/src/**/*.spec.ts',
      'libs/saga-core/test/**/*.spec.ts',
      'tools/ci/nest-major/*.spec.ts',
    ],
    exclude: [
      '**/node_modules/**',
      // crash and restart of the runtime's process (about 70 s, a third of the suite): no Nest code in it
      'libs/saga-core/test/resilience.int.spec.ts',
      // type-check the guides with the TypeScript API, against the workspace's Nest types, not these
      'libs/saga-core/test/sagas-guide.unit.spec.ts',
      'libs/saga-core/test/getting-started-guide.unit.spec.ts',
    ],
  },
});
