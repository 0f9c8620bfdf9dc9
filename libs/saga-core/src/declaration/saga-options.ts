import type { Duration } from './duration';
import type { SagaSteps } from './saga-steps';

/** How a message that keeps failing is retried before it goes to the dead-letter topic. */
export interface RetryPolicyOptions {
  /** Attempts in all, the first included (default 5). */
  attempts?: number;
  /** Pause before the second attempt (default 100ms); doubles each time. */
  initialBackoff?: Duration;
  /** Upper bound of the pause (default 5s). */
  maxBackoff?: Duration;
}

/** `@Saga(...)`: identity and policy of a saga type. */
export interface SagaOptions<S = unknown> {
  /** Saga type name, unique in the system, e.g. `OrderFulfilment`. */
  type: string;
  /** Definition version (integer ≥ 1). In-flight instances keep the version they started with. */
  version: number;
  /** The ordered steps, each beside its compensation ({@link sagaSteps}). */
  steps: SagaSteps<S, string>;
  /**
   * Whole-saga timeout: still running after this → TimedOut, then compensation. When a step that cannot
   * be compensated is in flight then, the saga waits `pivotTimeout` more for its reply instead.
   */
  timeout?: Duration;
  /**
   * How long a saga that timed out while a step without compensation (the pivot) was in flight waits for
   * that step's reply before it ends `FAILED`, surfaced (default: the saga's `timeout`; needs `timeout`).
   * The steps before the pivot are not undone: the pivot may have taken effect (docs/decisions/0068).
   */
  pivotTimeout?: Duration;
  /** Per-message retry before dead-lettering (conflicts and transient errors). */
  retry?: RetryPolicyOptions;
  /** Times a compensation is sent in all before the saga ends Failed (default 3). */
  compensationAttempts?: number;
  /** Default wait for a compensation's confirmation before re-sending it (default 30s). */
  compensationTimeout?: Duration;
}
