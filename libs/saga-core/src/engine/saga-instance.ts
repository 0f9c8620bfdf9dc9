/** Where a saga instance is; the last three are terminal. */
export type SagaStatus = 'RUNNING' | 'COMPENSATING' | 'COMPLETED' | 'COMPENSATED' | 'FAILED';

/** The terminal statuses: every started saga ends in one of them (DESIGN.md guarantee 4). */
export const terminalStatuses: ReadonlySet<SagaStatus> = new Set(['COMPLETED', 'COMPENSATED', 'FAILED']);

/** Where one step is. */
export type StepStatus =
  'STARTED' | 'COMPLETED' | 'FAILED' | 'COMPENSATING' | 'COMPENSATED' | 'COMPENSATION_FAILED';

/** One step of one instance. */
export interface StepRecord {
  status: StepStatus;
  /** Compensation commands sent so far (re-sent on compensation timeout). */
  compensationAttempts?: number;
  /** Sends of the step's command so far (re-sent on timeout under the step's retry policy). */
  attempts?: number;
  /** The message-id of the step's command: every re-send carries the same one (docs/decisions/0051). */
  messageId?: string;
}

/**
 * A saga instance as persisted in `sagaflow.saga_instance`: plain JSON, no services in it.
 * The engine never mutates one; it returns a new object.
 */
export interface SagaInstance<S = unknown> {
  /** The saga id (UUIDv7), unique per instance. */
  id: string;
  /** The business transaction id: the starting message's `correlation-id`, carried by every message the saga causes. */
  correlationId: string;
  type: string;
  /** The definition version the instance started with; it keeps it until it ends. */
  definitionVersion: number;
  /** What the `correlate` functions return for this instance's messages (indexed, unique per type). */
  correlationKey: string;
  status: SagaStatus;
  state: S;
  steps: Record<string, StepRecord>;
  /** Step names in the order they completed; compensation walks it backwards. */
  completedSteps: string[];
  /** Optimistic-concurrency version; 1 on creation, +1 on every save. */
  version: number;
  startedAt: string;
  updatedAt: string;
  endedAt?: string;
  /** Why it compensated or failed. */
  reason?: string;
  /**
   * Further keys the instance answers to besides `correlationKey` (`ctx.associate(key)`), unique per
   * saga type; emptied when the saga ends.
   */
  associations?: string[];
}

/** Deadline names the engine schedules itself. User deadlines are `user:<name>`. */
export const DeadlineName = Object.freeze({
  sagaTimeout: 'saga-timeout',
  step: (step: string) => `step:${step}`,
  compensation: (step: string) => `compensation:${step}`,
  /** The pause after a step timed out, before its command is re-sent. */
  retry: (step: string) => `retry:${step}`,
  /** The wait, after the saga timed out, for the reply of a step that cannot be compensated (decision 0068). */
  pivot: (step: string) => `pivot:${step}`,
  user: (name: string) => `user:${name}`,
});
