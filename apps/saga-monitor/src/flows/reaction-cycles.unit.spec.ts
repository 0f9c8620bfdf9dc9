import { describe, expect, it } from 'vitest';
import { cancellationReactions } from '../../test/support/flow-fixtures';
import type { DeclaredReaction } from './declared-reactions';
import { reactionCycles } from './reaction-cycles';

const reaction = (
  service: string,
  handler: string,
  consumes: string,
  emits: string[] | null,
): DeclaredReaction => ({
  service,
  handler,
  consumes,
  kind: 'event',
  emits,
  from: 'reactions',
});

describe('reactionCycles', () => {
  it('finds none in the demo cancellation', () => {
    expect(reactionCycles(cancellationReactions)).toEqual([]);
  });

  it("names the chain when A's event triggers B, whose event triggers A", () => {
    const cycles = reactionCycles([
      reaction('a-service', 'A.onShipped', 'b.Shipped', ['a.Billed']),
      reaction('b-service', 'B.onBilled', 'a.Billed', ['b.Shipped', 'b.Done']),
      reaction('c-service', 'C.onDone', 'b.Done', null),
    ]);
    expect(cycles).toEqual([
      {
        hops: [
          { event: 'a.Billed', service: 'b-service', handlers: ['B.onBilled'], emits: 'b.Shipped' },
          { event: 'b.Shipped', service: 'a-service', handlers: ['A.onShipped'], emits: 'a.Billed' },
        ],
        chain: 'a.Billed → b-service (B.onBilled) → b.Shipped → a-service (A.onShipped) → a.Billed',
        services: ['b-service', 'a-service'],
      },
    ]);
  });

  it('counts a saga through what starts it: a new instance sends its steps again', () => {
    const cycles = reactionCycles([
      {
        ...reaction('order-service', 'Saga S.onPlaced', 'order.OrderPlaced', ['inventory.ReserveStock']),
        from: 'saga',
        starter: true,
      },
      reaction('inventory-service', 'I.reserve', 'inventory.ReserveStock', ['inventory.StockReserved']),
      reaction('audit-service', 'A.replay', 'inventory.StockReserved', ['order.OrderPlaced']),
    ]);
    expect(cycles.map((c) => c.services)).toEqual([['inventory-service', 'audit-service', 'order-service']]);
  });

  it("leaves a saga's other handlers out: a request/reply saga is not a loop", () => {
    expect(
      reactionCycles([
        {
          ...reaction('order-service', 'Saga S.onReserved', 'inventory.StockReserved', [
            'inventory.ReserveStock',
          ]),
          from: 'saga',
        },
        reaction('inventory-service', 'I.reserve', 'inventory.ReserveStock', ['inventory.StockReserved']),
      ]),
    ).toEqual([]);
  });
});
