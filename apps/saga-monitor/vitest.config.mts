import { sagaflowProject } from '../../vitest.shared.mjs';

export default sagaflowProject('saga-monitor', {
  // the web UI's pure logic is unit-tested beside it, like the server's
  include: ['src/**/*.spec.ts', 'test/**/*.spec.ts', 'ui/src/**/*.unit.spec.ts'],
});
