/**
 * bench:monitor — how fast the saga monitor catches up from the earliest offsets, and how fast its list
 * and detail requests answer with 100,000 sagas projected. Not a test: it prints a table and one JSON
 * line per figure (DESIGN.md, "Benchmarks"). The catch-up ceiling is a raw kafkajs consumer reading the
 * same records in the same run, doing nothing with them.
 *
 *   npm run bench:monitor                 # 100,000 sagas
 *   BENCH_MONITOR_SAGAS=10000 npm run bench:monitor
 */
import { randomBytes } from 'node:crypto';
import { AvroRegistryCodec, ensureTopics } from '@sagaflow/outbox-relay';
import { createDatabase, dropDatabase, ensureStack, uniqueDatabaseName, waitFor } from '@sagaflow/stack';
import { Kafka, logLevel, type Message } from 'kafkajs';
import type { Pool } from 'pg';
import { parseMonitorConfig } from '../../apps/saga-monitor/src/config/monitor-config';
import { silentLogger } from '../../apps/saga-monitor/src/logging/monitor-logger';
import { startMonitor } from '../../apps/saga-monitor/src/monitor';
import { benchSaga, type BenchTopics } from './bench-traffic';
import { percentile } from './percentiles';

const sagas = Number(process.env.BENCH_MONITOR_SAGAS ?? 100_000);
const requests = Number(process.env.BENCH_MONITOR_REQUESTS ?? 400);
const label = sagas === 100_000 ? '100k' : `${sagas}`;

