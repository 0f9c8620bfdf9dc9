import 'reflect-metadata';
import { type INestApplication } from '@nestjs/common';
import { newMessageId } from '@sagaflow/outbox-relay';
import { type MessageContext } from '@sagaflow/saga-core';
import { JsonLogger } from '@sagaflow/service-kit';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { OrderCancellationHandlers } from '../src/cancellation/order-cancellation.handlers';
import { findOrder, insertOrder, setOrderStatus } from '../src/orders/order-store';
import { createOrderTestDb, deliverRecorded, startOrdersApp, type Emitted } from './support/order-test-db';
import './support/provided-context';

// The order's side of the choreographed cancellation on real PostgreSQL: the HTTP request (one
// transaction with its event), and the answers of inventory and payment handled as the runtime handles
// them (each in its own transaction), concurrently and repeated.
const stack = inject('stack');
let db: Awaited<ReturnType<typeof createOrderTestDb>>;
let app: INestApplication;
let base: string;
let emitted: Emitted[];
const handlers = new OrderCancellationHandlers(new JsonLogger('order-service', 'error', () => undefined));

const deliver = (handle: (ctx: MessageContext) => Promise<void>) =>
  deliverRecorded(db, (e) => emitted.push(e), handle);

async function order(status: 'APPROVED' | 'PENDING' | 'REJECTED'): Promise<string> {
  const orderId = newMessageId();
  await db.inTx(async (c) => {
    await insertOrder(c, {
      orderId,
      customerId: 'c-1',
      items: [{ sku: 'A', quantity: 1, unitPrice: 700 }],
      total: 700,
    });
    if (status !== 'PENDING') await setOrderStatus(c, orderId, status, null);
  });
  return orderId;
}

const cancel = (orderId: string, body?: unknown) =>
  fetch(`${base}/orders/${orderId}/cancel`, {
    method: 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

beforeAll(async () => {
  db = await createOrderTestDb(stack, 'order_cancel_spec');
  ({ app, base } = await startOrdersApp(db, (e) => emitted.push(e)));
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
});
beforeEach(() => {
  emitted = [];
});

describe('order-service: cancelling an approved order', () => {
  it('POST /orders/:id/cancel → 202; CANCELLATION_REQUESTED and OrderCancellationRequested (correlation = order id) together', async () => {
    const orderId = await order('APPROVED');
    const res = await cancel(orderId, { reason: 'changed my mind' });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ orderId, status: 'CANCELLATION_REQUESTED', correlationId: orderId });
    expect(emitted).toEqual([
      {
        type: 'order.OrderCancellationRequested',
        payload: { orderId, customerId: 'c-1', reason: 'changed my mind' },
        correlationId: orderId,
      },
    ]);
    expect(await findOrder(db.pool, orderId)).toMatchObject({
      status: 'CANCELLATION_REQUESTED',
      cancellation: { reason: 'changed my mind', stock: null, payment: null, completedAt: null },
    });
  });

  it('a PENDING or REJECTED order → 409 naming its status and why, nothing written; unknown → 404; bad body → 400', async () => {
    const pending = await order('PENDING');
    const res = await cancel(pending);
    expect(res.status).toBe(409);
    expect(((await res.json()) as { message: string }).message).toBe(
      `order ${pending} is PENDING and cannot be cancelled: its saga has not decided yet; cancel it once it is APPROVED (only an APPROVED order can be cancelled)`,
    );
    const rejected = await order('REJECTED');
    expect((await cancel(rejected)).status).toBe(409);
    expect((await cancel(newMessageId())).status).toBe(404);
    const bad = await cancel(await order('APPROVED'), { reason: 7, extra: true });
    expect(bad.status).toBe(400);
    expect(emitted).toEqual([]);
    expect((await findOrder(db.pool, pending))?.cancellation).toBeNull();
  });

  it('a second cancel of the same order is a 409: its cancellation is already under way', async () => {
    const orderId = await order('APPROVED');
    expect((await cancel(orderId)).status).toBe(202);
    const again = await cancel(orderId);
    expect(again.status).toBe(409);
    expect(((await again.json()) as { message: string }).message).toContain('already under way');
    expect(emitted).toHaveLength(1);
  });

  it('both answers at once (each its own transaction): the row lock lets exactly one complete it → CANCELLED, one OrderCancelled', async () => {
    const orderId = await order('APPROVED');
    await cancel(orderId);
    emitted = [];
    await Promise.all([
      deliver((ctx) => handlers.onRestocked({ orderId, items: [{ sku: 'A', quantity: 1 }] }, ctx)),
      deliver((ctx) => handlers.onRefunded({ orderId, customerId: 'c-1', amount: 700 }, ctx)),
    ]);
    expect(emitted).toEqual([
      {
        type: 'order.OrderCancelled',
        payload: { orderId, customerId: 'c-1', stockRestocked: true, paymentRefunded: true, notes: [] },
      },
    ]);
    expect(await findOrder(db.pool, orderId)).toMatchObject({
      status: 'CANCELLED',
      reason: null,
      cancellation: {
        stock: { outcome: 'RESTOCKED', note: null },
        payment: { outcome: 'REFUNDED', note: null, refundedAmount: 700 },
        completedAt: expect.any(String),
      },
    });
    // a re-sent answer (new message-id) after the end changes nothing
    await deliver((ctx) => handlers.onRefunded({ orderId, customerId: 'c-1', amount: 700 }, ctx));
    expect(emitted).toHaveLength(1);
  });

  it('a refused refund: the order is CANCELLED and says what could not be undone', async () => {
    const orderId = await order('APPROVED');
    await cancel(orderId);
    emitted = [];
    await deliver((ctx) =>
      handlers.onRefundRefused(
        { orderId, customerId: 'c-1', reason: `order ${orderId} was already refunded` },
        ctx,
      ),
    );
    expect((await findOrder(db.pool, orderId))?.status).toBe('CANCELLATION_REQUESTED');
    await deliver((ctx) => handlers.onRestocked({ orderId, items: [{ sku: 'A', quantity: 1 }] }, ctx));
    const after = await findOrder(db.pool, orderId);
    expect(after).toMatchObject({
      status: 'CANCELLED',
      reason: `cancelled, but payment not refunded: order ${orderId} was already refunded`,
      cancellation: { payment: { outcome: 'REFUSED', refundedAmount: null } },
    });
    expect(emitted[0]).toMatchObject({
      type: 'order.OrderCancelled',
      payload: { stockRestocked: true, paymentRefunded: false },
    });
  });

  it('an answer for an order with no cancellation, or for an unknown order, changes nothing', async () => {
    const orderId = await order('APPROVED');
    await deliver((ctx) => handlers.onRestocked({ orderId, items: [] }, ctx));
    await deliver((ctx) => handlers.onRestocked({ orderId: newMessageId(), items: [] }, ctx));
    expect(await findOrder(db.pool, orderId)).toMatchObject({ status: 'APPROVED', cancellation: null });
    expect(emitted).toEqual([]);
  });
});
