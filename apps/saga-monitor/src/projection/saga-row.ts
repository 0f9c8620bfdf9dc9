import type { SagaTransitionEvent } from '@sagaflow/saga-core';

/** Where a saga is. */
export type SagaStatus = SagaTransitionEvent['status'];

/** The statuses a saga never leaves (DESIGN.md guarantee 4). */
export const terminalStatuses: ReadonlySet<SagaStatus> = new Set(['COMPLETED', 'COMPENSATED', 'FAILED']);

/** Every status, in the order the UI lists them. */
export const allStatuses: readonly SagaStatus[] = [
  'RUNNING',
  'COMPENSATING',
  'COMPLETED',
  'COMPENSATED',
  'FAILED',
];

/** One saga instance as projected (`monitor.saga`). Times are ISO-8601. */
export interface SagaRow {
  sagaId: string;
  sagaType: string;
  correlationId: string | null;
  correlationKey: string;
  definitionVersion: number;
  status: SagaStatus;
  lastTransition: string;
  currentStep: string | null;
  reason: string | null;
  instanceVersion: number;
  startedAt: string;
  /** Time of the latest transition: the last progress the saga made. */
  updatedAt: string;
  endedAt: string | null;
  durationMs: number | null;
  transitionCount: number;
}
