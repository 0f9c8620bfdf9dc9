import { ensureTopics } from '@sagaflow/outbox-relay';
import { waitFor } from '@sagaflow/stack';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { CausationNode } from '../src/flows/causation-tree';
import type { RunningMonitor } from '../src/monitor';
import type { FlowDetail } from '../src/query/get-flow';
import type { GraphResponse } from '../src/query/get-graph';
import type { FlowPage } from '../src/query/list-flows';
import { FlowTraffic, loyaltyTopic, type FakeCancellation } from './support/flow-traffic';
import { get, getJson } from './support/http';
import { createMonitorEnv, type MonitorEnv } from './support/monitor-env';
import { SagaTraffic } from './support/saga-traffic';

/** The tree as nested `type@source +gap` labels. */
const shape = (n: CausationNode): unknown => {
  const label = `${n.messageType}@${n.source}${n.gapMs === null ? '' : ` +${n.gapMs}ms`}`;
  return n.children.length === 0 ? label : { [label]: n.children.map(shape) };
};

describe('the monitor reconstructs choreographed flows from correlation and causation ids alone', () => {
  const stack = inject('stack');
  let env: MonitorEnv;
  let sender: SagaTraffic;
  let monitor: RunningMonitor;
  let done: FakeCancellation;
  let stalled: FakeCancellation;
  let fresh: FakeCancellation;

  beforeAll(async () => {
    env = await createMonitorEnv(stack, 'flows');
    await ensureTopics(env.kafka, [{ topic: loyaltyTopic(env.topics), numPartitions: 3 }]);
    sender = new SagaTraffic(env.kafka, env.topics, stack.schemaRegistryUrl);
    const flows = new FlowTraffic(env.topics, stack.schemaRegistryUrl);
    // time is data: these flows happened ten minutes ago, well past the stall threshold
    const tenMinutesAgo = new Date(Date.now() - 600_000);
    const a = await flows.cancellation(tenMinutesAgo, { undeclared: true });
    const b = await flows.cancellation(new Date(tenMinutesAgo.getTime() + 1000), { stallPayment: true });
    // payment has not answered yet, but the threshold has not passed either
    const c = await flows.cancellation(new Date(), { stallPayment: true });
    [done, stalled, fresh] = [a.flow, b.flow, c.flow];
    await sender.send([...(await flows.reactionsDefinitions()), ...a.records, ...b.records, ...c.records]);
    monitor = await env.start({ MONITOR_FLOW_STALL_MS: '120000' });
    await waitFor(
      async () => {
        const n = await monitor.pool.query<{ n: string }>('select count(*) as n from monitor.message');
        return Number(n.rows[0]!.n) === sender.total();
      },
      { timeoutMs: 45_000, intervalMs: 200, description: 'every record applied' },
    );
  });
  afterAll(async () => {
    await sender?.close();
    await env?.dispose();
  });

  it("rebuilds a cancellation's causation tree across services, with the gap of each hop", async () => {
    const detail = await getJson<FlowDetail>(`${monitor.url}/api/flows/${done.correlationId}`);
    expect(detail.tree.roots.map(shape)).toEqual([
      {
        'order.OrderCancellationRequested@order-service': [
          'inventory.StockRestocked@inventory-service +40ms',
          'loyalty.PointsRevoked@loyalty-service +55ms',
          {
            'payment.PaymentRefundedForCancellation@payment-service +70ms': [
              'order.OrderCancelled@order-service +25ms',
            ],
          },
        ],
      },
    ]);
    expect(detail.tree).toMatchObject({ nodeCount: 5, depth: 2, orphans: 0 });
    expect(detail.status).toEqual({ state: 'settled', missing: [], pending: [] });
    expect(detail.flow).toMatchObject({
      rootType: 'order.OrderCancellationRequested',
      messageCount: 5,
      services: ['order-service', 'inventory-service', 'loyalty-service', 'payment-service'],
      sagaTypes: [],
    });
    expect(detail.tree.roots[0]!.topic).toBe(env.topics.orderEvents);
  });

  it('shows a flow whose payment never reacted as stalled, naming the missing reaction', async () => {
    const page = await getJson<FlowPage>(`${monitor.url}/api/flows?stalled=true`);
    expect(page.items.map((f) => f.correlationId)).toEqual([stalled.correlationId]);
    expect(page.items[0]!.missing[0]).toMatchObject({
      service: 'payment-service',
      handler: 'PaymentMessageHandlers.onCancellation',
      consumes: 'order.OrderCancellationRequested',
      emits: ['payment.PaymentRefundedForCancellation', 'payment.PaymentRefundRefused'],
      triggerMessageId: stalled.ids.requested,
    });

    const detail = await getJson<FlowDetail>(`${monitor.url}/api/flows/${stalled.correlationId}`);
    expect(detail.status.state).toBe('stalled');
    expect(detail.status.missing.map((m) => `${m.service} ${m.handler}`)).toEqual([
      'payment-service PaymentMessageHandlers.onCancellation',
      // order waits for the refund before it cancels: listed after the cause
      'order-service OrderMessageHandlers.onRestocked',
    ]);

    // the same wait within the threshold is not a stall yet
    const young = await getJson<FlowDetail>(`${monitor.url}/api/flows/${fresh.correlationId}`);
    expect(young.status.state).toBe('waiting');
    expect(young.status.pending[0]!.service).toBe('payment-service');
  });

  it('lists every flow newest first and pages through them', async () => {
    const first = await getJson<FlowPage>(`${monitor.url}/api/flows?limit=2`);
    expect(first.items.map((f) => [f.correlationId, f.state])).toEqual([
      [fresh.correlationId, 'waiting'],
      [stalled.correlationId, 'stalled'],
    ]);
    const second = await getJson<FlowPage>(`${monitor.url}/api/flows?limit=2&cursor=${first.nextCursor}`);
    expect(second.items.map((f) => [f.correlationId, f.state])).toEqual([[done.correlationId, 'settled']]);
    expect(second.nextCursor).toBeNull();
    const notStalled = await getJson<FlowPage>(`${monitor.url}/api/flows?stalled=false`);
    expect(notStalled.items.map((f) => f.correlationId)).toEqual([fresh.correlationId, done.correlationId]);
  });

  it('lays the observed interaction graph beside the declared one and points out the undeclared edge', async () => {
    const graph = await getJson<GraphResponse>(`${monitor.url}/api/graph`);
    expect(graph.differences.observedNotDeclared).toEqual([
      {
        producer: 'order-service',
        event: 'order.OrderCancellationRequested',
        consumer: 'loyalty-service',
        observations: 1,
        exampleCorrelationId: done.correlationId,
      },
    ]);
    const status = Object.fromEntries(
      graph.edges.map((e) => [`${e.producer} → ${e.event} → ${e.consumer}`, [e.status, e.observations]]),
    );
    expect(status).toMatchObject({
      'order-service → order.OrderCancellationRequested → inventory-service': ['declared-and-observed', 3],
      'order-service → order.OrderCancellationRequested → payment-service': ['declared-and-observed', 1],
      'payment-service → payment.PaymentRefundedForCancellation → order-service': [
        'declared-and-observed',
        1,
      ],
      // a join: the order service's answer was caused by the refund, never by the restock
      'inventory-service → inventory.StockRestocked → order-service': ['declared-only', 0],
    });
    expect(graph.differences.declaredNotObserved.map((d) => `${d.event} → ${d.consumer}`)).toEqual(
      expect.arrayContaining(['inventory.StockRestocked → order-service', 'ledger.Posted → billing-service']),
    );
    expect(graph.cycles.map((c) => c.chain)).toEqual([
      'billing.InvoiceIssued → ledger-service (Ledger.onInvoice) → ledger.Posted → billing-service (Billing.onPosted) → billing.InvoiceIssued',
    ]);
  });

  it('answers 400 naming the parameter, and 404 for an unknown flow', async () => {
    for (const [query, parameter] of [
      ['/api/flows?stalled=maybe', 'stalled'],
      ['/api/flows?limit=0', 'limit'],
      ['/api/flows?cursor=nope', 'cursor'],
      ['/api/flows?type=x', 'type'],
      ['/api/graph?window=1h', 'window'],
      [`/api/flows/${done.correlationId}?x=1`, 'x'],
    ] as const) {
      const res = await get(`${monitor.url}${query}`);
      expect([query, res.status, (res.body as { error: { parameter: string } }).error.parameter]).toEqual([
        query,
        400,
        parameter,
      ]);
    }
    expect((await get(`${monitor.url}/api/flows/no-such-correlation`)).status).toBe(404);
  });
});
