import { waitFor } from '@sagaflow/stack';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningMonitor } from '../src/monitor';
import type { GraphResponse } from '../src/query/get-graph';
import { getJson } from './support/http';
import { FlowTraffic } from './support/flow-traffic';
import { createMonitorEnv, type MonitorEnv } from './support/monitor-env';
import { SagaTraffic } from './support/saga-traffic';

describe('the graph draws an event sent outside any handler from the service that sent it', () => {
  const stack = inject('stack');
  let env: MonitorEnv;
  let traffic: SagaTraffic;
  let monitor: RunningMonitor;

  beforeAll(async () => {
    env = await createMonitorEnv(stack, 'graphsrc');
    traffic = new SagaTraffic(env.kafka, env.topics, stack.schemaRegistryUrl);
    const flows = new FlowTraffic(env.topics, stack.schemaRegistryUrl);
    const { records } = await flows.cancellation(new Date(), { stallPayment: true });
    // only the request, as order-service sends it from its HTTP handler: no one has reacted yet, and no
    // reaction declares emitting it, so nothing but its source header says who produces it
    await traffic.send([...(await flows.reactionsDefinitions()), records[0]!]);
    monitor = await env.start();
  });
  afterAll(async () => {
    await traffic?.close();
    await env?.dispose();
  });

  it('takes the producer from the source header instead of "(unknown producer)"', async () => {
    const graph = await waitFor(
      async () => {
        const g = await getJson<GraphResponse>(`${monitor.url}/api/graph`);
        return g.edges.some((e) => e.event === 'order.OrderCancellationRequested') ? g : undefined;
      },
      { timeoutMs: 30_000, description: 'the declared reactions projected' },
    );
    await waitFor(
      async () => {
        const n = await monitor.pool.query(`select 1 from monitor.message where message_type = $1`, [
          'order.OrderCancellationRequested',
        ]);
        return n.rowCount === 1;
      },
      { timeoutMs: 30_000, description: 'the request projected' },
    );
    const fresh = await getJson<GraphResponse>(`${monitor.url}/api/graph`);
    const requested = fresh.edges.filter((e) => e.event === 'order.OrderCancellationRequested');
    expect(requested.length).toBeGreaterThanOrEqual(2);
    for (const e of requested) expect(e.producer, `${e.event} → ${e.consumer}`).toBe('order-service');
    expect(fresh.services).toContain('order-service');
    expect(graph.edges.length).toBeGreaterThan(0);
  });
});
