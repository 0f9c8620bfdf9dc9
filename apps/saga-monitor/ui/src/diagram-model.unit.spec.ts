import { describe, expect, it } from 'vitest';
import type { SagaDetail } from './api';
import { diagramSteps } from './diagram-model';

const definition = {
  kind: 'saga',
  sagaType: 'OrderFulfilment',
  version: 1,
  timeoutMs: null,
  handles: [],
  steps: [
    {
      name: 'reserveStock',
      command: 'inventory.ReserveStock',
      commandTopic: 'x',
      compensation: 'inventory.ReleaseStock',
      compensationTopic: 'x',
      withoutCompensationReason: null,
      timeoutMs: null,
    },
    {
      name: 'chargePayment',
      command: 'payment.ChargePayment',
      commandTopic: 'x',
      compensation: 'payment.RefundPayment',
      compensationTopic: 'x',
      withoutCompensationReason: null,
      timeoutMs: null,
    },
    {
      name: 'approveOrder',
      command: 'order.ApproveOrder',
      commandTopic: 'x',
      compensation: null,
      compensationTopic: null,
      withoutCompensationReason: 'last step',
      timeoutMs: null,
    },
  ],
} satisfies SagaDetail['definition'];

function detail(status: SagaDetail['saga']['status'], transitions: [string, string | null][]): SagaDetail {
  return {
    saga: { status } as SagaDetail['saga'],
    transitions: transitions.map(([transition, step], i) => ({
      messageId: `m${i}`,
      transition,
      step,
      status,
      reason: null,
      at: '2025-01-01T00:00:00.000Z',
      instanceVersion: i + 1,
    })),
    messages: [],
    messagesTruncated: false,
    deadLetters: [],
    actions: [],
    definition,
  };
}

const states = (d: SagaDetail) =>
  diagramSteps(d).map((s) => `${s.name}:${s.forward}/${s.back}${s.here ? '*' : ''}`);

describe('diagramSteps', () => {
  it('marks the step a running saga waits on', () => {
    expect(
      states(
        detail('RUNNING', [
          ['Started', null],
          ['StepCompleted', 'reserveStock'],
        ]),
      ),
    ).toEqual(['reserveStock:done/pending', 'chargePayment:active/pending*', 'approveOrder:pending/none']);
  });

  it('shows the failed step and the compensation running, in reverse order', () => {
    expect(
      states(
        detail('COMPENSATING', [
          ['Started', null],
          ['StepCompleted', 'reserveStock'],
          ['StepCompleted', 'chargePayment'],
          ['Compensating', 'approveOrder'],
          ['StepCompensated', 'chargePayment'],
        ]),
      ),
    ).toEqual([
      'reserveStock:done/compensating*',
      'chargePayment:done/compensated',
      'approveOrder:failed/none',
    ]);
  });

  it('shows where a failed saga stopped: the compensation that could not be applied', () => {
    expect(
      states(
        detail('FAILED', [
          ['Started', null],
          ['StepCompleted', 'reserveStock'],
          ['Compensating', 'chargePayment'],
          ['Failed', 'reserveStock'],
        ]),
      ),
    ).toEqual(['reserveStock:done/failed*', 'chargePayment:failed/pending', 'approveOrder:pending/none']);
  });

  it('draws the steps the transitions name when no definition was published', () => {
    const d = {
      ...detail('COMPLETED', [
        ['Started', null],
        ['StepCompleted', 'a'],
        ['StepCompleted', 'b'],
        ['Completed', null],
      ]),
      definition: null,
    };
    expect(states(d)).toEqual(['a:done/pending', 'b:done/pending']);
  });
});
