import { DeadLetterHeader, Header } from '@sagaflow/outbox-relay';
import { describe, expect, it } from 'vitest';
import { foldTransition } from './fold-transition';
import { planBatch } from './plan-batch';
import { projectMessage, type ProjectedMessage } from './projected-message';
import type { TransitionRecord } from './read-transition';

const headers = (extra: Record<string, string> = {}) => ({
  [Header.messageId]: 'm-1',
  [Header.messageType]: 'sagaflow.SagaTransition',
  [Header.correlationId]: 'corr-1',
  [Header.source]: 'order-service',
  [Header.occurredAt]: '2025-01-01T00:00:00.000Z',
  [Header.contentType]: 'application/vnd.sagaflow.avro',
  ...extra,
});

function record(
  topic: string,
  payload: unknown,
  extra: Record<string, string> = {},
  offset = '0',
): ProjectedMessage {
  return projectMessage(
    topic,
    0,
    {
      offset,
      key: Buffer.from('k'),
      value: Buffer.from('x'),
      headers: headers(extra),
      timestamp: '1735689600000',
    },
    { payload, error: null },
  );
}

const transition = (over: Partial<TransitionRecord>): TransitionRecord => ({
  messageId: 'm',
  entry: 0,
  sagaId: 's-1',
  sagaType: 'OrderFulfilment',
  correlationId: 'corr-1',
  correlationKey: 'o-1',
  definitionVersion: 1,
  transition: 'Started',
  status: 'RUNNING',
  step: null,
  reason: null,
  at: '2025-01-01T00:00:00.000Z',
  instanceVersion: 1,
  topic: 'sagaflow.lifecycle',
  partition: 0,
  offset: '0',
  ...over,
});

describe('projectMessage', () => {
  it('reads the contract headers and keeps the bytes only of undecodable values', () => {
    const m = projectMessage(
      'order.events',
      2,
      {
        offset: '7',
        key: null,
        value: Buffer.from([1, 2]),
        headers: headers({ [Header.causationId]: 'c-0' }),
        timestamp: '0',
      },
      { payload: null, error: 'boom' },
    );
    expect(m).toMatchObject({
      partition: 2,
      offset: '7',
      messageId: 'm-1',
      causationId: 'c-0',
      correlationId: 'corr-1',
      occurredAt: '2025-01-01T00:00:00.000Z',
      kafkaTimestamp: '1970-01-01T00:00:00.000Z',
      decodeError: 'boom',
      rawValue: Buffer.from([1, 2]),
    });
  });

  it('stores a record without contract headers rather than dropping it', () => {
    const m = projectMessage(
      'x.events',
      0,
      { offset: '0', key: null, value: null, headers: {}, timestamp: '0' },
      { payload: null, error: null },
    );
    expect(m.messageId).toBeNull();
    expect(m.correlationId).toBeNull();
  });
});

