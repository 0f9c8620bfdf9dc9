import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { loadStackConfig, uniqueDatabaseName, waitFor } from '@sagaflow/stack';
import { Kafka, logLevel, type IHeaders } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  DemoSystem,
  ensureBuilt,
  freePort,
  sagaServices,
  type SystemClient,
  type SystemLedger,
  type OrderLineInput,
  type SystemService,
} from '../src/index';
import './support/provided-context';

// The choreographed cancellation across the three services as processes, with the saga monitor watching:
// no coordinator, only reactions. After every test, each of its orders has ended (APPROVED, REJECTED or
// CANCELLED) and the ledger holds: stock conserved, reserved = approved orders' units, charged − refunded
// = approved orders' totals — so a cancelled order's stock and money are back, exactly once.

/** `GET /orders/:id` with the cancellation (the fields this test reads). */
interface Order {
  orderId: string;
  status: 'PENDING' | 'APPROVED' | 'REJECTED' | 'CANCELLATION_REQUESTED' | 'CANCELLED';
  reason: string | null;
  total: number;
  cancellation: {
    stock: { outcome: string; note: string | null } | null;
    payment: { outcome: string; note: string | null; refundedAmount: number | null } | null;
    completedAt: string | null;
  } | null;
}

/** The monitor's `GET /api/flows/:correlationId`, reduced to what this test reads. */
interface FlowDetail {
  status: {
    state: 'settled' | 'waiting' | 'stalled';
    missing: { service: string; handler: string; consumes: string; emits: string[] }[];
  };
}

const stack = inject('stack');
const run = randomBytes(3).toString('hex');
let system: DemoSystem;
let client: SystemClient;
let ledger: SystemLedger;
const kafka = new Kafka({
  clientId: `e2e-cancel-${run}`,
  brokers: stack.kafkaBrokers,
  logLevel: logLevel.NOTHING,
});
let scope: { seededStock: Record<string, number>; customers: string[] } = { seededStock: {}, customers: [] };

beforeAll(async () => {
  ensureBuilt([...sagaServices, 'saga-monitor']);
  const ports: Partial<Record<SystemService, number>> = {};
  const databases: Partial<Record<SystemService, string>> = {};
  for (const s of [...sagaServices, 'saga-monitor'] as const) {
    ports[s] = await freePort();
    databases[s] = uniqueDatabaseName(
      `e2e_cancel_${s.split('-')[1] === 'monitor' ? 'monitor' : s.split('-')[0]}`,
    );
  }
  system = await DemoSystem.start({
    stack,
    monitor: 'auto',
    purpose: 'e2e cancellation.e2e.spec.ts',
    log: (line) => console.log(line),
    ports,
    databases,
    env: {
      'saga-monitor': {
        // a group of its own, the demo's topics only, and a short stall threshold for the paused-payment case
        MONITOR_GROUP_ID: `e2e-cancel-monitor-${run}`,
        MONITOR_TOPIC_PATTERN:
          '^(?:sagaflow\\.lifecycle|sagaflow\\.definitions|(?:order|inventory|payment)\\.(?:events|commands|dlt))$',
        MONITOR_FLOW_STALL_MS: '3000',
      },
    },
    logDir: join(loadStackConfig().stackDir, 'logs', 'system', `e2e-cancel-${run}`),
  });
  client = system.client();
  ledger = system.ledger();
});

afterEach(async () => {
  const checked = scope;
  scope = { seededStock: {}, customers: [] };
  if (checked.customers.length === 0) return;
  // a failed test can leave a process paused or killed: the invariants need every service answering
  for (const p of system.all()) p.resume();
  for (const p of system.all()) if (!p.running) await p.startHealthy();
  await waitFor(async () => (await unfinished(checked.customers)) === 0, {
    timeoutMs: 240_000,
    intervalMs: 250,
    description: `every order of ${checked.customers.join(', ')} to end`,
  });
  expect(await ledger.violations(checked)).toEqual([]);
});

afterAll(async () => {
  await ledger?.close();
  await system?.destroy();
});

/** Orders of `customers` still PENDING or CANCELLATION_REQUESTED, read from order-service's database. */
async function unfinished(customers: readonly string[]): Promise<number> {
  const pending = await ledger.pending(customers);
  const tally = await ledger.tally(customers);
  return pending + (tally.byStatus.CANCELLATION_REQUESTED ?? 0);
}

let n = 0;
/** Seeds stock and accounts under names unique to this test; they are the scope of the invariants. */
async function seed(stock: Record<string, number>, accounts: Record<string, number>) {
  const prefix = `c${++n}-${run}`;
  const name = (x: string) => `${prefix}-${x}`;
  for (const [sku, quantity] of Object.entries(stock)) {
    await client.seedStock(name(sku), quantity);
    scope.seededStock[name(sku)] = quantity;
  }
  for (const [customer, limit] of Object.entries(accounts)) {
    await client.openAccount(name(customer), limit);
    scope.customers.push(name(customer));
  }
  return name;
}

const getOrder = (orderId: string) => client.order(orderId) as unknown as Promise<Order>;

