import 'reflect-metadata';
import { type INestApplication } from '@nestjs/common';
import { OrderPlaced } from '@sagaflow/contracts';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createOrderTestDb, startOrdersApp, type Emitted } from './support/order-test-db';
import './support/provided-context';

// The HTTP API on real PostgreSQL. The outbox is recorded instead of published: what reaches Kafka is
// saga-core's job and is tested there; here, what matters is that the order row and its OrderPlaced are
// written in one transaction, with the order id as correlation id.
const stack = inject('stack');
let db: Awaited<ReturnType<typeof createOrderTestDb>>;
let app: INestApplication;
let base: string;
const emitted: Emitted[] = [];

const post = (body: unknown) =>
  fetch(`${base}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  db = await createOrderTestDb(stack, 'order_http_spec');
  ({ app, base } = await startOrdersApp(db, (e) => emitted.push(e)));
});

afterAll(async () => {
  await app?.close();
  await db?.drop();
});

describe('order-service HTTP API', () => {
  it('POST /orders → 202 PENDING; the order and its OrderPlaced (correlation id = order id) commit together', async () => {
    const res = await post({
      customerId: 'alice',
      items: [
        { sku: 'SKU-1', quantity: 2, unitPrice: 1250 },
        { sku: 'SKU-2', quantity: 1, unitPrice: 99 },
      ],
    });
    expect(res.status).toBe(202);
    const { orderId, status } = (await res.json()) as { orderId: string; status: string };
    expect(status).toBe('PENDING');
    expect(emitted.at(-1)).toEqual({
      type: OrderPlaced.name,
      correlationId: orderId,
      payload: {
        orderId,
        customerId: 'alice',
        items: [
          { sku: 'SKU-1', quantity: 2, unitPrice: 1250 },
          { sku: 'SKU-2', quantity: 1, unitPrice: 99 },
        ],
        total: 2599,
      },
    });

    const view = (await (await fetch(`${base}/orders/${orderId}`)).json()) as { items: unknown };
    expect(view).toMatchObject({
      orderId,
      customerId: 'alice',
      status: 'PENDING',
      reason: null,
      total: 2599,
      sagaId: null,
    });
    expect(view.items).toEqual([
      { sku: 'SKU-1', quantity: 2, unitPrice: 1250 },
      { sku: 'SKU-2', quantity: 1, unitPrice: 99 },
    ]);
  });

  it.each([
    [{ items: [{ sku: 'A', quantity: 1, unitPrice: 1 }] }, 'customerId'],
    [{ customerId: 'c', items: [] }, 'items'],
    [{ customerId: 'c', items: [{ sku: 'A', quantity: 0, unitPrice: 1 }] }, 'items.0.quantity'],
    [{ customerId: 'c', items: [{ sku: 'A', quantity: 1, unitPrice: 1.5 }] }, 'items.0.unitPrice'],
    [{ customerId: 'c', items: [{ sku: 'a b', quantity: 1, unitPrice: 1 }] }, 'items.0.sku'],
    [{ customerId: 'c', items: [{ sku: 'A', quantity: 1, unitPrice: 1 }], coupon: 'X' }, '(body)'],
  ])('POST /orders with %j → 400 naming %s, and nothing is written', async (body, field) => {
    const before = emitted.length;
    const res = await post(body);
    expect(res.status).toBe(400);
    const error = (await res.json()) as { message: string; fields: { field: string }[] };
    expect(error.fields.map((f) => f.field)).toContain(field);
    expect(error.message).toContain(field);
    expect(emitted.length).toBe(before);
  });

  it('GET /orders/:id → 400 for a malformed id, 404 for an unknown one', async () => {
    const bad = await fetch(`${base}/orders/not-a-uuid`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toMatch(/^orderId: /);
    expect((await fetch(`${base}/orders/01a21c22-33a3-7542-93ab-435ad1ea3022`)).status).toBe(404);
  });
});
