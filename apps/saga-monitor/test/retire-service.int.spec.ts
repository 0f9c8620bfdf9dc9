import { retireService } from '@sagaflow/saga-core';
import { waitFor } from '@sagaflow/stack';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningMonitor } from '../src/monitor';
import type { FlowDetail } from '../src/query/get-flow';
import { FlowTraffic, type FakeCancellation } from './support/flow-traffic';
import { getJson } from './support/http';
import { createMonitorEnv, type MonitorEnv } from './support/monitor-env';
import { SagaTraffic } from './support/saga-traffic';

// Issue 12 item 5: a service taken out of the system left its reactions on the compacted definitions topic
// forever, and the monitor kept expecting them: every flow it once reacted to stayed stalled. Retiring it
// tombstones its entry; the monitor forgets its reactions and the flows no longer wait for it.
describe('retiring a service', () => {
  const stack = inject('stack');
  let env: MonitorEnv;
  let sender: SagaTraffic;
  let monitor: RunningMonitor;
  let stalled: FakeCancellation;

  beforeAll(async () => {
    env = await createMonitorEnv(stack, 'retire');
    sender = new SagaTraffic(env.kafka, env.topics, stack.schemaRegistryUrl);
    const flows = new FlowTraffic(env.topics, stack.schemaRegistryUrl);
    // payment never answered this cancellation, ten minutes ago: stalled while payment-service is declared
    const b = await flows.cancellation(new Date(Date.now() - 600_000), { stallPayment: true });
    stalled = b.flow;
    await sender.send([...(await flows.reactionsDefinitions()), ...b.records]);
    monitor = await env.start({ MONITOR_FLOW_STALL_MS: '120000' });
  });
  afterAll(async () => {
    await sender?.close();
    await env?.dispose();
  });

  it('tombstones its reactions: the monitor forgets them and its flows stop waiting for it', async () => {
    const missing = async () =>
      (await getJson<FlowDetail>(`${monitor.url}/api/flows/${stalled.correlationId}`)).status.missing.map(
        (m) => m.service,
      );
    await waitFor(async () => (await missing()).includes('payment-service'), {
      timeoutMs: 45_000,
      description: 'the flow stalled on payment-service',
    });

    const keys = await retireService({
      brokers: stack.kafkaBrokers,
      service: 'payment-service',
      topic: env.topics.definitions,
    });

    expect(keys).toEqual(['reactions:payment-service']);
    await waitFor(
      async () =>
        (await monitor.pool.query('select 1 from monitor.definition where key = $1', [keys[0]])).rowCount ===
        0,
      { timeoutMs: 30_000, description: 'the monitor to forget the retired reactions' },
    );
    expect(await missing()).not.toContain('payment-service');
    // the other services' reactions are untouched
    expect(
      (
        await monitor.pool.query('select 1 from monitor.definition where key = $1', [
          'reactions:inventory-service',
        ])
      ).rowCount,
    ).toBe(1);
  });

  it('refuses a bad service name or no brokers, naming the option', async () => {
    await expect(retireService({ brokers: stack.kafkaBrokers, service: 'Payment Service' })).rejects.toThrow(
      /retireService: service must be a service name/,
    );
    await expect(retireService({ brokers: [], service: 'payment-service' })).rejects.toThrow(
      /retireService: brokers must name at least one broker/,
    );
  });
});
