import type { SagaTransitionEvent } from '@sagaflow/saga-core';
import type { ProjectedMessage } from './projected-message';

/** A lifecycle transition as the projection applies it. */
export interface TransitionRecord {
  messageId: string;
  sagaId: string;
  sagaType: string;
  correlationId: string | null;
  correlationKey: string;
  definitionVersion: number;
  transition: SagaTransitionEvent['transition'];
  status: SagaTransitionEvent['status'];
  step: string | null;
  reason: string | null;
  /** ISO-8601. */
  at: string;
  instanceVersion: number;
  topic: string;
  partition: number;
  offset: string;
}

const transitions = new Set<string>([
  'Started',
  'StepCompleted',
  'Compensating',
  'StepCompensated',
  'Completed',
  'Compensated',
  'Failed',
  'TimedOut',
]);
const statuses = new Set<string>(['RUNNING', 'COMPENSATING', 'COMPLETED', 'COMPENSATED', 'FAILED']);

/**
 * Reads a `sagaflow.SagaTransition` from a decoded lifecycle record.
 * @returns the transition, or why the record is not one (stored beside the record, never dropped).
 */
export function readTransition(
  m: ProjectedMessage,
): { ok: true; value: TransitionRecord } | { ok: false; error: string } {
  const p = m.payload as Partial<Record<keyof SagaTransitionEvent, unknown>> | null;
  if (m.messageId === null) return { ok: false, error: 'lifecycle record without a message-id header' };
  if (p === null || typeof p !== 'object') return { ok: false, error: 'lifecycle record without a payload' };
  const faults: string[] = [];
  const str = (k: keyof SagaTransitionEvent) =>
    typeof p[k] === 'string' && p[k] !== '' ? (p[k] as string) : (faults.push(k), '');
  const int = (k: keyof SagaTransitionEvent) =>
    Number.isInteger(p[k]) ? (p[k] as number) : (faults.push(k), 0);
  const opt = (k: keyof SagaTransitionEvent) => (typeof p[k] === 'string' ? (p[k] as string) : null);
  const value: TransitionRecord = {
    messageId: m.messageId,
    sagaId: str('sagaId'),
    sagaType: str('sagaType'),
    correlationId: m.correlationId,
    correlationKey: str('correlationKey'),
    definitionVersion: int('definitionVersion'),
    transition: str('transition') as TransitionRecord['transition'],
    status: str('status') as TransitionRecord['status'],
    step: opt('step'),
    reason: opt('reason'),
    at: str('at'),
    instanceVersion: int('instanceVersion'),
    topic: m.topic,
    partition: m.partition,
    offset: m.offset,
  };
  if (value.transition && !transitions.has(value.transition)) faults.push('transition');
  if (value.status && !statuses.has(value.status)) faults.push('status');
  if (value.at && Number.isNaN(Date.parse(value.at))) faults.push('at');
  if (faults.length > 0) {
    return {
      ok: false,
      error: `not a sagaflow.SagaTransition: bad or missing ${[...new Set(faults)].join(', ')}`,
    };
  }
  return { ok: true, value: { ...value, at: new Date(value.at).toISOString() } };
}
