import { describe, expect, it } from 'vitest';
import { findElementaryCycles } from './find-elementary-cycles';
import { findReactionCycles } from './find-reaction-cycles';
import type { PublishedDefinition } from './published-definition';

const reactions = (
  service: string,
  list: { consumes: string; handler: string; emits: string[] | null; kind?: string }[],
): PublishedDefinition => ({
  key: `reactions:${service}`,
  kind: 'reactions',
  service,
  document: Object.freeze({
    kind: 'reactions',
    service,
    reactions: list.map((r) => ({ topic: 't', kind: 'event', ...r })),
  }),
});

const saga = (
  service: string,
  sagaType: string,
  steps: { command: string; compensation: string | null }[],
  handles: { messageType: string; starter: boolean }[],
): PublishedDefinition => ({
  key: `saga:${sagaType}`,
  kind: 'saga',
  service,
  document: {
    kind: 'saga',
    sagaType,
    version: 1,
    steps,
    handles: handles.map((h) => ({ ...h, method: 'm' })),
  },
});

// the demo as it is declared: the saga, its participants and the cancellation reactions
const demo: PublishedDefinition[] = [
  saga(
    'order-service',
    'OrderFulfilment',
    [
      { command: 'inventory.ReserveStock', compensation: 'inventory.ReleaseStock' },
      { command: 'payment.ChargePayment', compensation: 'payment.RefundPayment' },
      { command: 'order.ApproveOrder', compensation: null },
    ],
    [
      { messageType: 'order.OrderPlaced', starter: true },
      { messageType: 'inventory.StockReserved', starter: false },
      { messageType: 'payment.PaymentCharged', starter: false },
      { messageType: 'order.OrderApproved', starter: false },
    ],
  ),
  reactions('inventory-service', [
    { consumes: 'inventory.ReserveStock', handler: 'Inv.reserve', emits: ['inventory.StockReserved'] },
    { consumes: 'inventory.ReleaseStock', handler: 'Inv.release', emits: ['inventory.StockReleased'] },
    {
      consumes: 'order.OrderCancellationRequested',
      handler: 'Inv.restock',
      emits: ['inventory.StockRestocked'],
    },
  ]),
  reactions('payment-service', [
    { consumes: 'payment.ChargePayment', handler: 'Pay.charge', emits: ['payment.PaymentCharged'] },
    { consumes: 'payment.RefundPayment', handler: 'Pay.refund', emits: ['payment.PaymentRefunded'] },
  ]),
  reactions('order-service', [
    { consumes: 'order.ApproveOrder', handler: 'Ord.approve', emits: ['order.OrderApproved'] },
    { consumes: 'inventory.StockRestocked', handler: 'Ord.onRestocked', emits: ['order.OrderCancelled'] },
    { consumes: 'sagaflow.SagaTransition', handler: 'Ord.sagaTransition', emits: null },
  ]),
];

describe('findElementaryCycles', () => {
  it('finds each cycle once, from its smallest node, shortest first; self-loops included', () => {
    const graph = new Map([
      ['a', ['b', 'c']],
      ['b', ['a']],
      ['c', ['d']],
      ['d', ['a', 'd']],
    ]);
    expect(findElementaryCycles(graph)).toEqual([['d'], ['a', 'b'], ['a', 'c', 'd']]);
  });

  it('stops at maxCycles', () => {
    const nodes = ['a', 'b', 'c', 'd', 'e'];
    const complete = new Map(nodes.map((n) => [n, nodes.filter((m) => m !== n)]));
    expect(findElementaryCycles(complete, { maxCycles: 3 })).toHaveLength(3);
  });
});

describe('findReactionCycles', () => {
  it('the demo as declared has no cycle: the saga request/reply and a join are not loops', () => {
    const found = findReactionCycles(demo);
    expect(found.cycles).toEqual([]);
    expect(found.undeclared).toEqual(['order-service: Ord.sagaTransition (sagaflow.SagaTransition)']);
    expect(found.problems).toEqual([]);
  });

  it('names a two-service loop as a chain of "service: type", each service emitting the type after it', () => {
    const looped = [
      ...demo.filter((d) => d.key !== 'reactions:order-service'),
      reactions('order-service', [
        {
          consumes: 'inventory.StockRestocked',
          handler: 'Ord.onRestocked',
          emits: ['order.OrderCancelled', 'order.OrderCancellationRequested'],
        },
      ]),
    ];
    const [cycle, ...rest] = findReactionCycles(looped).cycles;
    expect(rest).toEqual([]);
    expect(cycle!.chain).toBe(
      'inventory-service: inventory.StockRestocked → order-service: order.OrderCancellationRequested → inventory-service: inventory.StockRestocked',
    );
    expect(cycle!.hops).toEqual([
      {
        consumes: 'inventory.StockRestocked',
        service: 'order-service',
        handlers: ['Ord.onRestocked'],
        emits: 'order.OrderCancellationRequested',
      },
      {
        consumes: 'order.OrderCancellationRequested',
        service: 'inventory-service',
        handlers: ['Inv.restock'],
        emits: 'inventory.StockRestocked',
      },
    ]);
    expect(cycle!.services).toEqual(['order-service', 'inventory-service']);
  });

  it('a loop that starts a saga again counts: approved orders placing new orders', () => {
    const looped = [
      ...demo,
      reactions('marketing-service', [
        { consumes: 'order.OrderApproved', handler: 'Mkt.reorder', emits: ['order.OrderPlaced'] },
      ]),
    ];
    const chains = findReactionCycles(looped).cycles.map((c) => c.chain);
    expect(chains).toEqual([
      'order-service: order.ApproveOrder → order-service: order.OrderApproved → marketing-service: order.OrderPlaced → order-service: order.ApproveOrder',
    ]);
  });

  it('names hops declared by several services, and reads malformed documents as problems', () => {
    const found = findReactionCycles([
      reactions('a', [{ consumes: 'x.X', handler: 'A.on', emits: ['y.Y'] }]),
      reactions('b', [{ consumes: 'x.X', handler: 'B.on', emits: ['y.Y'] }]),
      reactions('c', [{ consumes: 'y.Y', handler: 'C.on', emits: ['x.X'] }]),
      { key: 'reactions:d', kind: 'reactions', service: 'd', document: { reactions: [{ consumes: 1 }] } },
      { key: 'saga:S', kind: 'saga', service: 'd', document: 'nonsense' },
    ]);
    expect(found.cycles.map((c) => c.chain)).toEqual(['c: x.X → a / b: y.Y → c: x.X']);
    expect(found.cycles[0]!.services).toEqual(['a', 'b', 'c']);
    expect(found.problems).toEqual(['reactions:d: reaction #0 is malformed', 'saga:S: no readable document']);
  });
});
