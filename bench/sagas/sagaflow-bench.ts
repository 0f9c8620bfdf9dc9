import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import { join } from 'node:path';
import { loadStackConfig, uniqueDatabaseName, type StackEndpoints } from '@sagaflow/stack';
import { DemoSystem, ensureBuilt, sagaServices, SystemClient, type SagaService } from '@sagaflow/system';
import { CpuMeter, pidsByCommandLine, pidsByName, type CpuComponent } from './cpu-meter';
import { diffBuckets, parseHopBuckets, sumBuckets, type HopBuckets } from './hop-histogram-diff';
import { benchOrder, benchSeed, expectedOutcome, type ExpectedOutcome } from './order-mix';
import { percentile } from './percentile';
import { TerminalWatcher } from './terminal-watcher';

/** What one phase used, per component: CPU seconds and the wall-clock seconds of the phase. */
export interface PhaseCpu {
  wallSeconds: number;
  cpuSeconds: Record<string, number>;
}

/** What the Sagaflow side measured. */
export interface SagaflowBenchResult {
  sagasPerSec: number;
  latencyP50MsIdle: number;
  latencyP99MsIdle: number;
  /** Per-hop histograms of the idle phase and of the phase at the offered rate. */
  hopsIdle: HopBuckets;
  hopsAt50: HopBuckets;
  /** Orders that did not end as the mix says (id, expected, actual); must be empty. */
  wrongOutcomes: { orderId: string; expected: ExpectedOutcome; actual: string }[];
  latencyP50MsAt50: number;
  latencyP99MsAt50: number;
  outcomes: Record<string, number>;
  saturationCpu: PhaseCpu;
  latencyCpu: PhaseCpu;
  sagas: { saturation: number; latency: number };
}

/**
 * The order saga through the whole system: order-service (the OrderFulfilment saga), inventory-service
 * and payment-service as processes, every step a Kafka round trip through outboxes and inboxes, Avro
 * through the registry. The same outcome mix and seed as the DBOS peer (`order-mix.ts`). A saga starts
 * when `POST /orders` is sent and ends when its OrderApproved / OrderRejected is read from `order.events`.
 */
