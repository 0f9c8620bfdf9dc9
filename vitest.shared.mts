import { resolve } from 'node:path';
import swc from 'unplugin-swc';
import { defineProject, type UserWorkspaceConfig } from 'vitest/config';

const root = import.meta.dirname;

/** Workspace packages resolve to their TypeScript sources in tests, so no build is needed to test a change. */
export const sourceAliases = {
  '@sagaflow/stack': resolve(root, 'tools/stack/src/index.ts'),
  '@sagaflow/outbox-relay/nest': resolve(root, 'libs/outbox-relay/src/nest/index.ts'),
  '@sagaflow/outbox-relay': resolve(root, 'libs/outbox-relay/src/index.ts'),
  // the subpath alias must come before its package's alias: Vite matches aliases by prefix, in order
  '@sagaflow/saga-core/testing': resolve(root, 'libs/saga-core/src/testing/index.ts'),
  '@sagaflow/saga-core/graph': resolve(root, 'libs/saga-core/src/graph/index.ts'),
  '@sagaflow/saga-core': resolve(root, 'libs/saga-core/src/index.ts'),
  '@sagaflow/contracts': resolve(root, 'libs/contracts/src/index.ts'),
  '@sagaflow/service-kit/testing': resolve(root, 'libs/service-kit/src/testing/index.ts'),
  '@sagaflow/service-kit': resolve(root, 'libs/service-kit/src/index.ts'),
};

/**
 * The Vitest project every lib/app uses: SWC (esbuild emits no decorator metadata, which Nest's
 * injection needs), the workspace aliases, and the global setup that brings the stack up once per run.
 * Tiers are told apart by file name: `*.unit.spec.ts`, `*.int.spec.ts`, `*.e2e.spec.ts`.
 */
export function sagaflowProject(name: string, overrides: UserWorkspaceConfig['test'] = {}) {
  return defineProject({
    plugins: [
      swc.vite({
        jsc: {
          target: 'es2023',
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
        },
      }),
    ],
    resolve: { alias: sourceAliases },
    test: {
      name,
      include: ['src/**/*.spec.ts', 'test/**/*.spec.ts'],
      globalSetup: [resolve(root, 'tools/stack/src/global-setup.mts')],
      testTimeout: 60_000,
      hookTimeout: 120_000,
      ...overrides,
    },
  });
}