function waitForStatus(orderId: string, status: Order['status'], timeoutMs = 120_000): Promise<Order> {
  return waitFor(
    async () => {
      const o = await getOrder(orderId);
      if (o.status === 'REJECTED' && status !== 'REJECTED')
        throw new Error(`order ${orderId} was rejected: ${o.reason}`);
      return o.status === status && o;
    },
    { timeoutMs, intervalMs: 200, description: `order ${orderId} to be ${status}` },
  );
}

async function placeApproved(customerId: string, items: OrderLineInput[]): Promise<Order> {
  return waitForStatus(await client.placeOrder(customerId, items), 'APPROVED');
}

const cancel = (orderId: string) =>
  fetch(`${system.url('order-service')}/orders/${orderId}/cancel`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ reason: 'e2e' }),
  });

/** `sagaflow_messages_handled_total` of one consumer, message type and outcome, from a service's /metrics. */
async function handled(
  service: SystemService,
  consumer: string,
  type: string,
  outcome: string,
): Promise<number> {
  const text = await (await fetch(`${system.url(service)}/metrics`)).text();
  const line = text
    .split('\n')
    .find(
      (l) =>
        l.startsWith('sagaflow_messages_handled_total{') &&
        l.includes(`message_type="${type}"`) &&
        l.includes(`consumer="${consumer}"`) &&
        l.includes(`outcome="${outcome}"`),
    );
  return line ? Number(line.split(' ').at(-1)) : 0;
}

/**
 * The record that carried `orderId`'s OrderCancellationRequested, read back from `order.events` (from
 * offsets at `since`): key, value and headers exactly as the relay produced them.
 */
async function recordOf(
  orderId: string,
  since: number,
): Promise<{ key: Buffer; value: Buffer; headers: IHeaders }> {
  const admin = kafka.admin();
  await admin.connect();
  const starts = await admin.fetchTopicOffsetsByTimestamp('order.events', since);
  await admin.disconnect();
  const consumer = kafka.consumer({ groupId: `e2e-cancel-copy-${randomBytes(4).toString('hex')}` });
  await consumer.connect();
  await consumer.subscribe({ topics: ['order.events'] });
  let found: { key: Buffer; value: Buffer; headers: IHeaders } | undefined;
  try {
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ message }) => {
        if (
          message.key?.toString() === orderId &&
          message.value &&
          message.headers?.['message-type']?.toString() === 'order.OrderCancellationRequested'
        )
          found ??= { key: message.key, value: message.value, headers: message.headers };
      },
    });
    for (const s of starts)
      consumer.seek({ topic: 'order.events', partition: s.partition, offset: s.offset });
    return await waitFor(() => found, {
      timeoutMs: 60_000,
      intervalMs: 100,
      description: `OrderCancellationRequested of ${orderId} on order.events`,
    });
  } finally {
    await consumer.disconnect();
  }
}

