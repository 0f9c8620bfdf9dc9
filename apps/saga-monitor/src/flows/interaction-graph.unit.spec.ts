import { describe, expect, it } from 'vitest';
import { cancellationReactions } from '../../test/support/flow-fixtures';
import { declaredReactions } from './declared-reactions';
import { compareGraphs, type ObservedEdge } from './interaction-graph';

const seen = (producer: string, event: string, consumer: string, observations = 1): ObservedEdge => ({
  producer,
  event,
  consumer,
  observations,
  firstSeen: '2025-01-01T00:00:00.000Z',
  lastSeen: '2025-01-01T00:00:01.000Z',
  exampleCorrelationId: `corr-${consumer}`,
});

describe('declaredReactions', () => {
  it("reads services' reactions and sagas' handlers, naming what it cannot read", () => {
    const { reactions, problems } = declaredReactions([
      {
        key: 'reactions:inventory-service',
        kind: 'reactions',
        service: 'inventory-service',
        document: {
          kind: 'reactions',
          service: 'inventory-service',
          reactions: [
            {
              consumes: 'inventory.ReserveStock',
              topic: 'inventory.commands',
              kind: 'command',
              handler: 'H.reserve',
              emits: ['inventory.StockReserved'],
            },
            { consumes: 'x.Y', handler: 'H.bad', emits: 'nope' },
            {
              consumes: 'order.OrderPlaced',
              topic: 'order.events',
              kind: 'event',
              handler: 'H.silent',
              emits: null,
            },
          ],
        },
      },
      {
        key: 'saga:OrderFulfilment',
        kind: 'saga',
        service: 'order-service',
        document: {
          kind: 'saga',
          sagaType: 'OrderFulfilment',
          steps: [{ command: 'inventory.ReserveStock', compensation: 'inventory.ReleaseStock' }],
          handles: [{ messageType: 'inventory.StockReserved', method: 'onReserved', starter: false }],
        },
      },
      { key: 'reactions:broken', kind: 'reactions', service: 'broken', document: null },
    ]);
    expect(reactions).toEqual([
      {
        service: 'inventory-service',
        handler: 'H.reserve',
        consumes: 'inventory.ReserveStock',
        kind: 'command',
        emits: ['inventory.StockReserved'],
        from: 'reactions',
      },
      {
        service: 'inventory-service',
        handler: 'H.silent',
        consumes: 'order.OrderPlaced',
        kind: 'event',
        emits: null,
        from: 'reactions',
      },
      {
        service: 'order-service',
        handler: 'Saga OrderFulfilment.onReserved',
        consumes: 'inventory.StockReserved',
        kind: 'event',
        emits: ['inventory.ReserveStock', 'inventory.ReleaseStock'],
        from: 'saga',
        starter: false,
      },
    ]);
    expect(problems).toEqual([
      'reactions:inventory-service: reaction #1 is malformed',
      'reactions:broken: no readable document',
    ]);
  });
});

describe('compareGraphs', () => {
  it('matches observed edges to declared reactions and points out both kinds of difference', () => {
    const g = compareGraphs(
      [
        seen('order-service', 'order.OrderCancellationRequested', 'inventory-service', 3),
        // nobody declared that shipping reacts to the cancellation
        seen('order-service', 'order.OrderCancellationRequested', 'shipping-service'),
        seen('payment-service', 'payment.PaymentRefundedForCancellation', 'order-service'),
      ],
      cancellationReactions,
    );
    const byKey = Object.fromEntries(
      g.edges.map((e) => [`${e.producer} ${e.event} ${e.consumer}`, e.status]),
    );
    expect(byKey).toEqual({
      'order-service order.OrderCancellationRequested inventory-service': 'declared-and-observed',
      'order-service order.OrderCancellationRequested shipping-service': 'observed-only',
      'payment-service payment.PaymentRefundedForCancellation order-service': 'declared-and-observed',
      // the producer of a declared-only edge comes from those seen emitting the event
      'order-service order.OrderCancellationRequested payment-service': 'declared-only',
      // ... or from those declaring they emit it
      'inventory-service inventory.StockRestocked order-service': 'declared-only',
    });
    expect(g.differences.observedNotDeclared).toEqual([
      {
        producer: 'order-service',
        event: 'order.OrderCancellationRequested',
        consumer: 'shipping-service',
        observations: 1,
        exampleCorrelationId: 'corr-shipping-service',
      },
    ]);
    expect(g.differences.declaredNotObserved).toEqual([
      {
        event: 'inventory.StockRestocked',
        consumer: 'order-service',
        handlers: ['OrderMessageHandlers.onRestocked'],
      },
      {
        event: 'order.OrderCancellationRequested',
        consumer: 'payment-service',
        handlers: ['PaymentMessageHandlers.onCancellation'],
      },
    ]);
    expect(g.services).toEqual(['inventory-service', 'order-service', 'payment-service', 'shipping-service']);
  });

  it('draws a declared reaction nobody is known to produce for, and does not call a traceless one unseen', () => {
    const g = compareGraphs([], [{ ...cancellationReactions[0]!, consumes: 'x.Orphan', emits: null }]);
    expect(g.edges).toEqual([
      expect.objectContaining({
        producer: null,
        event: 'x.Orphan',
        status: 'declared-only',
        observable: false,
      }),
    ]);
    expect(g.differences.declaredNotObserved).toEqual([]);
  });
});