export async function runSagaflowBench(options: {
  stack: StackEndpoints;
  saturationSagas: number;
  saturationConcurrency: number;
  latencyRatePerSec: number;
  latencySeconds: number;
  warmupSagas: number;
  idleSagas: number;
  log: (line: string) => void;
}): Promise<SagaflowBenchResult> {
  ensureBuilt(sagaServices, options.log);
  const databases: Partial<Record<SagaService, string>> = {};
  for (const s of sagaServices) databases[s] = uniqueDatabaseName(`bench_sagas_${s.split('-')[0]}`);
  // BENCH_CPU_PROF_DIR: each service writes a V8 CPU profile there when it stops (where a saga's CPU goes)
  const profileDir = process.env.BENCH_CPU_PROF_DIR;
  const quiet = {
    LOG_LEVEL: 'warn',
    ...(profileDir ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir}` } : {}),
  };
  const system = await DemoSystem.start({
    stack: options.stack,
    monitor: 'off',
    databases,
    purpose: 'npm run bench:sagas',
    log: options.log,
    env: {
      // no step may time out at saturation: the outcome mix must stay the peer's
      'order-service': { ...quiet, ORDER_STEP_TIMEOUT: '300s' },
      'inventory-service': quiet,
      'payment-service': quiet,
    },
  });
  const watcher = new TerminalWatcher(options.stack.kafkaBrokers);
  try {
    const client = new SystemClient({
      order: system.url('order-service'),
      inventory: system.url('inventory-service'),
      payment: system.url('payment-service'),
    });
    for (const sku of benchSeed.plentifulSkus) await client.seedStock(sku, benchSeed.plentifulQuantity);
    await client.seedStock(benchSeed.scarceSku, 0);
    await client.openAccount(benchSeed.richCustomer, benchSeed.richLimitCents);
    await client.openAccount(benchSeed.poorCustomer, benchSeed.poorLimitCents);
    await watcher.start();
    const placed: { id: string; i: number }[] = [];
    const runOne = async (runId: string, i: number): Promise<{ id: string; ms: number }> => {
      const o = benchOrder(runId, i);
      const sent = performance.now();
      const id = await client.placeOrder(o.customerId, o.items);
      placed.push({ id, i });
      return { id, ms: (await watcher.whenEnded(id)) - sent };
    };
    const scrapeHops = async (): Promise<HopBuckets> =>
      sumBuckets(
        await Promise.all(
          sagaServices.map(async (s) =>
            parseHopBuckets(await (await fetch(`${system.url(s)}/metrics`)).text()),
          ),
        ),
      );
    const closedLoop = async (runId: string, count: number) => {
      const ids: string[] = [];
      let next = 0;
      await Promise.all(
        Array.from({ length: options.saturationConcurrency }, async () => {
          while (next < count) ids.push((await runOne(runId, next++)).id);
        }),
      );
      return ids;
    };

    options.log(`sagaflow: warm-up (${options.warmupSagas} sagas) …`);
    await closedLoop('warm', options.warmupSagas);

    options.log(`sagaflow: idle (${options.idleSagas} sagas, one at a time) …`);
    const idleBefore = await scrapeHops();
    const idle: number[] = [];
    for (let i = 0; i < options.idleSagas; i++) idle.push((await runOne('idle', i)).ms);
    const hopsIdle = diffBuckets(await scrapeHops(), idleBefore);

    const meter = new CpuMeter(components(system, loadStackConfig().stackDir));
    options.log(
      `sagaflow: saturation (${options.saturationSagas} sagas, ${options.saturationConcurrency} in flight) …`,
    );
    meter.start();
    const started = performance.now();
    const satIds = await closedLoop('sat', options.saturationSagas);
    const sagasPerSec = options.saturationSagas / ((performance.now() - started) / 1000);
    const saturationCpu = meter.stop();

    const total = options.latencyRatePerSec * options.latencySeconds;
    options.log(`sagaflow: latency (${total} sagas at ${options.latencyRatePerSec}/s) …`);
    meter.start();
    const latBefore = await scrapeHops();
    const t0 = performance.now();
    const inFlight: Promise<{ id: string; ms: number }>[] = [];
    for (let i = 0; i < total; i++) {
      // pacing an offered rate, not waiting for a condition
      const wait = t0 + (i * 1000) / options.latencyRatePerSec - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      inFlight.push(runOne('lat', i));
    }
    const lat = await Promise.all(inFlight);
    const latencyCpu = meter.stop();
    const hopsAt50 = diffBuckets(await scrapeHops(), latBefore);
    const wrongOutcomes = await checkOutcomes(system.databaseUrl('order-service'), placed);
    return {
      sagasPerSec,
      latencyP50MsIdle: percentile(idle, 50),
      latencyP99MsIdle: percentile(idle, 99),
      hopsIdle,
      hopsAt50,
      wrongOutcomes,
      latencyP50MsAt50: percentile(
        lat.map((l) => l.ms),
        50,
      ),
      latencyP99MsAt50: percentile(
        lat.map((l) => l.ms),
        99,
      ),
      outcomes: watcher.outcomes([...satIds, ...lat.map((l) => l.id)]),
      saturationCpu,
      latencyCpu,
      sagas: { saturation: options.saturationSagas, latency: total },
    };
  } finally {
    await watcher.stop().catch(() => undefined);
    await system.destroy();
  }
}

/** Every placed order's end, read from order-service's table, against the mix (`order-mix.ts`). */
async function checkOutcomes(
  databaseUrl: string,
  placed: readonly { id: string; i: number }[],
): Promise<SagaflowBenchResult['wrongOutcomes']> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query<{ order_id: string; status: string; reason: string | null }>(
      'select order_id, status, reason from orders.customer_order where order_id = any($1)',
      [placed.map((p) => p.id)],
    );
    const actual = new Map(rows.map((r) => [r.order_id, outcomeOf(r.status, r.reason)]));
    return placed
      .map((p) => ({ orderId: p.id, expected: expectedOutcome(p.i), actual: actual.get(p.id) ?? 'missing' }))
      .filter((o) => o.expected !== o.actual);
  } finally {
    await db.end();
  }
}

function outcomeOf(status: string, reason: string | null): string {
  if (status === 'APPROVED') return 'approved';
  if (status === 'REJECTED' && reason?.startsWith('out of stock')) return 'rejected_out_of_stock';
  if (status === 'REJECTED' && reason?.startsWith('payment declined')) return 'rejected_payment_declined';
  return `${status}: ${reason ?? ''}`;
}

/** The pid in the stack's pid file (parts it started), else processes whose command line names the part. */
function pidOf(path: string, fragment: string): number[] {
  try {
    return [Number(readFileSync(path, 'utf8').trim())];
  } catch {
    return pidsByCommandLine(fragment);
  }
}

function components(system: DemoSystem, stackDir: string): CpuComponent[] {
  const service = (s: SagaService): CpuComponent => ({
    name: s,
    pids: () => (system.process(s).pid ? [system.process(s).pid!] : []),
  });
  return [
    service('order-service'),
    service('inventory-service'),
    service('payment-service'),
    { name: 'kafka', pids: () => pidOf(join(stackDir, 'run', 'kafka.pid'), 'kafka.Kafka') },
    {
      name: 'schema-registry',
      pids: () => pidOf(join(stackDir, 'run', 'schema-registry.pid'), 'apicurio'),
    },
    { name: 'postgres', pids: () => pidsByName('postgres') },
    { name: 'bench client', pids: () => [process.pid] },
  ];
}
