import { describe, expect, it } from 'vitest';
import { buildCausationTree, type CausationNode } from './causation-tree';
import { cancellation, msg } from '../../test/support/flow-fixtures';

/** The tree as nested `type@source +gap` strings, for compact assertions. */
const shape = (n: CausationNode): unknown => {
  const label = `${n.messageType}@${n.source}${n.gapMs === null ? '' : ` +${n.gapMs}`}`;
  return n.children.length === 0 ? label : { [label]: n.children.map(shape) };
};

describe('buildCausationTree', () => {
  it('nests a cancellation under its request, with the gap of each hop', () => {
    const tree = buildCausationTree([...cancellation].reverse());
    expect(tree.roots.map(shape)).toEqual([
      {
        'order.OrderCancellationRequested@order-service': [
          'inventory.StockRestocked@inventory-service +40',
          {
            'payment.PaymentRefundedForCancellation@payment-service +65': [
              'order.OrderCancelled@order-service +25',
            ],
          },
        ],
      },
    ]);
    expect(tree).toMatchObject({ nodeCount: 4, depth: 2, orphans: 0 });
  });

  it('shows a message whose cause is unknown at the root, flagged, after the real roots', () => {
    const tree = buildCausationTree([
      msg('late', 'payment.PaymentRefundedForCancellation', 'payment-service', 5, 'gone'),
      msg('root', 'order.OrderCancellationRequested', 'order-service', 10),
    ]);
    expect(tree.roots.map((r) => [r.messageId, r.orphan])).toEqual([
      ['root', false],
      ['late', true],
    ]);
    expect(tree.orphans).toBe(1);
  });

  it('folds a re-published message into one node and marks a dead-lettered one', () => {
    const tree = buildCausationTree([
      ...cancellation.slice(0, 2),
      msg('m2', 'inventory.StockRestocked', 'inventory-service', 45, 'm1', { offset: '99' }),
      msg('m1', 'order.OrderCancellationRequested', 'order-service', 70, null, {
        topic: 'order.events.dlt',
        deadLetter: true,
      }),
    ]);
    expect(tree.nodeCount).toBe(2);
    const root = tree.roots[0]!;
    expect(root.deadLettered).toBe(true);
    expect(root.children[0]).toMatchObject({ messageId: 'm2', duplicates: 1, deadLettered: false });
  });

  it('keeps a dead letter whose original was never projected, as a node of its own', () => {
    const tree = buildCausationTree([
      msg('x', 'inventory.ReserveStock', 'order-service', 0, null, {
        topic: 'inventory.commands.dlt',
        deadLetter: true,
      }),
    ]);
    expect(tree.roots).toEqual([expect.objectContaining({ messageId: 'x', deadLettered: true })]);
  });

  it('breaks a causation loop of corrupt headers at its earliest message instead of losing it', () => {
    const tree = buildCausationTree([
      msg('a', 'x.A', 's', 0, 'b'),
      msg('b', 'x.B', 's', 10, 'a'),
      msg('c', 'x.C', 's', 20, 'b'),
    ]);
    expect(tree.nodeCount).toBe(3);
    expect(tree.roots.map(shape)).toEqual([{ 'x.A@s': [{ 'x.B@s +10': ['x.C@s +10'] }] }]);
    expect(tree.roots[0]!.orphan).toBe(true);
  });

  it('is empty for no messages', () => {
    expect(buildCausationTree([])).toEqual({ roots: [], nodeCount: 0, depth: 0, orphans: 0 });
  });
});
