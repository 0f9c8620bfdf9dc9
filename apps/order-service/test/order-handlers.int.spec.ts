import { newMessageId } from '@sagaflow/outbox-relay';
import type { MessageContext, SagaTransitionEvent } from '@sagaflow/saga-core';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { orderFulfilmentType } from '../src/fulfilment/order-fulfilment.saga';
import { OrderMessageHandlers } from '../src/orders/order-message.handlers';
import { findOrder, insertOrder } from '../src/orders/order-store';
import { JsonLogger } from '@sagaflow/service-kit';
import { createOrderTestDb, deliverRecorded, type Emitted } from './support/order-test-db';
import './support/provided-context';

// The order's side of the saga on real PostgreSQL, handlers called as the runtime calls them: inside one
// transaction, with a context whose emit records what would go to the outbox.
const stack = inject('stack');
let db: Awaited<ReturnType<typeof createOrderTestDb>>;
const logLines: string[] = [];
const handlers = new OrderMessageHandlers(new JsonLogger('order-service', 'debug', (l) => logLines.push(l)));
let emitted: Emitted[];

const deliver = (handle: (ctx: MessageContext) => Promise<void>) =>
  deliverRecorded(db, (e) => emitted.push(e), handle);

const transition = (
  orderId: string,
  t: SagaTransitionEvent['transition'],
  reason: string | null = null,
): SagaTransitionEvent => ({
  sagaId: `saga-${orderId}`,
  sagaType: orderFulfilmentType,
  definitionVersion: 1,
  correlationKey: orderId,
  transition: t,
  status: t === 'Compensated' ? 'COMPENSATED' : t === 'Failed' ? 'FAILED' : 'RUNNING',
  step: null,
  reason,
  at: new Date().toISOString(),
  instanceVersion: 1,
});

async function placeOrder(): Promise<string> {
  const orderId = newMessageId();
  await db.inTx((c) =>
    insertOrder(c, {
      orderId,
      customerId: 'c-1',
      items: [{ sku: 'A', quantity: 1, unitPrice: 700 }],
      total: 700,
    }),
  );
  return orderId;
}

beforeAll(async () => {
  db = await createOrderTestDb(stack, 'order_handlers_spec');
});
afterAll(async () => {
  await db?.drop();
});
beforeEach(() => {
  emitted = [];
});

describe('order-service message handlers', () => {
  it('Started records the saga id on the order, once', async () => {
    const orderId = await placeOrder();
    await deliver((ctx) => handlers.sagaTransition(transition(orderId, 'Started'), ctx));
    await deliver((ctx) =>
      handlers.sagaTransition({ ...transition(orderId, 'Started'), sagaId: 'another' }, ctx),
    );
    expect((await findOrder(db.pool, orderId))?.sagaId).toBe(`saga-${orderId}`);
  });

  it('ApproveOrder approves a PENDING order and emits OrderApproved; a repeat re-emits it without change', async () => {
    const orderId = await placeOrder();
    await deliver((ctx) => handlers.approve({ orderId }, ctx));
    await deliver((ctx) => handlers.approve({ orderId }, ctx));
    expect((await findOrder(db.pool, orderId))?.status).toBe('APPROVED');
    expect(emitted).toEqual([
      { type: 'order.OrderApproved', payload: { orderId, customerId: 'c-1', total: 700 } },
      { type: 'order.OrderApproved', payload: { orderId, customerId: 'c-1', total: 700 } },
    ]);
  });

  it('Compensated rejects the order with the customer-facing reason and emits OrderRejected, once', async () => {
    const orderId = await placeOrder();
    const ended = transition(
      orderId,
      'Compensated',
      'step "chargePayment" failed: payment declined: no account for customer c-1',
    );
    await deliver((ctx) => handlers.sagaTransition(ended, ctx));
    await deliver((ctx) => handlers.sagaTransition(ended, ctx));
    const order = await findOrder(db.pool, orderId);
    expect(order).toMatchObject({
      status: 'REJECTED',
      reason: 'payment declined: no account for customer c-1',
    });
    expect(emitted).toEqual([
      {
        type: 'order.OrderRejected',
        payload: { orderId, customerId: 'c-1', reason: 'payment declined: no account for customer c-1' },
      },
    ]);
  });

  it('an ApproveOrder arriving after the order was rejected approves nothing', async () => {
    const orderId = await placeOrder();
    await deliver((ctx) =>
      handlers.sagaTransition(
        transition(orderId, 'Compensated', 'step "reserveStock" got no reply within 10000 ms'),
        ctx,
      ),
    );
    emitted = [];
    await deliver((ctx) => handlers.approve({ orderId }, ctx));
    expect((await findOrder(db.pool, orderId))?.status).toBe('REJECTED');
    expect(emitted).toEqual([]);
    expect(logLines.some((l) => l.includes('approval ignored'))).toBe(true);
  });

  it('Failed rejects the order flagged as needing attention; other saga types and transitions are ignored', async () => {
    const orderId = await placeOrder();
    await deliver((ctx) =>
      handlers.sagaTransition({ ...transition(orderId, 'Compensated'), sagaType: 'SomethingElse' }, ctx),
    );
    await deliver((ctx) => handlers.sagaTransition(transition(orderId, 'StepCompleted'), ctx));
    expect((await findOrder(db.pool, orderId))?.status).toBe('PENDING');
    await deliver((ctx) =>
      handlers.sagaTransition(
        transition(
          orderId,
          'Failed',
          'compensation of step "chargePayment" was not confirmed after 3 attempts',
        ),
        ctx,
      ),
    );
    expect((await findOrder(db.pool, orderId))?.reason).toMatch(/^compensation failed, needs attention: /);
  });

  it('a lifecycle record for an order this service does not have is logged and skipped', async () => {
    await deliver((ctx) => handlers.sagaTransition(transition(newMessageId(), 'Compensated'), ctx));
    expect(emitted).toEqual([]);
    expect(logLines.some((l) => l.includes('"level":"warn"') && l.includes('does not have'))).toBe(true);
  });
});
