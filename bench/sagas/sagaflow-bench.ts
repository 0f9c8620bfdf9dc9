import { mkdirSync, writeFileSync } from 'node:fs';
import { Client } from 'pg';
import { join } from 'node:path';
import { loadStackConfig, uniqueDatabaseName, type StackEndpoints } from '@sagaflow/stack';
import { DemoSystem, ensureBuilt, sagaServices, type SagaService } from '@sagaflow/system';
import { CpuMeter, pidOf, pidsByName, type CpuComponent } from './cpu-meter';
import { diffBuckets, parseHopBuckets, sumBuckets, type HopBuckets } from './hop-histogram-diff';
import { benchOrder, benchSeed, expectedOutcome, type ExpectedOutcome } from './order-mix';
import { percentile } from './percentile';
import { PostgresCpu } from './postgres-cpu';
import { TerminalWatcher } from './terminal-watcher';

/** How long the at-rest phase measures the system with nothing offered. */
const restSeconds = 10;

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
  /** The system with no saga in flight: what polls, heartbeats and timers cost on their own. */
  restCpu: PhaseCpu;
  /** PostgreSQL's cores by database and application (`postgres-cpu.ts`), per phase. */
  postgresSaturation: { label: string; cores: number }[];
  postgresAt50: { label: string; cores: number }[];
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
      'order-service': {
        ...quiet,
        ORDER_STEP_TIMEOUT: '300s',
        // BENCH_PG_STATEMENT_LOG: PostgreSQL logs the duration of every statement order-service sends
        // (its relay's pool sets options of its own) — where its transactions' time goes (decision 0080)
        ...(process.env.BENCH_PG_STATEMENT_LOG ? { PGOPTIONS: '-c log_min_duration_statement=0' } : {}),
      },
      'inventory-service': quiet,
      'payment-service': quiet,
    },
  });
  const watcher = new TerminalWatcher(options.stack.kafkaBrokers);
  try {
    const client = system.client();
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
    // BENCH_METRICS_DIR: each service's /metrics text after each phase (records, batches, outcomes)
    const metricsDir = process.env.BENCH_METRICS_DIR;
    const dumpMetrics = async (phase: string): Promise<void> => {
      if (!metricsDir) return;
      mkdirSync(metricsDir, { recursive: true });
      for (const s of sagaServices) {
        writeFileSync(
          join(metricsDir, `${phase}-${s}.prom`),
          await (await fetch(`${system.url(s)}/metrics`)).text(),
        );
        const db = new Client({ connectionString: system.databaseUrl(s) });
        await db.connect();
        const tables = await db.query(
          'select schemaname, relname, seq_scan, idx_scan, n_tup_ins, n_tup_upd, n_tup_hot_upd, n_tup_del from pg_stat_user_tables order by 1, 2',
        );
        const database = await db.query(
          'select xact_commit, xact_rollback, blks_hit, blks_read, tup_returned, tup_fetched, tup_inserted, tup_updated, tup_deleted from pg_stat_database where datname = current_database()',
        );
        writeFileSync(
          join(metricsDir, `${phase}-${s}.pg.json`),
          JSON.stringify({ database: database.rows[0], tables: tables.rows }, null, 1),
        );
        await db.end();
      }
    };
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
    await dumpMetrics('after-idle');

    const meter = new CpuMeter(components(system, loadStackConfig().stackDir));
    options.log(
      `sagaflow: saturation (${options.saturationSagas} sagas, ${options.saturationConcurrency} in flight) …`,
    );
    const pgCpu = new PostgresCpu(options.stack.databaseUrl, (d) =>
      sagaServices.find((s) => databases[s] === d),
    );
    meter.start();
    await pgCpu.start();
    const started = performance.now();
    const satIds = await closedLoop('sat', options.saturationSagas);
    const sagasPerSec = options.saturationSagas / ((performance.now() - started) / 1000);
    const saturationCpu = meter.stop();
    const postgresSaturation = await pgCpu.stop();
    await dumpMetrics('after-saturation');

    // every saga of the phase has ended (closedLoop waits for each), so this window holds only the
    // system's own work: the part of CPU per saga that grows as the offered rate falls
    options.log(`sagaflow: at rest (${restSeconds} s, nothing offered) …`);
    meter.start();
    await new Promise((r) => setTimeout(r, restSeconds * 1000));
    const restCpu = meter.stop();

    const total = options.latencyRatePerSec * options.latencySeconds;
    options.log(`sagaflow: latency (${total} sagas at ${options.latencyRatePerSec}/s) …`);
    meter.start();
    await pgCpu.start();
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
    const postgresAt50 = await pgCpu.stop();
    const hopsAt50 = diffBuckets(await scrapeHops(), latBefore);
    await dumpMetrics('after-at-50');
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
      restCpu,
      postgresSaturation,
      postgresAt50,
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
