import { readFileSync } from 'node:fs';
import { waitFor } from '@sagaflow/stack';
import { ConfigResourceTypes } from 'kafkajs';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { keyOrderViolations, placeOrders, readTopicRecords, type OrderRequest } from '../src/index';
import { clusterPlacement, demoTopics } from './support/cluster-placement';
import { useSystem, type Seeded } from './support/system-fixture';

// The demo system on a three-node Kafka cluster of its own (tools/stack cluster mode, ports 19092–19097),
// its own HTTP ports (4101–4103) and databases (cl_brokers_*): brokers are killed with SIGKILL while
// orders flow. The fixture then checks that every saga ended and no effect was lost or applied twice.
// Step timeouts well above the time a dead broker's partitions take to move, so sagas carry on forward.
const placement = clusterPlacement();
const fx = useSystem(
  'brokers',
  {
    'order-service': { ORDER_STEP_TIMEOUT: '120s', LOG_LEVEL: 'warn' },
    'inventory-service': { LOG_LEVEL: 'warn' },
    'payment-service': { LOG_LEVEL: 'warn' },
  },
  {
    kafka: placement.kafka,
    ports: { 'order-service': 4101, 'inventory-service': 4102, 'payment-service': 4103 },
    databasePrefix: 'cl_brokers',
  },
);

function orders(s: Seeded, count: number): OrderRequest[] {
  return Array.from({ length: count }, (_, i) =>
    i % 8 === 7
      ? { customerId: s.customer('broke'), items: [{ sku: s.sku('S0'), quantity: 1, unitPrice: 100 }] }
      : {
          customerId: s.customer('rich'),
          items: [{ sku: s.sku(`S${i % 4}`), quantity: 1 + (i % 2), unitPrice: 120 + i }],
        },
  );
}

const seedAll = () =>
  fx.seed({
    stock: { S0: 1000, S1: 1000, S2: 1000, S3: 1000 },
    accounts: { rich: 100_000_000, broke: 0 },
  });

async function expectAllEnded(s: Seeded, placed: number): Promise<void> {
  await fx.settle();
  const tally = await fx.ledger.tally([s.customer('rich'), s.customer('broke')]);
  expect(tally.byStatus.PENDING ?? 0).toBe(0);
  expect((tally.byStatus.APPROVED ?? 0) + (tally.byStatus.REJECTED ?? 0)).toBe(placed);
  expect(tally.byStatus.APPROVED ?? 0).toBeGreaterThan(0);
}

async function expectKeyOrder(orderIds: readonly string[]): Promise<void> {
  const records = await readTopicRecords(placement.cluster().brokers, demoTopics);
  const keys = new Set(orderIds);
  expect(records.filter((r) => keys.has(r.key)).length).toBeGreaterThan(orderIds.length * 5);
  expect(keyOrderViolations(records, keys)).toEqual([]);
}

async function pendingOutboxRows(): Promise<number> {
  const client = new pg.Client({ connectionString: fx.system.databaseUrl('order-service') });
  await client.connect();
  try {
    const r = await client.query<{ n: string }>(
      'select count(*) as n from sagaflow.outbox where published_at is null',
    );
    return Number(r.rows[0]!.n);
  } finally {
    await client.end();
  }
}

describe('The demo system on a three-broker Kafka cluster', () => {
  it('creates its topics with 3 replicas and min.insync.replicas 2 (defaults that follow the cluster size)', async () => {
    const admin = await placement.admin();
    try {
      const meta = await admin.fetchTopicMetadata({ topics: [...demoTopics] });
      for (const t of meta.topics)
        for (const p of t.partitions)
          expect({ topic: t.name, replicas: p.replicas.length }).toEqual({ topic: t.name, replicas: 3 });
      // A KRaft broker learns a new topic when it replays the metadata log, so the broker kafkajs asks
      // may not host it yet just after the services created it: poll until it does.
      const configs = await waitFor(
        () =>
          admin.describeConfigs({
            includeSynonyms: false,
            resources: demoTopics.map((name) => ({
              type: ConfigResourceTypes.TOPIC,
              name,
              configNames: ['min.insync.replicas'],
            })),
          }),
        { timeoutMs: 30_000, intervalMs: 250, description: 'every broker to describe the demo topics' },
      );
      for (const r of configs.resources)
        expect({ topic: r.resourceName, minIsr: r.configEntries[0]?.configValue }).toEqual({
          topic: r.resourceName,
          minIsr: '2',
        });
    } finally {
      await admin.disconnect();
    }
  });

  it('a broker killed (SIGKILL) while orders flow: every saga ends, nothing lost or applied twice, per-key order kept; restarted, it rejoins every ISR', async () => {
    const s = await seedAll();
    const all = orders(s, 80);
    const victim = await placement.busiestLeader(demoTopics);
    const first = await placeOrders(fx.client, all.slice(0, 30), { concurrency: 4 });
    await placement.cluster().kill(victim);
    // orders keep coming while the broker is dead: relay and consumers move to the new leaders by themselves
    const second = await placeOrders(fx.client, all.slice(30), { concurrency: 4 });
    await expectAllEnded(s, first.length + second.length);

    await placement.cluster().start(victim);
    await placement.cluster().waitAllUp();
    await placement.waitFullyReplicated(demoTopics);
    await expectKeyOrder([...first, ...second]);
  });

  it('two brokers down: orders are still taken, the outbox holds their events and publishing waits as retriable; with the brokers back every saga ends', async () => {
    const s = await seedAll();
    const cluster = placement.cluster();
    const down = [2, 3];
    for (const node of down) await cluster.kill(node);
    const logFile = fx.system.process('order-service').spec.logFile;
    const logBefore = readFileSync(logFile, 'utf8').length;

    const held = await placeOrders(fx.client, orders(s, 12), { concurrency: 4 });
    // the writes commit (the outbox is in the service's database); nothing reaches Kafka without a quorum
    expect(await pendingOutboxRows()).toBeGreaterThanOrEqual(held.length);
    const paused = await waitFor(
      () =>
        readFileSync(logFile, 'utf8')
          .slice(logBefore)
          .split('\n')
          // BROKER_UNAVAILABLE: the retriable code the relay classifies a broker outage as
          .find((l) => l.includes('publishing paused') && l.includes('"code":"BROKER_UNAVAILABLE"')),
      { timeoutMs: 120_000, intervalMs: 500, description: 'the relay to pause publishing as retriable' },
    );
    expect(paused).toBeTruthy();
    expect(await pendingOutboxRows()).toBeGreaterThanOrEqual(held.length);
    expect((await fx.ledger.tally([s.customer('rich'), s.customer('broke')])).byStatus.PENDING).toBe(
      held.length,
    );

    for (const node of down) await cluster.start(node);
    await cluster.waitAllUp();
    await expectAllEnded(s, held.length);
    await placement.waitFullyReplicated(demoTopics);
    await expectKeyOrder(held);
  });
});
