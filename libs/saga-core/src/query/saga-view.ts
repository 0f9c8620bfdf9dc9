import type { SagaStatus, StepRecord } from '../engine/saga-instance';

/**
 * A saga instance as application code reads it: where it is and what it holds, without reading
 * `sagaflow.saga_instance` by hand (Temporal's queries). A snapshot: the saga may move on right after.
 */
export interface SagaView<S = unknown> {
  readonly id: string;
  /** The saga type (`@Saga({ type })`). */
  readonly type: string;
  readonly correlationKey: string;
  /** The business transaction id its messages carry. */
  readonly correlationId: string;
  readonly definitionVersion: number;
  readonly status: SagaStatus;
  /** The state its handlers returned last. */
  readonly state: S;
  /**
   * The steps it is waiting on: sent and not yet answered (`STARTED`), or being compensated
   * (`COMPENSATING`); several in a parallel group, none once it ended.
   */
  readonly currentSteps: readonly string[];
  /** Every step started so far, by name, in the order they started. */
  readonly steps: Readonly<Record<string, StepRecord>>;
  /** Steps completed, in order (compensated in reverse of it). */
  readonly completedSteps: readonly string[];
  /** Keys it associated besides its correlation key (`ctx.associate`). */
  readonly associations: readonly string[];
  /** Optimistic-concurrency version: one more with every change. */
  readonly version: number;
  readonly startedAt: Date;
  readonly updatedAt: Date;
  readonly endedAt?: Date;
  /** Why it compensated or failed. */
  readonly reason?: string;
  /** Set while a dead-lettered message stopped it, until an operator resumes it. */
  readonly stuck?: { readonly code: string; readonly reason: string; readonly at: Date };
}
