/**
 * Failover benchmark (not a test): the demo system with two instances of every service on a three-node
 * Kafka cluster of its own (ports 19112–19117, HTTP 4171–4193, databases cl_bench_*), a steady order rate,
 * and the time without progress (no saga ending on a partition of `order.events`) when an instance of
 * inventory-service leaves (SIGTERM, then SIGKILL) or joins, and when the busiest Kafka leader is killed.
 * Prints a table and one JSON line per figure. Method: docs/decisions/0049-failover-benchmark-method.md.
 * Run: `npm run bench:failover`. Knobs: BENCH_RATE (orders/s, default 10), BENCH_SETTLE_SECONDS (default 45).
 */
import {
  ensureStack,
  startKafkaCluster,
  uniqueDatabaseName,
  waitFor,
  type KafkaCluster,
} from '@sagaflow/stack';
import { DemoSystem, ensureBuilt, placeOrders, sagaServices, type SagaService } from '@sagaflow/system';
import { Kafka, logLevel } from 'kafkajs';
import { pauseAfter, ProgressProbe, steadyMaxGap } from './progress-probe';

const rate = Number(process.env.BENCH_RATE ?? 10);
const settleMs = Number(process.env.BENCH_SETTLE_SECONDS ?? 45) * 1000;
const log = (line: string) => console.error(line);

interface Figure {
  metric: string;
  value: number;
  unit: string;
}

async function main(): Promise<void> {
  const stack = await ensureStack(undefined, log);
  ensureBuilt(sagaServices, log);
  log('failover: starting a three-node cluster on 19112–19117 …');
  const cluster = await startKafkaCluster({ basePort: 19112 });
  let system: DemoSystem | undefined;
  const probe = new ProgressProbe(cluster.brokers);
  let loading = true;
  let load: Promise<unknown> = Promise.resolve();
  try {
    const databases: Partial<Record<SagaService, string>> = {};
    for (const s of sagaServices) databases[s] = uniqueDatabaseName(`cl_bench_${s.split('-')[0]}`);
    const quiet = { LOG_LEVEL: 'warn' };
    system = await DemoSystem.start({
      stack: { ...stack, kafkaBrokers: [...cluster.brokers] },
      monitor: 'off',
      databases,
      ports: { 'order-service': 4171, 'inventory-service': 4172, 'payment-service': 4173 },
      instances: { 'order-service': 2, 'inventory-service': 2, 'payment-service': 2 },
      purpose: 'npm run bench:failover',
      log,
      env: {
        'order-service': { ...quiet, ORDER_STEP_TIMEOUT: '300s' },
        'inventory-service': quiet,
        'payment-service': quiet,
      },
    });
    const client = system.client();
    for (let i = 0; i < 4; i++) await client.seedStock(`bench-S${i}`, 10_000_000);
    await client.openAccount('bench-rich', 1_000_000_000_000);
    await probe.start();

    // an open loop at `rate` orders/s until the end, in rounds of 10 s; a refused order (the service
    // restarting, a full connection table on a shared machine) is counted, never fatal
    let round = 0;
    let refused = 0;
    load = (async () => {
      while (loading) {
        const r = round++;
        const orders = Array.from({ length: rate * 10 }, (_, i) => ({
          customerId: 'bench-rich',
          items: [{ sku: `bench-S${(r + i) % 4}`, quantity: 1, unitPrice: 100 }],
        }));
        await placeOrders(client, orders, { concurrency: 8, ratePerSec: rate }).catch((error: unknown) => {
          refused++;
          log(`failover: an order was refused (${(error as Error).message}); the round goes on`);
        });
      }
    })();

    const figures: Figure[] = [];
    const steady = async (label: string) => {
      const from = performance.now();
      await new Promise((r) => setTimeout(r, 15_000)); // a steady window to measure the noise floor in
      figures.push({
        metric: `steady_max_gap_ms_before_${label}`,
        value: steadyMaxGap(probe.snapshot(), from, performance.now()),
        unit: 'ms',
      });
    };
    const measure = async (metric: string, disrupt: () => Promise<void>) => {
      await steady(metric);
      log(`failover: ${metric} …`);
      const at = performance.now();
      await disrupt();
      await new Promise((r) => setTimeout(r, settleMs)); // the window the pause is looked for in
      figures.push({ metric, value: pauseAfter(probe.snapshot(), at, performance.now()), unit: 'ms' });
    };

    log('failover: warm-up 20 s …');
    await new Promise((r) => setTimeout(r, 20_000));
    const inventory = () => system!.instances('inventory-service').filter((p) => p.running);
    await measure('rebalance_pause_ms_leave_graceful', () => inventory().at(-1)!.stop());
    await measure(
      'rebalance_pause_ms_join',
      async () => void (await system!.addInstance('inventory-service')),
    );
    await measure('rebalance_pause_ms_leave_sigkill', () => inventory().at(-1)!.kill());
    const victim = await busiestLeader(cluster);
    await measure('broker_kill_resume_ms', () => cluster.kill(victim));

    loading = false;
    await load;
    await cluster.start(victim);
    figures.push({ metric: 'order_rounds_with_a_refused_order', value: refused, unit: 'rounds' });

    console.log(table(figures));
    console.log();
    for (const f of figures)
      console.log(
        JSON.stringify({
          bench: 'failover',
          metric: f.metric,
          value: Math.round(f.value),
          unit: f.unit,
          ceiling: null,
        }),
      );
  } finally {
    loading = false;
    await load.catch(() => undefined);
    await probe.stop().catch(() => undefined);
    await system?.destroy();
    await cluster.close();
  }
}

async function busiestLeader(cluster: KafkaCluster): Promise<number> {
  const admin = new Kafka({
    clientId: 'bench-failover',
    brokers: [...cluster.brokers],
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    const topics = [
      'order.events',
      'order.commands',
      'inventory.events',
      'inventory.commands',
      'payment.events',
      'payment.commands',
      'sagaflow.lifecycle',
    ];
    const meta = await waitFor(() => admin.fetchTopicMetadata({ topics }), {
      timeoutMs: 30_000,
      description: 'topic metadata',
    });
    const count = new Map<number, number>();
    for (const p of meta.topics.flatMap((t) => t.partitions))
      count.set(p.leader, (count.get(p.leader) ?? 0) + 1);
    return [...count.entries()].sort((a, b) => b[1] - a[1])[0]![0];
  } finally {
    await admin.disconnect();
  }
}

function table(figures: readonly Figure[]): string {
  const w = Math.max(...figures.map((f) => f.metric.length));
  return figures.map((f) => `${f.metric.padEnd(w)}  ${Math.round(f.value)} ${f.unit}`).join('\n');
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
