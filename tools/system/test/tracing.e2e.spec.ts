import { waitFor } from '@sagaflow/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sagaServices, type SagaService } from '../src/index';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './support/otlp-receiver';
import { useSystem } from './support/system-fixture';

// The three services run as processes with the OpenTelemetry SDK exporting OTLP/HTTP to a receiver here,
// as they would to a collector: every order must be one trace, each span a child of what caused it.
// The receiver starts before the fixture's own beforeAll starts the services with this environment.
let receiver: OtlpReceiver;
const env: Partial<Record<SagaService, Record<string, string>>> = {};
beforeAll(async () => {
  receiver = await startOtlpReceiver();
  for (const s of sagaServices) env[s] = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url };
});
const fx = useSystem('tracing', env);
afterAll(() => receiver?.close());

const consumer = 5;
const producer = 4;

describe('one saga = one trace (OpenTelemetry, OTLP/HTTP)', () => {
  it('traces each order as one trace across the services, every span a child of its cause', async () => {
    const s = await fx.seed({ stock: { A: 10, SCARCE: 1 }, accounts: { ann: 100_000, bob: 999 } });
    const line = (sku: string, quantity: number) => [{ sku: s.sku(sku), quantity, unitPrice: 500 }];
    const approved = await fx.client.placeOrder(s.customer('ann'), line('A', 2));
    const declined = await fx.client.placeOrder(s.customer('bob'), line('A', 2));
    const outOfStock = await fx.client.placeOrder(s.customer('ann'), line('SCARCE', 3));
    expect((await fx.outcome(approved)).status).toBe('APPROVED');
    expect((await fx.outcome(declined)).reason).toMatch(/^payment declined/);
    expect((await fx.outcome(outOfStock)).reason).toMatch(/^out of stock/);

    const expected = {
      [approved]: {
        end: 'order.OrderApproved',
        path: [
          'order-service order.OrderPlaced',
          'order-service inventory.ReserveStock',
          'inventory-service inventory.StockReserved',
          'order-service payment.ChargePayment',
          'payment-service payment.PaymentCharged',
          'order-service order.ApproveOrder',
          'order-service order.OrderApproved',
        ],
      },
      [declined]: {
        end: 'order.OrderRejected',
        path: [
          'order-service order.OrderPlaced',
          'order-service inventory.ReserveStock',
          'inventory-service inventory.StockReserved',
          'order-service payment.ChargePayment',
          'payment-service payment.PaymentDeclined',
          'order-service inventory.ReleaseStock',
          'inventory-service inventory.StockReleased',
          'order-service order.OrderRejected',
        ],
      },
      [outOfStock]: {
        end: 'order.OrderRejected',
        path: [
          'order-service order.OrderPlaced',
          'order-service inventory.ReserveStock',
          'inventory-service inventory.StockRejected',
          'order-service order.OrderRejected',
        ],
      },
    };

    for (const [orderId, { end, path }] of Object.entries(expected)) {
      // complete: the order's last event was sent, and every span's parent has arrived too
      const spans = await waitFor(
        () => {
          const t = traceOf(orderId);
          return t.some((x) => x.name.startsWith('send ') && type(x) === end) && orphans(t).length === 0 && t;
        },
        { timeoutMs: 30_000, description: `the complete trace of order ${orderId}` },
      ).catch((error: Error) => {
        throw new Error(`${error.message}; received:\n${render(traceOf(orderId))}`);
      });
      const why = `trace of order ${orderId}:\n${render(spans)}`;

      expect(new Set(spans.map((x) => x.traceId)).size, why).toBe(1);
      const roots = spans.filter((x) => x.parentSpanId === '');
      expect(
        roots.map((x) => `${x.service} ${x.name}`),
        why,
      ).toEqual(['order-service business transaction']);
      expect(
        spans.filter((x) => x.status === 2).map((x) => x.name),
        why,
      ).toEqual([]);
      // each hop is create (in the outbox) → send (relay) → process (consumer) → transaction (handler)
      const byId = new Map(spans.map((x) => [x.spanId, x]));
      for (const x of spans) {
        const parent = byId.get(x.parentSpanId);
        const op = x.name.split(' ')[0];
        if (op === 'send')
          expect(`${parent?.name} ${id(parent)}`, why).toBe(
            `create ${x.attributes['messaging.destination.name']} ${id(x)}`,
          );
        if (op === 'process') {
          expect(x.kind, why).toBe(consumer);
          expect(`${parent?.name} ${id(parent)}`, why).toBe(
            `send ${x.attributes['messaging.destination.name']} ${id(x)}`,
          );
        }
        if (op === 'transaction')
          expect(`${parent?.name.split(' ')[0]} ${id(parent)} ${parent?.service}`, why).toBe(
            `process ${id(x)} ${x.service}`,
          );
        if (op === 'create') {
          expect(x.kind, why).toBe(producer);
          expect(['transaction', 'business'], why).toContain(parent?.name.split(' ')[0]);
          expect(parent?.service, why).toBe(x.service);
        }
      }
      // the saga's path: the messages created from the order's start to its last event, by service
      const last = spans.find((x) => x.name.startsWith('create ') && type(x) === end)!;
      const chain: string[] = [];
      for (let x: ReceivedSpan | undefined = last; x; x = byId.get(x.parentSpanId))
        if (x.name.startsWith('create ')) chain.unshift(`${x.service} ${type(x)}`);
      expect(chain, why).toEqual(path);
      // the saga's own transactions name it
      const sagaSteps = spans.filter(
        (x) => x.name.startsWith('transaction ') && x.service === 'order-service',
      );
      expect(sagaSteps.length, why).toBeGreaterThan(0);
      for (const x of sagaSteps.filter((x) => type(x) !== 'order.ApproveOrder')) {
        expect(x.attributes['sagaflow.saga.type'], why).toBe('OrderFulfilment');
        expect(x.attributes['sagaflow.saga.id'], why).toMatch(/^[0-9a-f-]{36}$/);
      }
    }
    expect(receiver.refused).toEqual([]);
  });
});

function traceOf(orderId: string): ReceivedSpan[] {
  const ids = new Set(
    receiver.spans.filter((x) => x.attributes['sagaflow.correlation_id'] === orderId).map((x) => x.traceId),
  );
  return receiver.spans.filter((x) => ids.has(x.traceId));
}

function orphans(spans: readonly ReceivedSpan[]): ReceivedSpan[] {
  const ids = new Set(spans.map((x) => x.spanId));
  return spans.filter((x) => x.parentSpanId !== '' && !ids.has(x.parentSpanId));
}

function type(x: ReceivedSpan): unknown {
  return x.attributes['sagaflow.message.type'];
}

function id(x: ReceivedSpan | undefined): unknown {
  return x?.attributes['messaging.message.id'];
}

function render(spans: readonly ReceivedSpan[]): string {
  const children = new Map<string, ReceivedSpan[]>();
  for (const x of spans) children.set(x.parentSpanId, [...(children.get(x.parentSpanId) ?? []), x]);
  const lines: string[] = [];
  const walk = (x: ReceivedSpan, depth: number): void => {
    lines.push(`${'  '.repeat(depth)}${x.service}: ${x.name} ${String(type(x) ?? '')}`);
    for (const c of children.get(x.spanId) ?? []) walk(c, depth + 1);
  };
  for (const root of [...spans.filter((x) => x.parentSpanId === ''), ...orphans(spans)]) walk(root, 0);
  return lines.join('\n');
}
