import { describe, expect, it } from 'vitest';
import type { SagaDetail } from './api';
import { diagramColumns, diagramSteps } from './diagram-model';

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

function detail(
  status: SagaDetail['saga']['status'],
  transitions: [string, string | null][],
  def: SagaDetail['definition'] = definition,
): SagaDetail {
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
    definition: def,
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
    // a completed saga never needs its compensations: they read "not needed", not "pending"
    expect(states(d)).toEqual(['a:done/not-needed', 'b:done/not-needed']);
  });

  // a trip: flight, hotel and car reserved in parallel (one group), then confirmed
  const step = (name: string, group: string | null, compensation: string | null = `x.Undo_${name}`) => ({
    name,
    command: `x.${name}`,
    commandTopic: 'x',
    compensation,
    compensationTopic: compensation ? 'x' : null,
    withoutCompensationReason: compensation ? null : 'pivot',
    timeoutMs: 10_000,
    group,
    retry: null,
  });
  const trip = {
    ...definition,
    sagaType: 'Trip',
    steps: [
      step('reserveFlight', 'reserve'),
      step('reserveHotel', 'reserve'),
      step('reserveCar', 'reserve'),
      step('confirm', null, null),
    ],
    groups: [{ name: 'reserve', steps: ['reserveFlight', 'reserveHotel', 'reserveCar'] }],
  } satisfies SagaDetail['definition'];

  it('draws a parallel group as one column of branches, each waited on while the saga runs', () => {
    const d = detail(
      'RUNNING',
      [
        ['Started', null],
        ['StepCompleted', 'reserveHotel'],
      ],
      trip,
    );
    expect(states(d)).toEqual([
      'reserveFlight:active/pending*',
      'reserveHotel:done/pending',
      'reserveCar:active/pending*',
      'confirm:pending/none',
    ]);
    const columns = diagramColumns(diagramSteps(d));
    expect(columns.map((c) => [c.group, c.steps.map((s) => s.name)])).toEqual([
      ['reserve', ['reserveFlight', 'reserveHotel', 'reserveCar']],
      [null, ['confirm']],
    ]);
    expect(columns[0]).toEqual(expect.objectContaining({ joined: false }));
  });

  it('shows a group with one branch failed and its siblings compensated, the late one too', () => {
    const d = detail(
      'COMPENSATED',
      [
        ['Started', null],
        ['StepCompleted', 'reserveFlight'],
        ['Compensating', 'reserveCar'],
        ['StepCompensated', 'reserveFlight'],
        ['StepCompleted', 'reserveHotel'],
        ['StepCompensated', 'reserveHotel'],
        ['Compensated', null],
      ],
      trip,
    );
    expect(states(d)).toEqual([
      'reserveFlight:done/compensated',
      'reserveHotel:done/compensated',
      'reserveCar:failed/not-needed',
      'confirm:pending/none',
    ]);
  });

  it('joins the group once every branch completed, and counts the re-sends of a step', () => {
    const d = detail(
      'RUNNING',
      [
        ['Started', null],
        ['StepCompleted', 'reserveFlight'],
        ['StepCompleted', 'reserveCar'],
        ['StepRetried', 'reserveHotel'],
        ['StepCompleted', 'reserveHotel'],
        ['GroupJoined', null],
      ],
      trip,
    );
    const steps = diagramSteps(d);
    expect(steps.find((s) => s.name === 'reserveHotel')?.retries).toBe(1);
    expect(steps.find((s) => s.name === 'confirm')?.forward).toBe('active');
    expect(diagramColumns(steps)[0]).toEqual(expect.objectContaining({ group: 'reserve', joined: true }));
  });
});
