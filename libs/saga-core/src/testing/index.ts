/**
 * @sagaflow/saga-core/testing — the test kit users run on their own sagas, in memory, in milliseconds:
 * {@link SagaTestFixture} (messages in, commands / state / lifecycle out, a clock you advance) and
 * {@link checkConvergence} (property-based: duplicated, reordered and crash-interrupted deliveries).
 */
export {
  SagaTestFixture,
  type SagaTestFixtureOptions,
  type SentMessage,
  type RecordedTransition,
} from './saga-test-fixture';
export { checkConvergence, type ConvergenceSpec, type SimulatedParticipant } from './convergence-checker';
