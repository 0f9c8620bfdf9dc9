import { defineMessage } from '@sagaflow/outbox-relay';
import type { SagaStatus } from '../engine/saga-instance';
import type { LifecycleTransitionName } from '../engine/saga-outcome';
import { lifecycleTopic } from './saga-lifecycle-message';

/** One transition inside a {@link SagaTransitionsEvent}. */
export interface SagaTransitionEntry {
  transition: LifecycleTransitionName;
  /** Status after the transition. */
  status: SagaStatus;
  step: string | null;
  reason: string | null;
  /** ISO-8601. */
  at: string;
  /** The parallel group of `step` (for `GroupJoined`, the group); null for a sequential step. */
  group?: string | null;
  /** For `StepRetried`: which send of the step's command this is (2 = the first re-send). */
  attempt?: number | null;
}

/**
 * Every transition one transaction made to one saga instance, as one record on `sagaflow.lifecycle`
 * (key: saga id). It replaces one `SagaTransition` record per transition (docs/decisions/0037): the
 * monitor needs the transitions in order and the instance version after them, not a record each.
 */
export interface SagaTransitionsEvent {
  sagaId: string;
  sagaType: string;
  definitionVersion: number;
  correlationKey: string;
  /** Instance version after the decision that made these transitions. */
  instanceVersion: number;
  /** In the order they happened; never empty. */
  transitions: SagaTransitionEntry[];
}

/** The `sagaflow.SagaTransitions` message type. */
export const SagaTransitions = defineMessage<SagaTransitionsEvent>({
  topic: lifecycleTopic,
  kind: 'event',
  key: (e) => e.sagaId,
  schema: {
    type: 'record',
    namespace: 'sagaflow',
    name: 'SagaTransitions',
    doc: 'The transitions one transaction made to one saga instance, in order',
    fields: [
      { name: 'sagaId', type: 'string' },
      { name: 'sagaType', type: 'string' },
      { name: 'definitionVersion', type: 'int' },
      { name: 'correlationKey', type: 'string' },
      { name: 'instanceVersion', type: 'int' },
      {
        name: 'transitions',
        type: {
          type: 'array',
          items: {
            type: 'record',
            name: 'SagaTransitionEntry',
            fields: [
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
                    'StepRetried',
                    'GroupJoined',
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
              { name: 'group', type: ['null', 'string'], default: null },
              { name: 'attempt', type: ['null', 'int'], default: null },
            ],
          },
        },
      },
    ],
  },
});