async function main(): Promise<void> {
  const stack = await ensureStack();
  const prefix = `bench-monitor.${randomBytes(4).toString('hex')}`;
  const topics: BenchTopics = {
    lifecycle: `${prefix}.sagaflow.lifecycle`,
    definitions: `${prefix}.sagaflow.definitions`,
    orderEvents: `${prefix}.order.events`,
    inventoryCommands: `${prefix}.inventory.commands`,
  };
  const kafka = new Kafka({
    clientId: 'bench-monitor',
    brokers: stack.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  await ensureTopics(kafka, [
    { topic: topics.lifecycle, numPartitions: 3 },
    { topic: topics.orderEvents, numPartitions: 3 },
    { topic: topics.inventoryCommands, numPartitions: 3 },
    { topic: topics.definitions, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
  ]);
  const dbName = uniqueDatabaseName('bench_monitor');
  const databaseUrl = await createDatabase(stack.databaseUrl, dbName);
  try {
    const produced = await produce(kafka, stack.schemaRegistryUrl, topics);
    const ceiling = await rawConsumerRate(kafka, topics, produced);
    const config = parseMonitorConfig(
      {
        PORT: '0',
        DATABASE_URL: databaseUrl,
        KAFKA_BROKERS: stack.kafkaBrokers.join(','),
        SCHEMA_REGISTRY_URL: stack.schemaRegistryUrl,
        MONITOR_TOPIC_PATTERN: `^${prefix.replace(/[.-]/g, '\\$&')}\\.`,
        MONITOR_LIFECYCLE_TOPIC: topics.lifecycle,
        MONITOR_DEFINITIONS_TOPIC: topics.definitions,
        MONITOR_GROUP_ID: `${prefix}.monitor`,
      },
      '/nonexistent',
    );
    const started = performance.now();
    const monitor = await startMonitor(config, { logger: silentLogger });
    try {
      await waitFor(
        async () => {
          const r = await monitor.pool.query<{ n: string }>(
            'select coalesce(sum(next_offset), 0) as n from monitor.consumer_offset',
          );
          return Number(r.rows[0]!.n) >= produced;
        },
        { timeoutMs: 30 * 60_000, intervalMs: 250, description: `the monitor to apply ${produced} records` },
      );
      const seconds = (performance.now() - started) / 1000;
      const catchup = produced / seconds;
      const transitions = Number(
        (await monitor.pool.query<{ n: string }>('select count(*) as n from monitor.saga_transition'))
          .rows[0]!.n,
      );
      await monitor.pool.query('analyze');
      const list = await timeRequests(monitor.url, listPaths(monitor.url));
      const detail = await timeRequests(monitor.url, await detailPaths(monitor.pool));
      report([
        {
          metric: `list_p99_ms_${label}`,
          value: round(percentile(list, 99)),
          unit: 'ms',
          ceiling: null,
          note: `p50 ${round(percentile(list, 50))} ms over ${list.length} requests`,
        },
        {
          metric: `detail_p99_ms_${label}`,
          value: round(percentile(detail, 99)),
          unit: 'ms',
          ceiling: null,
          note: `p50 ${round(percentile(detail, 50))} ms over ${detail.length} requests`,
        },
        {
          metric: 'catchup_events_per_sec',
          value: Math.round(catchup),
          unit: 'events/s',
          ceiling: Math.round(ceiling),
          note: `${produced} records (${transitions} transitions, ${Math.round(transitions / seconds)}/s) from the earliest offset`,
        },
      ]);
    } finally {
      await monitor.stop();
    }
  } finally {
    await dropDatabase(stack.databaseUrl, dbName).catch(() => undefined);
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: Object.values(topics) }).catch(() => undefined);
    await admin.disconnect();
  }
}

/** Produces every saga's records; returns how many. */
async function produce(kafka: Kafka, registryUrl: string, topics: BenchTopics): Promise<number> {
  const codec = new AvroRegistryCodec({ registryUrl });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const hourAgo = Date.now() - 3_600_000;
  let total = 0;
  const chunk = 2000;
  try {
    for (let from = 0; from < sagas; from += chunk) {
      const byTopic = new Map<string, Message[]>();
      for (let i = from; i < Math.min(sagas, from + chunk); i++) {
        for (const [topic, messages] of await benchSaga(codec, topics, i, hourAgo + i * 30)) {
          const list = byTopic.get(topic) ?? [];
          list.push(...messages);
          byTopic.set(topic, list);
          total += messages.length;
        }
      }
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
    }
  } finally {
    await producer.disconnect();
  }
  return total;
}

/** Events/s of a kafkajs consumer that only counts, from joining to the last record. */
async function rawConsumerRate(kafka: Kafka, topics: BenchTopics, total: number): Promise<number> {
  const consumer = kafka.consumer({
    groupId: `bench-monitor-raw-${randomBytes(4).toString('hex')}`,
    maxBytesPerPartition: 2 * 1024 * 1024,
  });
  await consumer.connect();
  const started = performance.now();
  let seen = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  await consumer.subscribe({
    topics: [topics.lifecycle, topics.orderEvents, topics.inventoryCommands, topics.definitions],
    fromBeginning: true,
  });
  await consumer.run({
    autoCommit: false,
    partitionsConsumedConcurrently: 3,
    eachBatch: async ({ batch }) => {
      seen += batch.messages.length;
      if (seen >= total) done();
    },
  });
  await finished;
  const rate = total / ((performance.now() - started) / 1000);
  await consumer.disconnect();
  return rate;
}

function listPaths(base: string): string[] {
  const paths = [
    '/api/sagas',
    '/api/sagas?type=BenchOrder',
    '/api/sagas?status=COMPENSATED',
    '/api/sagas?stuck=true',
    '/api/sagas?type=BenchShipment&status=COMPLETED&limit=100',
  ];
  return paths.map((p) => `${base}${p}`);
}

async function detailPaths(pool: Pool): Promise<string[]> {
  const ids = await pool.query<{ saga_id: string }>(
    `select saga_id from monitor.saga order by random() limit ${requests}`,
  );
  return ids.rows.map((r) => `/api/sagas/${r.saga_id}`);
}

/** Latency in ms of each request, one at a time (warm-up excluded); deep list pages follow cursors. */
async function timeRequests(base: string, paths: string[]): Promise<number[]> {
  const times: number[] = [];
  const get = async (url: string) => {
    const t = performance.now();
    const res = await fetch(url);
    const body = (await res.json()) as { nextCursor?: string | null };
    if (!res.ok) throw new Error(`GET ${url} → ${res.status}`);
    return { ms: performance.now() - t, next: body.nextCursor ?? null };
  };
  for (const p of paths.slice(0, 5)) await get(p.startsWith('http') ? p : `${base}${p}`);
  for (let i = 0; i < requests; i++) {
    const p = paths[i % paths.length]!;
    const url = p.startsWith('http') ? p : `${base}${p}`;
    const first = await get(url);
    times.push(first.ms);
    // every fifth list request also reads a page deep in the list, by its cursor
    if (p.startsWith('http') && i % 5 === 0 && first.next)
      times.push((await get(`${url}${url.includes('?') ? '&' : '?'}cursor=${first.next}`)).ms);
  }
  return times;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

function report(
  rows: { metric: string; value: number; unit: string; ceiling: number | null; note: string }[],
): void {
  console.log(`\nbench:monitor — ${sagas} sagas\n`);
  console.log(
    `${'metric'.padEnd(28)}${'value'.padStart(12)}  ${'unit'.padEnd(10)}${'ceiling'.padStart(10)}  note`,
  );
  for (const r of rows) {
    console.log(
      `${r.metric.padEnd(28)}${String(r.value).padStart(12)}  ${r.unit.padEnd(10)}${String(r.ceiling ?? '—').padStart(10)}  ${r.note}`,
    );
  }
  console.log('');
  for (const r of rows)
    console.log(
      JSON.stringify({
        bench: 'monitor',
        metric: r.metric,
        value: r.value,
        unit: r.unit,
        ceiling: r.ceiling,
      }),
    );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
