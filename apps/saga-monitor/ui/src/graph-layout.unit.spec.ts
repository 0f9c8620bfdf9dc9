import { describe, expect, it } from 'vitest';
import type { GraphEdge } from './api';
import { layoutGraph, nodeRx, nodeRy, unknownProducer } from './graph-layout';
import { anyOverlap, placeLabels } from './place-labels';

const edge = (producer: string | null, event: string, consumer: string): GraphEdge => ({
  producer,
  event,
  consumer,
  status: 'declared-and-observed',
  handlers: [],
  observable: true,
  observations: 1,
  lastSeen: null,
  exampleCorrelationId: null,
});

describe('layoutGraph', () => {
  it('places every service, and a stand-in for an unknown producer, inside the drawing', () => {
    const g = layoutGraph({
      services: ['a', 'b', 'c'],
      edges: [edge('a', 'x.E', 'b'), edge(null, 'x.F', 'c')],
      cycles: [],
    });
    expect(g.nodes.map((n) => n.id)).toEqual(['a', 'b', 'c', unknownProducer]);
    for (const n of g.nodes) {
      expect(n.x).toBeGreaterThan(0);
      expect(n.x).toBeLessThan(g.width);
      expect(n.y).toBeGreaterThan(0);
      expect(n.y).toBeLessThan(g.height);
    }
  });

  it('bends two edges between one pair apart, so their labels do not overlap', () => {
    const g = layoutGraph({
      // three services on a circle: a and b sit on a slanted line
      services: ['a', 'b', 'c'],
      edges: [edge('a', 'x.E', 'b'), edge('b', 'y.F', 'a')],
      cycles: [],
    });
    const [e1, e2] = g.edges;
    // labels are one line of text up to ~220 px wide: apart by a line's height, or by a label's width
    const dx = Math.abs(e1!.labelX - e2!.labelX);
    const dy = Math.abs(e1!.labelY - e2!.labelY);
    expect(dy > 14 || dx > 220, `labels ${dx.toFixed(0)} px apart across, ${dy.toFixed(0)} px down`).toBe(
      true,
    );
    expect(e1!.path).toMatch(/^M[\d.-]+,[\d.-]+ Q/);
  });

  it("draws a service's reaction to its own events as a loop", () => {
    const g = layoutGraph({
      services: ['a', 'b'],
      edges: [edge('a', 'x.E', 'a'), edge('a', 'x.G', 'a')],
      cycles: [],
    });
    expect(g.edges.every((e) => e.path.includes(' C'))).toBe(true);
    expect(g.edges[0]!.labelY).not.toBe(g.edges[1]!.labelY);
  });

  it('marks the edges that are hops of a declared cycle', () => {
    const g = layoutGraph({
      services: ['a', 'b'],
      edges: [edge('a', 'a.X', 'b'), edge('b', 'b.Y', 'a'), edge('a', 'a.Z', 'b')],
      cycles: [
        {
          hops: [
            { event: 'a.X', service: 'b', handlers: ['B.on'], emits: 'b.Y' },
            { event: 'b.Y', service: 'a', handlers: ['A.on'], emits: 'a.X' },
          ],
          chain: '',
          services: ['b', 'a'],
        },
      ],
    });
    expect(Object.fromEntries(g.edges.map((e) => [e.edge.event, e.onCycle]))).toEqual({
      'a.X': true,
      'b.Y': true,
      'a.Z': false,
    });
  });
});

describe('layoutGraph reads at a glance', () => {
  // the demo's shape: one service reacting to many of its own events, several pairs with edges both ways
  const dense = {
    services: ['order-service', 'inventory-service', 'payment-service', 'loyalty-service', 'monitor-spec'],
    edges: [
      ...[
        'inventory.ReserveStock',
        'inventory.StockReserved',
        'order.OrderPlaced',
        'payment.ChargePayment',
        'payment.PaymentCharged',
      ].map((ev) => edge('monitor-spec', ev, 'monitor-spec')),
      edge('order-service', 'order.OrderCancellationRequested', 'payment-service'),
      edge('payment-service', 'payment.PaymentRefundedForCancellation', 'order-service'),
      edge('order-service', 'order.OrderCancellationRequested', 'inventory-service'),
      edge('inventory-service', 'inventory.StockRestocked', 'order-service'),
      edge('order-service', 'order.OrderCancellationRequested', 'loyalty-service'),
      edge('order-service', 'order.OrderCancelled', 'order-service'),
    ],
    cycles: [],
  };

  it('places no label over another label or over a service', () => {
    const g = layoutGraph(dense);
    const labels = g.edges.map((e) => ({ x: e.labelX, y: e.labelY - 5, width: e.labelWidth, height: 15 }));
    expect(anyOverlap(labels)).toBe(false);
    const nodes = g.nodes.map((n) => ({ x: n.x, y: n.y, width: 2 * nodeRx, height: 2 * nodeRy }));
    for (const l of labels) for (const n of nodes) expect(anyOverlap([l, n])).toBe(false);
  });

  it('keeps every loop, curve and label inside the frame', () => {
    const g = layoutGraph(dense);
    for (const e of g.edges) {
      const numbers = [...e.path.matchAll(/(-?[\d.]+),(-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
      for (const [x, y] of numbers) {
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThanOrEqual(g.width);
        expect(y).toBeGreaterThanOrEqual(0);
        expect(y).toBeLessThanOrEqual(g.height);
      }
      expect(e.labelX - e.labelWidth / 2).toBeGreaterThanOrEqual(0);
      expect(e.labelX + e.labelWidth / 2).toBeLessThanOrEqual(g.width);
    }
  });

  it('moves labels apart deterministically', () => {
    const placed = placeLabels(
      [
        { x: 0, y: 0, width: 100, height: 15 },
        { x: 10, y: 2, width: 100, height: 15 },
      ],
      [],
    );
    expect(placed[0]).toEqual({ x: 0, y: 0 });
    expect(Math.abs(placed[1]!.y - placed[0]!.y)).toBeGreaterThanOrEqual(15);
  });
});
