import { readFileSync } from 'node:fs';
import { waitFor } from '@sagaflow/stack';
import { describe, expect, it } from 'vitest';
import {
  keyOrderViolations,
  placeOrders,
  readTopicRecords,
  sagaServices,
  SystemClient,
  type OrderRequest,
  type SagaService,
  type ServiceProcess,
} from '../src/index';
import { clusterPlacement, demoTopics } from './support/cluster-placement';
import { useSystem, type Seeded } from './support/system-fixture';

// Two instances of each service on a three-node cluster of the file's own (ports 19092–19097), HTTP ports
// 4141–4143 (+10 and +20 for further instances), databases cl_replicas_*. While orders flow, the relay
// leader of each service is killed (SIGKILL: its consumer-group member vanishes mid-batch, its advisory
// lock goes with its connection) and a new instance joins (another rebalance). The fixture then checks
// that every saga ended and stock and money are conserved (nothing lost or applied twice).
// Step timeouts above the 30 s session timeout a dead member's partitions wait for.
const placement = clusterPlacement();
const fx = useSystem(
  'replicas',
  { 'order-service': { ORDER_STEP_TIMEOUT: '120s' } },
  {
    kafka: placement.kafka,
    ports: { 'order-service': 4141, 'inventory-service': 4142, 'payment-service': 4143 },
    databasePrefix: 'cl_replicas',
    instances: { 'order-service': 2, 'inventory-service': 2, 'payment-service': 2 },
  },
);

function orders(s: Seeded, count: number): OrderRequest[] {
  return Array.from({ length: count }, (_, i) =>
    i % 8 === 7
      ? { customerId: s.customer('broke'), items: [{ sku: s.sku('S0'), quantity: 1, unitPrice: 100 }] }
      : i % 8 === 6
        ? { customerId: s.customer('rich'), items: [{ sku: s.sku('SCARCE'), quantity: 1, unitPrice: 90 }] }
        : {
            customerId: s.customer('rich'),
            items: [{ sku: s.sku(`S${i % 4}`), quantity: 1 + (i % 2), unitPrice: 120 + i }],
          },
  );
}

const logOf = (p: ServiceProcess) => readFileSync(p.spec.logFile, 'utf8');

/** The instance of `service` that holds the relay leadership now (its log says so last). */
function relayLeader(service: SagaService): ServiceProcess | undefined {
  const running = fx.system.instances(service).filter((p) => p.running);
  const led = running.filter((p) => {
    const log = logOf(p);
    return log.lastIndexOf('relay is leader') > log.lastIndexOf('relay lost leadership');
  });
  return led.length === 1 ? led[0] : undefined;
}

describe('Several instances of every service on a three-broker cluster', () => {
  it('two instances each; the relay leader of each service killed (SIGKILL) and a new instance added while orders flow: every saga ends, invariants hold, no message applied twice, per-key order kept', async () => {
    const s = await fx.seed({
      stock: { S0: 1000, S1: 1000, S2: 1000, S3: 1000, SCARCE: 3 },
      accounts: { rich: 100_000_000, broke: 0 },
    });
    const leaders = new Map<SagaService, ServiceProcess>();
    for (const service of sagaServices)
      leaders.set(
        service,
        await waitFor(() => relayLeader(service), {
          timeoutMs: 60_000,
          description: `one instance of ${service} to lead its relay`,
        }),
      );
    // orders go to the order-service instance that survives
    const entry = fx.system.instances('order-service').find((p) => p !== leaders.get('order-service'))!;
    const client = new SystemClient({
      order: entry.url,
      inventory: fx.system.url('inventory-service'),
      payment: fx.system.url('payment-service'),
    });
    const all = orders(s, 160);
    const placing = placeOrders(client, all, { concurrency: 4, ratePerSec: 8 });
    await waitFor(async () => ((await fx.ledger.tally([s.customer('rich')])).byStatus.APPROVED ?? 0) >= 15, {
      timeoutMs: 120_000,
      description: 'the first sagas to end',
    });

    await Promise.all([...leaders.values()].map((p) => p.kill()));
    // each service hands its relay to the surviving instance
    for (const service of sagaServices)
      await waitFor(() => relayLeader(service), {
        timeoutMs: 60_000,
        description: `${service}'s relay to be led by a surviving instance`,
      });
    for (const service of sagaServices) await fx.system.addInstance(service);
    const ids = await placing;

    await fx.settle();
    const tally = await fx.ledger.tally([s.customer('rich'), s.customer('broke')]);
    expect(tally.byStatus.PENDING ?? 0).toBe(0);
    expect((tally.byStatus.APPROVED ?? 0) + (tally.byStatus.REJECTED ?? 0)).toBe(ids.length);
    expect(tally.byStatus.APPROVED ?? 0).toBeGreaterThan(ids.length / 2);

    const records = await readTopicRecords(placement.cluster().brokers, demoTopics);
    const keys = new Set(ids);
    expect(records.filter((r) => keys.has(r.key)).length).toBeGreaterThan(ids.length * 5);
    expect(keyOrderViolations(records, keys)).toEqual([]);
    // two started, one killed, one added: the survivor and the newcomer are running
    for (const service of sagaServices)
      expect(fx.system.instances(service).filter((p) => p.running)).toHaveLength(2);
  });
});
