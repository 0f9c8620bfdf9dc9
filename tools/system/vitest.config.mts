import { sagaflowProject } from '../../vitest.shared.mjs';

// The services run as separate processes on fixed topics and consumer groups: one file at a time. A
// project cannot set `fileParallelism` (a root-only option in Vitest 3), so the files share a single
// fork, which runs them one after another. Crash tests wait out Kafka's 30 s session timeout of a
// killed member, hence the long timeouts; a file may also wait in beforeAll for another run's system
// to stop (the machine-wide system lock).
export default sagaflowProject('system', {
  poolOptions: { forks: { singleFork: true } },
  testTimeout: 300_000,
  hookTimeout: 900_000,
});
