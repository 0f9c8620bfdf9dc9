import { defineMessage } from '@sagaflow/outbox-relay';
import type { SagaStatus } from '../engine/saga-instance';
import type { LifecycleTransitionName } from '../engine/saga-outcome';

/** Topic of saga state transitions (DESIGN.md). */
export const lifecycleTopic = 'sagaflow.lifecycle';

/** One transition of one saga instance, as published on `sagaflow.lifecycle` (key: saga id). */
export interface SagaTransitionEvent {
  sagaId: string;
  sagaType: string;
  definitionVersion: number;
  correlationKey: string;
  transition: LifecycleTransitionName;
  /** Status after the transition. */
  status: SagaStatus;
  step: string | null;
  reason: string | null;
  /** ISO-8601. */
  at: string;
  /** Instance version after the decision that caused it. */
  instanceVersion: number;
}

/** The `sagaflow.SagaTransition` message type. */
export const SagaTransition = defineMessage<SagaTransitionEvent>({
  topic: lifecycleTopic,
  kind: 'event',
  key: (e) => e.sagaId,
  schema: {
    type: 'record',
    namespace: 'sagaflow',
    name: 'SagaTransition',
    doc: 'A saga state transition: Started, StepCompleted, Compensating, StepCompensated, Completed, Compensated, Failed, TimedOut',
    fields: [
      { name: 'sagaId', type: 'string' },
      { name: 'sagaType', type: 'string' },
      { name: 'definitionVersion', type: 'int' },
      { name: 'correlationKey', type: 'string' },
      {
        name: 'transition',
        type: {
          type: 'enum',
          name: 'TransitionName',
          symbols: [
            'Started',
            'StepCompleted',
            'Compensating',
            'StepCompensated',
            'Completed',
            'Compensated',
            'Failed',
            'TimedOut',
          ],
        },
      },
      {
        name: 'status',
        type: {
          type: 'enum',
          name: 'SagaStatus',
          symbols: ['RUNNING', 'COMPENSATING', 'COMPLETED', 'COMPENSATED', 'FAILED'],
        },
      },
      { name: 'step', type: ['null', 'string'], default: null },
      { name: 'reason', type: ['null', 'string'], default: null },
      { name: 'at', type: 'string' },
      { name: 'instanceVersion', type: 'int' },
    ],
  },
});
