import { startIsolatedKafka, uniqueTopicName, waitFor, type IsolatedKafka } from '@sagaflow/stack';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ensureTopics, OutboxRelay, OutboxWriter } from '../src/index';
import { collectTopic, dedupe } from './support/collect-topic';
import { createOutboxDatabase, type OutboxDatabase } from './support/outbox-database';
import { memoryLogger } from './support/quiet-logger';
import { specEventType } from './support/spec-types';
import { createAggregates, writeOne } from './support/write-with-lock';

// The outage happens on a broker of this suite's own: the shared one keeps serving every other suite.
describe('Nothing lost when the broker goes away', () => {
  const stack = inject('stack');
  let broker: IsolatedKafka;
  let kafka: Kafka;
  const topic = uniqueTopicName('relay.outage');
  const type = specEventType(topic);
  const writer = new OutboxWriter({ source: 'outage-spec' });
  let db: OutboxDatabase;
  let relay: OutboxRelay;

  beforeAll(async () => {
    broker = await startIsolatedKafka();
    kafka = new Kafka({ clientId: 'relay-outage-spec', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    db = await createOutboxDatabase(stack.databaseUrl, 'relay_outage');
    await ensureTopics(kafka, [{ topic, numPartitions: 3 }]);
  });
  afterAll(async () => {
    await relay?.stop();
    await db?.drop();
    await broker?.close();
  });

  it('Nothing lost: with the broker stopped and restarted mid-stream, business writes continue and publishing resumes by itself', async () => {
    const ids = await createAggregates(db.pool, 10);
    let failures = 0;
    relay = new OutboxRelay({
      databaseUrl: db.url,
      brokers: broker.brokers,
      codec: { kind: 'json' },
      catalog: [type],
      logger: memoryLogger(),
      createTopics: false,
      backoff: { initialMs: 100, maxMs: 1000 },
      sendRetries: 1,
    });
    relay.events.on('publish.failed', () => failures++);
    await relay.start();
    const write = async (n: number) => {
      for (let i = 0; i < n; i++) await writeOne(db.pool, writer, type, ids[i % ids.length]!, 0, 1, 0);
    };
    const consumer = await collectTopic(kafka, topic);
    try {
      await write(100);
      await waitFor(() => dedupe(consumer.records).length >= 100, {
        timeoutMs: 30_000,
        description: '100 before',
      });

      try {
        await broker.stop();
        // business writes do not need the broker
        await write(100);
        await waitFor(() => failures > 0, {
          timeoutMs: 30_000,
          description: 'the relay to notice the outage',
        });
      } finally {
        await broker.start();
      }
      await write(100);
      await waitFor(() => dedupe(consumer.records).length >= 300, {
        timeoutMs: 90_000,
        intervalMs: 250,
        description: '300 distinct messages after the broker came back',
      });
      const byKey = new Map<string, number[]>();
      for (const r of dedupe(consumer.records)) {
        byKey.set(r.key, [
          ...(byKey.get(r.key) ?? []),
          (JSON.parse(r.value.toString()) as { seq: number }).seq,
        ]);
      }
      for (const id of ids) expect(byKey.get(id)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      const pending = await db.pool.query(
        'select count(*)::int as n from sagaflow.outbox where published_at is null',
      );
      await waitFor(
        async () =>
          (await db.pool.query('select count(*)::int as n from sagaflow.outbox where published_at is null'))
            .rows[0].n === 0,
        { timeoutMs: 10_000, description: `rows marked (were ${pending.rows[0].n})` },
      );
    } finally {
      await consumer.stop();
    }
  }, 240_000);
});