describe('planBatch', () => {
  const valid = {
    sagaId: 's-1',
    sagaType: 'OrderFulfilment',
    definitionVersion: 1,
    correlationKey: 'o-1',
    transition: 'StepCompleted',
    status: 'RUNNING',
    step: 'reserveStock',
    reason: null,
    at: '2025-01-01T00:00:01Z',
    instanceVersion: 2,
  };

  it('turns lifecycle records into transitions carrying the correlation id of their headers', () => {
    const plan = planBatch([record('sagaflow.lifecycle', valid)]);
    expect(plan.transitions).toEqual([
      expect.objectContaining({
        sagaId: 's-1',
        correlationId: 'corr-1',
        step: 'reserveStock',
        at: '2025-01-01T00:00:01.000Z',
      }),
    ]);
    expect(plan.messages).toHaveLength(1);
  });

  it('keeps a malformed lifecycle record as a message with the reason', () => {
    const plan = planBatch([record('sagaflow.lifecycle', { ...valid, status: 'WAITING', sagaId: 3 })]);
    expect(plan.transitions).toEqual([]);
    expect(plan.messages[0]!.decodeError).toBe(
      'not a sagaflow.SagaTransition: bad or missing sagaId, status',
    );
  });

  it('reads dead letters from their error headers', () => {
    const plan = planBatch([
      record(
        'inventory.commands.dlt',
        { orderId: 'o-1' },
        {
          [DeadLetterHeader.errorCode]: 'POISON_MESSAGE',
          [DeadLetterHeader.errorMessage]: '[POISON_MESSAGE] no such SKU',
          [DeadLetterHeader.attempts]: '5',
          [DeadLetterHeader.failedAt]: '2025-01-01T00:00:05Z',
        },
      ),
    ]);
    expect(plan.deadLetters).toEqual([
      expect.objectContaining({
        correlationId: 'corr-1',
        errorCode: 'POISON_MESSAGE',
        errorMessage: '[POISON_MESSAGE] no such SKU',
        originalTopic: 'inventory.commands',
        attempts: 5,
        failedAt: '2025-01-01T00:00:05.000Z',
      }),
    ]);
  });

  it('reads definitions, parses their document, and treats a tombstone as a delete', () => {
    const doc = { kind: 'saga', sagaType: 'OrderFulfilment', steps: [] };
    const def = {
      key: 'saga:OrderFulfilment',
      kind: 'saga',
      name: 'OrderFulfilment',
      version: 2,
      service: 'order-service',
      document: JSON.stringify(doc),
      publishedAt: '2025-01-01T00:00:00Z',
    };
    const tombstone = projectMessage(
      'sagaflow.definitions',
      0,
      { offset: '9', key: Buffer.from('saga:Old'), value: null, headers: headers(), timestamp: '0' },
      { payload: null, error: null },
    );
    const plan = planBatch([
      record('sagaflow.definitions', def),
      tombstone,
      record('sagaflow.definitions', { key: 1 }),
    ]);
    expect(plan.definitions).toEqual([
      {
        kind: 'upsert',
        record: expect.objectContaining({ key: 'saga:OrderFulfilment', version: 2, document: doc }),
      },
      { kind: 'delete', key: 'saga:Old' },
    ]);
    expect(plan.messages[2]!.decodeError).toMatch(/^not a sagaflow.DefinitionPublished: bad or missing key/);
  });
});

describe('foldTransition', () => {
  it('follows a saga from start to completion and measures its duration', () => {
    const s = [
      transition({ transition: 'Started', at: '2025-01-01T00:00:00.000Z', instanceVersion: 1 }),
      transition({
        transition: 'StepCompleted',
        step: 'reserveStock',
        at: '2025-01-01T00:00:01.000Z',
        instanceVersion: 2,
      }),
      transition({
        transition: 'Completed',
        status: 'COMPLETED',
        at: '2025-01-01T00:00:02.500Z',
        instanceVersion: 3,
      }),
    ].reduce(foldTransition, undefined);
    expect(s).toMatchObject({
      status: 'COMPLETED',
      lastTransition: 'Completed',
      currentStep: 'reserveStock',
      startedAt: '2025-01-01T00:00:00.000Z',
      endedAt: '2025-01-01T00:00:02.500Z',
      durationMs: 2500,
      transitionCount: 3,
    });
  });

  it('lets a transition re-published after a newer one change nothing but the count', () => {
    const done = [
      transition({ transition: 'Started', instanceVersion: 1 }),
      transition({
        transition: 'Compensated',
        status: 'COMPENSATED',
        reason: 'declined',
        at: '2025-01-01T00:00:03.000Z',
        instanceVersion: 4,
      }),
    ].reduce(foldTransition, undefined);
    const late = foldTransition(
      done,
      transition({
        transition: 'StepCompleted',
        step: 'x',
        at: '2025-01-01T00:00:01.000Z',
        instanceVersion: 2,
      }),
    );
    expect(late).toEqual({ ...done, transitionCount: 3 });
  });

  it('does not mutate the row it is given', () => {
    const s = Object.freeze(foldTransition(undefined, transition({})));
    expect(() =>
      foldTransition(s, transition({ transition: 'Failed', status: 'FAILED', instanceVersion: 2 })),
    ).not.toThrow();
  });
});
