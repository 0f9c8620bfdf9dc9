import { Header } from '@sagaflow/outbox-relay';
import type { SagaTransitionEvent, SagaTransitionsEvent } from '@sagaflow/saga-core';
import { describe, expect, it } from 'vitest';
import { planBatch } from './plan-batch';
import { projectMessage, type ProjectedMessage } from './projected-message';
import { readTransitions, transitionNames } from './read-transition';

const lifecycle = (
  payload: unknown,
  type: string | null,
  messageId: string | null = 'm-1',
): ProjectedMessage =>
  projectMessage(
    'sagaflow.lifecycle',
    1,
    {
      offset: '42',
      key: Buffer.from('s-1'),
      value: Buffer.from('x'),
      headers: {
        ...(messageId === null ? {} : { [Header.messageId]: messageId }),
        ...(type === null ? {} : { [Header.messageType]: type }),
        [Header.correlationId]: 'corr-1',
      },
      timestamp: '1735689600000',
    },
    { payload, error: null },
  );

const many: SagaTransitionsEvent = {
  sagaId: 's-1',
  sagaType: 'OrderFulfilment',
  definitionVersion: 2,
  correlationKey: 'o-1',
  instanceVersion: 3,
  transitions: [
    {
      transition: 'StepCompleted',
      status: 'RUNNING',
      step: 'chargePayment',
      reason: null,
      at: '2025-01-01T00:00:01Z',
    },
    { transition: 'Completed', status: 'COMPLETED', step: null, reason: null, at: '2025-01-01T00:00:01Z' },
  ],
};

const one: SagaTransitionEvent = {
  sagaId: 's-1',
  sagaType: 'OrderFulfilment',
  definitionVersion: 2,
  correlationKey: 'o-1',
  transition: 'Started',
  status: 'RUNNING',
  step: null,
  reason: null,
  at: '2025-01-01T00:00:00Z',
  instanceVersion: 1,
};

describe('readTransitions', () => {
  it('reads every entry of a sagaflow.SagaTransitions, in order, numbered from 0 under its message id', () => {
    const read = readTransitions(lifecycle(many, 'sagaflow.SagaTransitions'));
    expect(read).toEqual({
      ok: true,
      value: [
        expect.objectContaining({
          messageId: 'm-1',
          entry: 0,
          transition: 'StepCompleted',
          step: 'chargePayment',
        }),
        expect.objectContaining({ messageId: 'm-1', entry: 1, transition: 'Completed', status: 'COMPLETED' }),
      ],
    });
    const [first] = (read as { value: unknown[] }).value;
    expect(first).toEqual({
      messageId: 'm-1',
      entry: 0,
      sagaId: 's-1',
      sagaType: 'OrderFulfilment',
      correlationId: 'corr-1',
      correlationKey: 'o-1',
      definitionVersion: 2,
      instanceVersion: 3,
      transition: 'StepCompleted',
      status: 'RUNNING',
      step: 'chargePayment',
      reason: null,
      at: '2025-01-01T00:00:01.000Z',
      topic: 'sagaflow.lifecycle',
      partition: 1,
      offset: '42',
    });
  });

  it('reads a sagaflow.SagaTransition already on the topic as one transition, entry 0', () => {
    expect(readTransitions(lifecycle(one, 'sagaflow.SagaTransition'))).toEqual({
      ok: true,
      value: [
        expect.objectContaining({
          entry: 0,
          transition: 'Started',
          instanceVersion: 1,
          at: '2025-01-01T00:00:00.000Z',
        }),
      ],
    });
  });

  it('tells the two apart by the payload when the message-type header is missing', () => {
    const a = readTransitions(lifecycle(many, null));
    const b = readTransitions(lifecycle(one, null));
    expect(a.ok && a.value.map((t) => t.transition)).toEqual(['StepCompleted', 'Completed']);
    expect(b.ok && b.value.map((t) => t.transition)).toEqual(['Started']);
  });

  it('names every bad field, entries by index, and keeps the whole record out when one entry is bad', () => {
    const bad = {
      ...many,
      instanceVersion: 'x',
      transitions: [many.transitions[0], { ...many.transitions[1], status: 'DONE', at: 'soon' }],
    };
    expect(readTransitions(lifecycle(bad, 'sagaflow.SagaTransitions'))).toEqual({
      ok: false,
      error:
        'not a sagaflow.SagaTransitions: bad or missing instanceVersion, transitions[1].status, transitions[1].at',
    });
    expect(readTransitions(lifecycle({ ...many, transitions: [] }, 'sagaflow.SagaTransitions'))).toEqual({
      ok: false,
      error: 'not a sagaflow.SagaTransitions: bad or missing transitions',
    });
    expect(readTransitions(lifecycle({ ...one, sagaId: '' }, 'sagaflow.SagaTransition'))).toEqual({
      ok: false,
      error: 'not a sagaflow.SagaTransition: bad or missing sagaId',
    });
  });

  it('refuses a record without a message id or a payload', () => {
    expect(readTransitions(lifecycle(many, 'sagaflow.SagaTransitions', null))).toEqual({
      ok: false,
      error: 'lifecycle record without a message-id header',
    });
    expect(readTransitions(lifecycle(null, 'sagaflow.SagaTransitions'))).toEqual({
      ok: false,
      error: 'lifecycle record without a payload',
    });
  });

  it('lets a batch mix both kinds: the plan holds every transition in record order', () => {
    const plan = planBatch([
      lifecycle(one, 'sagaflow.SagaTransition', 'm-0'),
      lifecycle(many, 'sagaflow.SagaTransitions', 'm-1'),
    ]);
    expect(plan.transitions.map((t) => [t.messageId, t.entry, t.transition])).toEqual([
      ['m-0', 0, 'Started'],
      ['m-1', 0, 'StepCompleted'],
      ['m-1', 1, 'Completed'],
    ]);
    expect(plan.messages.map((m) => m.decodeError)).toEqual([null, null]);
  });
});

describe('the transitions the monitor knows', () => {
  it('are exactly the symbols of saga-core lifecycle record, so a new transition cannot be flagged unreadable', async () => {
    const { SagaTransitions } = await import('@sagaflow/saga-core');
    const schema = JSON.stringify(SagaTransitions.schema);
    const symbols = JSON.parse(
      /"name":"TransitionName","symbols":(\[[^\]]*\])/.exec(schema)![1]!,
    ) as string[];
    expect([...transitionNames].sort()).toEqual([...symbols].sort());
  });
});