describe('Choreographed cancellation: no coordinator, stock and money conserved', () => {
  it('a cancelled order’s stock and money come back; the order not cancelled keeps both; a cancelled order cannot be cancelled again', async () => {
    const name = await seed({ A: 10, B: 5 }, { rich: 1_000_000 });
    const cancelled = await placeApproved(name('rich'), [
      { sku: name('A'), quantity: 2, unitPrice: 500 },
      { sku: name('B'), quantity: 1, unitPrice: 300 },
    ]);
    const kept = await placeApproved(name('rich'), [{ sku: name('A'), quantity: 1, unitPrice: 700 }]);
    expect(await client.stock(name('A'))).toMatchObject({ available: 7, reserved: 3 });

    const res = await cancel(cancelled.orderId);
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({
      status: 'CANCELLATION_REQUESTED',
      correlationId: cancelled.orderId,
    });
    const done = await waitForStatus(cancelled.orderId, 'CANCELLED');
    expect(done).toMatchObject({
      reason: null,
      cancellation: {
        stock: { outcome: 'RESTOCKED', note: null },
        payment: { outcome: 'REFUNDED', note: null, refundedAmount: 1300 },
        completedAt: expect.any(String),
      },
    });
    expect(await client.stock(name('A'))).toMatchObject({ available: 9, reserved: 1 });
    expect(await client.stock(name('B'))).toMatchObject({ available: 5, reserved: 0 });
    const account = await client.account(name('rich'));
    expect({ charged: account.charged, refunded: account.refunded }).toEqual({
      charged: 2000,
      refunded: 1300,
    });
    expect(account.charged - account.refunded).toBe(kept.total);

    const again = await cancel(cancelled.orderId);
    expect(again.status).toBe(409);
    expect(((await again.json()) as { message: string }).message).toContain(
      'is CANCELLED and cannot be cancelled',
    );
    expect((await cancel('0190aaaa-0000-7000-8000-000000000000')).status).toBe(404);
  });

  it('a duplicated delivery of OrderCancellationRequested (the same record, same message-id, produced again) restocks and refunds once', async () => {
    const name = await seed({ A: 10 }, { rich: 1_000_000 });
    const order = await placeApproved(name('rich'), [{ sku: name('A'), quantity: 3, unitPrice: 400 }]);
    const since = Date.now() - 1_000;
    expect((await cancel(order.orderId)).status).toBe(202);
    await waitForStatus(order.orderId, 'CANCELLED');
    const record = await recordOf(order.orderId, since);

    const type = 'order.OrderCancellationRequested';
    const payment = 'payment-service:PaymentMessageHandlers.refundCancelled';
    const inventory = 'inventory-service:InventoryMessageHandlers.restock';
    const before = {
      payment: await handled('payment-service', payment, type, 'duplicate'),
      inventory: await handled('inventory-service', inventory, type, 'duplicate'),
    };
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'order.events', messages: [record] });
    await producer.disconnect();
    // both consumers saw the copy and dropped it at their inbox
    await waitFor(
      async () =>
        (await handled('payment-service', payment, type, 'duplicate')) > before.payment &&
        (await handled('inventory-service', inventory, type, 'duplicate')) > before.inventory,
      { timeoutMs: 60_000, intervalMs: 250, description: 'payment and inventory to drop the duplicate' },
    );
    const account = await client.account(name('rich'));
    expect({ charged: account.charged, refunded: account.refunded }).toEqual({
      charged: 1200,
      refunded: 1200,
    });
    expect(await client.stock(name('A'))).toMatchObject({ available: 10, reserved: 0 });
    expect((await getOrder(order.orderId)).status).toBe('CANCELLED');
  });

  it('payment-service killed (SIGKILL) mid-flow: after its restart every cancellation still ends CANCELLED, each refunded once', async () => {
    const name = await seed({ A: 50 }, { rich: 1_000_000 });
    const orders = await Promise.all(
      [1, 2, 3, 4].map((q) => placeApproved(name('rich'), [{ sku: name('A'), quantity: q, unitPrice: 100 }])),
    );
    const answers = await Promise.all(orders.map((o) => cancel(o.orderId)));
    expect(answers.map((r) => r.status)).toEqual([202, 202, 202, 202]);
    await system.process('payment-service').kill();
    // inventory goes on without it: every stock answer arrives, the orders wait for payment's
    await waitFor(
      async () => {
        const now = await Promise.all(orders.map((o) => getOrder(o.orderId)));
        return now.every((o) => o.cancellation?.stock !== null);
      },
      { timeoutMs: 60_000, intervalMs: 250, description: 'inventory to answer every cancellation' },
    );
    await system.process('payment-service').startHealthy();
    for (const o of orders) {
      const done = await waitForStatus(o.orderId, 'CANCELLED', 180_000);
      expect(done.cancellation?.payment).toMatchObject({ outcome: 'REFUNDED', refundedAmount: o.total });
    }
    const account = await client.account(name('rich'));
    expect(account.refunded).toBe(account.charged);
    expect(account.charged).toBe(1000);
    expect(await client.stock(name('A'))).toMatchObject({ available: 50, reserved: 0 });
  });

  it('payment-service paused (SIGSTOP): the monitor shows the flow stalled, naming payment’s missing reaction; resumed, it ends CANCELLED', async () => {
    expect(system.has('saga-monitor')).toBe(true);
    const name = await seed({ A: 10 }, { rich: 1_000_000 });
    const order = await placeApproved(name('rich'), [{ sku: name('A'), quantity: 1, unitPrice: 900 }]);
    system.process('payment-service').pause();
    expect((await cancel(order.orderId)).status).toBe(202);
    const flow = await waitFor(
      async () => {
        const res = await fetch(`${system.url('saga-monitor')}/api/flows/${order.orderId}`);
        if (res.status === 404) return undefined;
        const detail = (await res.json()) as FlowDetail;
        // a monitor still catching up a topic's history can show an earlier reaction that happened as
        // awaited for a moment: wait until payment's is the oldest one awaited, which it never is if an
        // earlier one truly never came (order-service's join on both answers is awaited after it, rightly)
        return (
          detail.status.state === 'stalled' &&
          detail.status.missing[0]?.handler === 'PaymentMessageHandlers.refundCancelled' &&
          detail
        );
      },
      {
        timeoutMs: 120_000,
        intervalMs: 500,
        description: `the monitor to show flow ${order.orderId} stalled`,
      },
    );
    expect(flow.status.missing[0]).toMatchObject({
      service: 'payment-service',
      handler: 'PaymentMessageHandlers.refundCancelled',
      consumes: 'order.OrderCancellationRequested',
      emits: ['payment.PaymentRefundedForCancellation', 'payment.PaymentRefundRefused'],
    });
    expect(flow.status.missing.some((m) => m.service === 'inventory-service')).toBe(false);
    expect((await getOrder(order.orderId)).status).toBe('CANCELLATION_REQUESTED');

    system.process('payment-service').resume();
    await waitForStatus(order.orderId, 'CANCELLED', 180_000);
    await waitFor(
      async () => {
        const detail = (await (
          await fetch(`${system.url('saga-monitor')}/api/flows/${order.orderId}`)
        ).json()) as FlowDetail;
        return detail.status.state === 'settled';
      },
      {
        timeoutMs: 60_000,
        intervalMs: 500,
        description: `the monitor to show flow ${order.orderId} settled`,
      },
    );
  });
});
