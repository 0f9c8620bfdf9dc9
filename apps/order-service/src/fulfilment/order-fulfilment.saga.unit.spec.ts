import {
  OrderApproved,
  OrderPlaced,
  PaymentCharged,
  PaymentDeclined,
  PaymentRefunded,
  StockRejected,
  StockReleased,
  StockReserved,
} from '@sagaflow/contracts';
import { SagaTestFixture } from '@sagaflow/saga-core/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { defineOrderFulfilment } from './order-fulfilment.saga';
import { rejectionReason } from './rejection-reason';

const OrderFulfilment = defineOrderFulfilment({ stepMs: 10_000, compensationMs: 30_000 });
const orderId = '0190a6b2-0000-7000-8000-000000000001';
const placed: OrderPlaced = {
  orderId,
  customerId: 'c-1',
  items: [
    { sku: 'SKU-1', quantity: 2, unitPrice: 1_000 },
    { sku: 'SKU-2', quantity: 1, unitPrice: 500 },
  ],
  total: 2_500,
};
const reserved: StockReserved = {
  orderId,
  items: [
    { sku: 'SKU-1', quantity: 2 },
    { sku: 'SKU-2', quantity: 1 },
  ],
};
const charged: PaymentCharged = { orderId, customerId: 'c-1', amount: 2_500 };

/** The reason the order service would show, from the saga's last terminal lifecycle record. */
function shownReason(f: SagaTestFixture): string {
  const end = f
    .lifecycle(orderId)
    .filter((t) => t.transition === 'Compensated' || t.transition === 'Failed')
    .at(-1)!;
  return rejectionReason(end.transition as 'Compensated' | 'Failed', end.reason ?? null);
}

describe('OrderFulfilment saga', () => {
  let f: SagaTestFixture;
  beforeEach(() => {
    f = new SagaTestFixture(OrderFulfilment);
  });

  it('approved: reserve → charge → approve, and ends Completed', () => {
    f.receive(OrderPlaced, placed);
    expect(f.sent()[0]).toMatchObject({
      type: 'inventory.ReserveStock',
      payload: { orderId, items: reserved.items },
    });
    f.receive(StockReserved, reserved);
    expect(f.sent()[1]).toMatchObject({
      type: 'payment.ChargePayment',
      payload: { orderId, customerId: 'c-1', amount: 2_500 },
    });
    f.receive(PaymentCharged, charged);
    expect(f.sent()[2]).toMatchObject({ type: 'order.ApproveOrder', payload: { orderId } });
    f.receive(OrderApproved, { orderId, customerId: 'c-1', total: 2_500 });
    expect(f.status(orderId)).toBe('COMPLETED');
    expect(f.sentTypes()).toHaveLength(3);
    expect(f.scheduledDeadlines(orderId)).toEqual({});
  });

  it('rejected out of stock: nothing to compensate, ends Compensated with the inventory reason', () => {
    f.receive(OrderPlaced, placed);
    f.receive(StockRejected, {
      orderId,
      reason: 'out of stock: SKU-1 (requested 2, available 1)',
      shortages: [{ sku: 'SKU-1', requested: 2, available: 1 }],
    });
    expect(f.sentTypes()).toEqual(['inventory.ReserveStock']);
    expect(f.status(orderId)).toBe('COMPENSATED');
    expect(shownReason(f)).toBe('out of stock: SKU-1 (requested 2, available 1)');
  });

  it('payment declined: the stock is released, then Compensated with the payment reason', () => {
    f.receive(OrderPlaced, placed);
    f.receive(StockReserved, reserved);
    f.receive(PaymentDeclined, {
      ...charged,
      reason: 'credit limit exceeded: 2500 cents requested, 1000 available',
    });
    expect(f.sentTypes()).toEqual([
      'inventory.ReserveStock',
      'payment.ChargePayment',
      'inventory.ReleaseStock',
    ]);
    expect(f.status(orderId)).toBe('COMPENSATING');
    f.receive(StockReleased, reserved);
    expect(f.status(orderId)).toBe('COMPENSATED');
    expect(shownReason(f)).toBe(
      'payment declined: credit limit exceeded: 2500 cents requested, 1000 available',
    );
  });

  it('payment times out: the stock is released; a charge that lands late is refunded too', () => {
    f.receive(OrderPlaced, placed);
    f.receive(StockReserved, reserved);
    f.advanceTime('10s');
    expect(f.lifecycle(orderId).map((t) => t.transition)).toContain('TimedOut');
    expect(f.sentTypes().at(-1)).toBe('inventory.ReleaseStock');
    f.receive(StockReleased, reserved);
    expect(f.status(orderId)).toBe('COMPENSATED');
    expect(shownReason(f)).toBe('timed out waiting for payment (no reply within 10000 ms)');

    f.receive(PaymentCharged, charged);
    expect(f.sentTypes().slice(-1)).toEqual(['payment.RefundPayment']);
    expect(f.sentTypes()).not.toContain('order.ApproveOrder');
    f.receive(PaymentRefunded, { ...charged });
    expect(f.status(orderId)).toBe('COMPENSATED');
  });

  it('inventory times out: nothing to undo at once; a reservation that lands late is released', () => {
    f.receive(OrderPlaced, placed);
    f.advanceTime('10s');
    expect(f.status(orderId)).toBe('COMPENSATED');
    expect(shownReason(f)).toBe('timed out waiting for inventory (no reply within 10000 ms)');
    f.receive(StockReserved, reserved);
    expect(f.sentTypes()).toEqual(['inventory.ReserveStock', 'inventory.ReleaseStock']);
    f.receive(StockReleased, reserved);
    expect(f.status(orderId)).toBe('COMPENSATED');
  });

  it('re-sends an unconfirmed compensation after the compensation timeout', () => {
    f.receive(OrderPlaced, placed);
    f.receive(StockReserved, reserved);
    f.receive(PaymentDeclined, { ...charged, reason: 'no account for customer c-1' });
    f.advanceTime('30s');
    expect(f.sentTypes().filter((t) => t === 'inventory.ReleaseStock')).toHaveLength(2);
  });

  it('a step timeout is cancelled by the reply, so a slow-but-in-time step does not compensate', () => {
    f.receive(OrderPlaced, placed);
    f.advanceTime('9s');
    f.receive(StockReserved, reserved);
    f.advanceTime('9s');
    f.receive(PaymentCharged, charged);
    f.advanceTime('1h');
    expect(f.status(orderId)).toBe('RUNNING');
    expect(f.sentTypes().at(-1)).toBe('order.ApproveOrder');
  });
});
