import type { SagaRow } from '../projection/saga-row';
import { stuckReason, type StuckReason } from './stuck';

/** The error shown beside a saga: its latest dead letter, or the reason it failed. */
export interface SagaError {
  code: string | null;
  message: string;
  at: string;
  /** The topic of the dead letter; null for a failure reason. */
  topic: string | null;
}

/** One saga as the API lists it. */
export interface SagaSummary {
  id: string;
  type: string;
  status: SagaRow['status'];
  correlationId: string | null;
  correlationKey: string;
  definitionVersion: number;
  currentStep: string | null;
  lastTransition: string;
  reason: string | null;
  startedAt: string;
  updatedAt: string;
  endedAt: string | null;
  durationMs: number | null;
  transitionCount: number;
  stuck: boolean;
  stuckReason: StuckReason | null;
  error: SagaError | null;
  deadLetters: number;
}

/** The latest dead letter of a saga's correlation id, and how many it has. */
export interface DeadLetterDigest {
  count: number;
  errorCode: string | null;
  errorMessage: string | null;
  failedAt: string | null;
  topic: string | null;
}

/** Builds the API view of a saga: its row, the stuck rule applied, and the error to show. */
export function summarize(saga: SagaRow, dl: DeadLetterDigest, now: Date, stuckAfterMs: number): SagaSummary {
  const reason = stuckReason(saga, dl.count > 0, now, stuckAfterMs);
  let error: SagaError | null = null;
  if (dl.count > 0) {
    error = {
      code: dl.errorCode,
      message: dl.errorMessage ?? '(no error message header)',
      at: dl.failedAt ?? saga.updatedAt,
      topic: dl.topic,
    };
  } else if (saga.status === 'FAILED') {
    error = {
      code: null,
      message: saga.reason ?? 'failed (no reason given)',
      at: saga.endedAt ?? saga.updatedAt,
      topic: null,
    };
  }
  return {
    id: saga.sagaId,
    type: saga.sagaType,
    status: saga.status,
    correlationId: saga.correlationId,
    correlationKey: saga.correlationKey,
    definitionVersion: saga.definitionVersion,
    currentStep: saga.currentStep,
    lastTransition: saga.lastTransition,
    reason: saga.reason,
    startedAt: saga.startedAt,
    updatedAt: saga.updatedAt,
    endedAt: saga.endedAt,
    durationMs: saga.durationMs,
    transitionCount: saga.transitionCount,
    stuck: reason !== null,
    stuckReason: reason,
    error,
    deadLetters: dl.count,
  };
}
