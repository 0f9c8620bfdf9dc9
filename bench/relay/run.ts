/**
 * Relay benchmark (not a test): backlog drain against the raw KafkaJS producer ceiling, sustained
 * end-to-end throughput with 1 and 8 writers, commit→consumed latency at 1,000 events/s offered.
 * Prints a table and one JSON line per figure. Run: `npm run bench:relay`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  createDatabase,
  dropDatabase,
  ensureStack,
  loadStackConfig,
  uniqueDatabaseName,
  uniqueTopicName,
  waitFor,
} from '@sagaflow/stack';
import {
  AvroRegistryCodec,
  ensureTopics,
  newMessageId,
  outboxMigrations,
  OutboxNotifier,
  OutboxWriter,
  runMigrations,
  toKafkaHeaders,
  type OutboxEntry,
} from '@sagaflow/outbox-relay';
import { join } from 'node:path';
import { Kafka, logLevel, Partitioners, type Message } from 'kafkajs';
import { Pool } from 'pg';
import { benchEventType, benchPayload, type BenchEvent } from './bench-event';
import { CpuMeter, pidOf, pidsByName } from '../sagas/cpu-meter';
import { publishedTotal, startRelay } from './relay-process';

const backlog = Number(process.env.BENCH_BACKLOG ?? 200_000);
const batchSize = Number(process.env.BENCH_BATCH_SIZE ?? 500);
const phaseMs = Number(process.env.BENCH_PHASE_MS ?? 10_000);
const partitions = 6;
const metricsPort = 19_000 + Math.floor(Math.random() * 1000);

interface PhaseCpu {
  phase: string;
  events: number;
  wallSeconds: number;
  cpuSeconds: Record<string, number>;
}

interface Figure {
  metric: string;
  value: number;
  unit: string;
  ceiling: number | null;
}

async function main(): Promise<void> {
  const stack = await ensureStack();
  const dbName = uniqueDatabaseName('bench_relay');
  const databaseUrl = await createDatabase(stack.databaseUrl, dbName);
  const kafka = new Kafka({
    clientId: 'bench-relay',
    brokers: stack.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  const topic = uniqueTopicName('bench.relay');
  const ceilingTopic = uniqueTopicName('bench.relay-ceiling');
  const type = benchEventType(topic);
  const pool = new Pool({ connectionString: databaseUrl, max: 12 });
  const figures: Figure[] = [];
  const cpu: PhaseCpu[] = [];
  const relay = startRelay({
    databaseUrl,
    brokers: stack.kafkaBrokers,
    registryUrl: stack.schemaRegistryUrl,
    topic,
    batchSize,
    metricsPort,
  });
  try {
    await runMigrations(pool, [outboxMigrations]);
    await ensureTopics(kafka, [
      { topic, numPartitions: partitions },
      { topic: ceilingTopic, numPartitions: partitions },
    ]);
    await pool.query('create table bench_order (id text primary key, seq int not null default 0)');
    await pool.query("insert into bench_order (id) select 'order-' || g from generate_series(0, 4999) g");
    await waitFor(async () => (await publishedTotal(metricsPort)) >= 0, {
      timeoutMs: 60_000,
      description: 'the relay process',
    });
    const stackDir = loadStackConfig().stackDir;
    // where an event's CPU goes, per component (the same meter as bench:sagas)
    const meter = new CpuMeter([
      { name: 'relay', pids: () => (relay.pid ? [relay.pid] : []) },
      { name: 'bench client', pids: () => [process.pid] },
      { name: 'postgres', pids: () => pidsByName('postgres') },
      { name: 'kafka', pids: () => pidOf(join(stackDir, 'run', 'kafka.pid'), 'kafka.Kafka') },
      {
        name: 'schema-registry',
        pids: () => pidOf(join(stackDir, 'run', 'schema-registry.pid'), 'apicurio'),
      },
    ]);

    // --- ceiling: the raw KafkaJS producer, same messages, same batches, same producer settings
    const codec = new AvroRegistryCodec({ registryUrl: stack.schemaRegistryUrl });
    const ceilingType = benchEventType(ceilingTopic);
    const messages: Message[] = [];
    for (let i = 0; i < backlog; i++) {
      const payload = benchPayload(i);
      messages.push({
        key: payload.orderId,
        value: await codec.encode(ceilingType, payload),
        headers: toKafkaHeaders({
          messageId: newMessageId(),
          messageType: ceilingType.name,
          correlationId: payload.orderId,
          source: 'bench',
          occurredAt: new Date().toISOString(),
          contentType: codec.contentType,
        }),
      });
    }
    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    const ceilingStart = performance.now();
    for (let i = 0; i < messages.length; i += batchSize) {
      await producer.sendBatch({
        acks: -1,
        topicMessages: [{ topic: ceilingTopic, messages: messages.slice(i, i + batchSize) }],
      });
    }
    const ceiling = Math.round(backlog / ((performance.now() - ceilingStart) / 1000));
    await producer.disconnect();
    messages.length = 0;

    // --- drain: the backlog commits in one transaction; the clock starts when the commit returns
    const writer = new OutboxWriter({ source: 'bench' });
    // the relay runs in its own process: each writer tells it after its commit (docs/decisions/0040)
    notifier = new OutboxNotifier(pool);
    const client = await pool.connect();
    await client.query('begin');
    for (let i = 0; i < backlog; i += 5000) {
      const entries: OutboxEntry<BenchEvent>[] = [];
      for (let j = i; j < Math.min(backlog, i + 5000); j++)
        entries.push({ type, payload: benchPayload(j), correlationId: `c-${j}` });
      await writer.append(client, entries);
    }
    await client.query('commit');
    notifier.notify();
    client.release();
    meter.start();
    const drainStart = performance.now();
    await waitFor(async () => (await publishedTotal(metricsPort)) >= backlog, {
      timeoutMs: 600_000,
      intervalMs: 100,
      description: `${backlog} rows drained`,
    });
    const drain = Math.round(backlog / ((performance.now() - drainStart) / 1000));
    cpu.push({ phase: 'drain', events: backlog, ...meter.stop() });
    figures.push({ metric: 'throughput_drain', value: drain, unit: 'events/s', ceiling });
    await pool.query('vacuum sagaflow.outbox');

    // --- sustained: N writers commit one event per business transaction (aggregate row lock + append)
    for (const n of [1, 8]) {
      const base = await publishedTotal(metricsPort);
      let written = 0;
      meter.start();
      const start = performance.now();
      const deadline = start + phaseMs;
      await Promise.all(
        Array.from({ length: n }, async (_, w) => {
          let i = w;
          while (performance.now() < deadline) {
            await businessTransaction(pool, writer, type, i);
            i += n;
            written++;
          }
        }),
      );
      await waitFor(async () => (await publishedTotal(metricsPort)) >= base + written, {
        timeoutMs: 120_000,
        intervalMs: 20,
        description: `${written} events of the ${n}-writer phase`,
      });
      const value = Math.round(written / ((performance.now() - start) / 1000));
      cpu.push({ phase: `${n}_writer${n === 1 ? '' : 's'}`, events: written, ...meter.stop() });
      figures.push({
        metric: `throughput_${n}_writer${n === 1 ? '' : 's'}`,
        value,
        unit: 'events/s',
        ceiling,
      });
    }

    // --- latency: 1,000 events/s offered, commit returned → consumed
    const latencies = await measureLatency(kafka, pool, writer, type, topic);
    latencies.sort((a, b) => a - b);
    const pct = (p: number) =>
      Math.round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]! * 10) / 10;
    figures.push({ metric: 'latency_p50_ms_at_1000', value: pct(0.5), unit: 'ms', ceiling: null });
    figures.push({ metric: 'latency_p99_ms_at_1000', value: pct(0.99), unit: 'ms', ceiling: null });
  } finally {
    relay.kill('SIGTERM');
    await new Promise((ok) => relay.once('exit', ok));
    await pool.end();
    await dropDatabase(stack.databaseUrl, dbName);
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic, ceilingTopic] }).catch(() => undefined);
    await admin.disconnect();
  }

  console.log(
    `\nrelay benchmark — backlog ${backlog}, batch ${batchSize}, ${partitions} partitions, Avro via registry`,
  );
  console.table(
    figures.map((f) => ({
      metric: f.metric,
      value: f.value,
      unit: f.unit,
      ceiling: f.ceiling ?? '',
      'of ceiling': f.ceiling ? `${Math.round((100 * f.value) / f.ceiling)}%` : '',
    })),
  );
  console.log('\nCPU per event (µs) and cores busy, per phase and component');
  console.table(
    cpu.map((p) => ({
      phase: p.phase,
      ...Object.fromEntries(
        Object.entries(p.cpuSeconds).map(([name, s]) => [
          name,
          `${Math.round((s * 1e6) / p.events)} µs, ${(s / p.wallSeconds).toFixed(2)} cores`,
        ]),
      ),
    })),
  );
  for (const p of cpu) {
    const total = Object.values(p.cpuSeconds).reduce((a, b) => a + b, 0);
    figures.push({
      metric: `cpu_us_per_event_${p.phase}_total`,
      value: Math.round((total * 1e6) / p.events),
      unit: 'µs/event',
      ceiling: null,
    });
    figures.push({
      metric: `cpu_us_per_event_${p.phase}_relay`,
      value: Math.round(((p.cpuSeconds['relay'] ?? 0) * 1e6) / p.events),
      unit: 'µs/event',
      ceiling: null,
    });
  }
  for (const f of figures) console.log(JSON.stringify({ bench: 'relay', ...f }));
}

let notifier: OutboxNotifier;

async function businessTransaction(
  pool: Pool,
  writer: OutboxWriter,
  type: ReturnType<typeof benchEventType>,
  i: number,
): Promise<string> {
  const client = await pool.connect();
  try {
    const payload = benchPayload(i);
    await client.query('begin');
    await client.query('update bench_order set seq = seq + 1 where id = $1', [payload.orderId]);
    const [id] = await writer.append(client, { type, payload, correlationId: payload.orderId });
    await client.query('commit');
    notifier.notify();
    return id!;
  } finally {
    client.release();
  }
}

async function measureLatency(
  kafka: Kafka,
  pool: Pool,
  writer: OutboxWriter,
  type: ReturnType<typeof benchEventType>,
  topic: string,
): Promise<number[]> {
  const committedAt = new Map<string, number>();
  // the relay may deliver before this process has handled the commit's reply: that is latency ~0
  const arrivedEarly = new Set<string>();
  const latencies: number[] = [];
  const consumer = kafka.consumer({ groupId: `bench-${Date.now()}`, maxWaitTimeInMs: 5 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: false });
  let warm = false;
  await consumer.run({
    eachMessage: async ({ message }) => {
      const at = performance.now();
      warm = true;
      const id = message.headers?.['message-id']?.toString() ?? '';
      const committed = committedAt.get(id);
      if (committed === undefined) arrivedEarly.add(id);
      else latencies.push(Math.max(0, at - committed));
    },
  });
  // joining the group takes a moment; the phase starts once a probe event comes through
  await waitFor(
    async () => {
      await businessTransaction(pool, writer, type, 1);
      await sleep(200);
      return warm;
    },
    { timeoutMs: 60_000, description: 'the latency consumer to receive' },
  );
  const rate = 1000;
  const total = Math.round((rate * phaseMs) / 1000);
  const start = performance.now();
  let next = 0;
  // several connections, each taking the next due slot, so one slow commit does not delay the schedule
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (;;) {
        const i = next++;
        if (i >= total) return;
        const due = start + (i * 1000) / rate;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        const client = await pool.connect();
        try {
          const payload = benchPayload(i);
          await client.query('begin');
          await client.query('update bench_order set seq = seq + 1 where id = $1', [payload.orderId]);
          const [id] = await writer.append(client, { type, payload, correlationId: payload.orderId });
          await client.query('commit');
          notifier.notify();
          if (arrivedEarly.has(id!)) latencies.push(0);
          else committedAt.set(id!, performance.now());
        } finally {
          client.release();
        }
      }
    }),
  );
  await waitFor(() => latencies.length >= total, {
    timeoutMs: 60_000,
    description: `${total} latency samples`,
  });
  await consumer.disconnect();
  return latencies;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
