import { sagaflowProject } from '../../vitest.shared.mjs';

// The services run as separate processes on fixed topics and consumer groups: one file at a time.
// Crash tests wait out Kafka's 30 s session timeout of a killed member, hence the long timeouts; a file
// may also wait in beforeAll for another run's system to stop (the machine-wide system lock).
export default sagaflowProject('system', {
  fileParallelism: false,
  testTimeout: 300_000,
  hookTimeout: 900_000,
});
