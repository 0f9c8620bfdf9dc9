import {
  ApproveOrder,
  ChargePayment,
  OrderApproved,
  OrderPlaced,
  PaymentCharged,
  PaymentDeclined,
  PaymentRefunded,
  RefundPayment,
  ReleaseStock,
  ReserveStock,
  StockRejected,
  StockReleased,
  StockReserved,
} from '@sagaflow/contracts';
import type { SagaInstance } from '@sagaflow/saga-core';
import { checkConvergence, type SimulatedParticipant } from '@sagaflow/saga-core/testing';
import { describe, it } from 'vitest';
import type { FulfilmentState } from './fulfilment-steps';
import { defineOrderFulfilment } from './order-fulfilment.saga';

// A model of the three services, idempotent per order as the real ones are: stock on a shelf, units held
// per order, money held per order, approvals. Releasing or refunding what was never taken leaves a
// tombstone, so a late reserve or charge is refused, as in inventory-service and payment-service.
interface World {
  shelf: Record<string, number>;
  held: Record<string, { sku: string; quantity: number }[] | 'released'>;
  money: Record<string, number | 'refunded' | 'declined'>;
  approved: string[];
}

const participants: SimulatedParticipant<World>[] = [
  {
    handles: ReserveStock,
    outcomes: ['ok', 'out of stock'],
    handle: (c: ReserveStock, w, o) => {
      const prior = w.held[c.orderId];
      if (prior === 'released')
        return {
          world: w,
          replies: [[StockRejected, { orderId: c.orderId, reason: 'already released', shortages: [] }]],
        };
      if (prior) return { world: w, replies: [[StockReserved, { orderId: c.orderId, items: prior }]] };
      const enough = c.items.every((l) => (w.shelf[l.sku] ?? 0) >= l.quantity);
      if (o !== 'ok' || !enough)
        return {
          world: w,
          replies: [[StockRejected, { orderId: c.orderId, reason: 'out of stock', shortages: [] }]],
        };
      for (const l of c.items) w.shelf[l.sku] = w.shelf[l.sku]! - l.quantity;
      w.held[c.orderId] = c.items;
      return { world: w, replies: [[StockReserved, { orderId: c.orderId, items: c.items }]] };
    },
  },
  {
    handles: ReleaseStock,
    handle: (c: ReleaseStock, w) => {
      const prior = w.held[c.orderId];
      if (Array.isArray(prior)) for (const l of prior) w.shelf[l.sku] = (w.shelf[l.sku] ?? 0) + l.quantity;
      w.held[c.orderId] = 'released';
      return { world: w, replies: [[StockReleased, { orderId: c.orderId, items: [] }]] };
    },
  },
  {
    handles: ChargePayment,
    outcomes: ['ok', 'declined'],
    handle: (c: ChargePayment, w, o) => {
      const prior = w.money[c.orderId];
      const declined = () => ({
        world: w,
        replies: [[PaymentDeclined, { ...c, reason: 'declined' }]] as [
          typeof PaymentDeclined,
          PaymentDeclined,
        ][],
      });
      if (prior === 'refunded' || prior === 'declined') return declined();
      if (typeof prior === 'number') return { world: w, replies: [[PaymentCharged, c]] };
      if (o !== 'ok') {
        w.money[c.orderId] = 'declined';
        return declined();
      }
      w.money[c.orderId] = c.amount;
      return { world: w, replies: [[PaymentCharged, c]] };
    },
  },
  {
    handles: RefundPayment,
    handle: (c: RefundPayment, w) => {
      const prior = w.money[c.orderId];
      const amount = typeof prior === 'number' ? prior : 0;
      if (prior !== 'declined') w.money[c.orderId] = 'refunded';
      return { world: w, replies: [[PaymentRefunded, { ...c, amount }]] };
    },
  },
  {
    handles: ApproveOrder,
    handle: (c: ApproveOrder, w) => {
      if (!w.approved.includes(c.orderId)) w.approved.push(c.orderId);
      return { world: w, replies: [[OrderApproved, { orderId: c.orderId, customerId: 'c', total: 1 }]] };
    },
  },
];

const start = (n: number): [typeof OrderPlaced, OrderPlaced] => [
  OrderPlaced,
  {
    orderId: `o-${n}`,
    customerId: 'c',
    items: [{ sku: n % 2 ? 'A' : 'B', quantity: 1 + (n % 3), unitPrice: 100 }],
    total: 100 * (1 + (n % 3)),
  },
];

/** Approved orders hold their stock and money; every other order holds neither; no unit is lost or made. */
function fulfilmentInvariants(w: World, instances: ReadonlyArray<SagaInstance>): void {
  const heldUnits = Object.values(w.held).flatMap((h) => (Array.isArray(h) ? h : []));
  for (const sku of ['A', 'B']) {
    const total =
      (w.shelf[sku] ?? 0) + heldUnits.filter((l) => l.sku === sku).reduce((a, l) => a + l.quantity, 0);
    if (total !== 5) throw new Error(`stock of ${sku} not conserved: ${total} units instead of 5`);
  }
  for (const i of instances as ReadonlyArray<SagaInstance<FulfilmentState>>) {
    const { orderId } = i.state;
    const holdsStock = Array.isArray(w.held[orderId]);
    const holdsMoney = typeof w.money[orderId] === 'number';
    if (i.status === 'COMPLETED' && !(holdsStock && holdsMoney && w.approved.includes(orderId))) {
      throw new Error(`order ${orderId} completed without its stock, money and approval`);
    }
    if (i.status === 'COMPENSATED' && (holdsStock || holdsMoney))
      throw new Error(`order ${orderId} compensated but still holds stock or money`);
  }
}

describe('OrderFulfilment converges', () => {
  it('under duplicated, reordered and crash-interrupted deliveries, declines and timeouts, stock and money are conserved', () => {
    checkConvergence<World>({
      saga: defineOrderFulfilment({ stepMs: 10_000, compensationMs: 30_000 }),
      starts: [start(1), start(2), start(3)],
      participants,
      world: { shelf: { A: 5, B: 5 }, held: {}, money: {}, approved: [] },
      invariants: [fulfilmentInvariants],
      runs: 150,
    });
  });
});
