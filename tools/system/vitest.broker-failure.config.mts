import { sagaflowProject } from '../../vitest.shared.mjs';

// The broker-failure suite alone (it also runs in `npm test`): `npm run test:broker-failure`.
export default sagaflowProject('system-broker-failure', {
  root: import.meta.dirname,
  include: ['test/broker-failure.e2e.spec.ts'],
  poolOptions: { forks: { singleFork: true } },
  testTimeout: 300_000,
  hookTimeout: 900_000,
});
