import { uniqueTopicName, waitFor } from '@sagaflow/stack';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AvroRegistryCodec, ensureTopics, OutboxRelay, OutboxWriter } from '../src/index';
import { collectTopic, dedupe } from './support/collect-topic';
import { createOutboxDatabase, type OutboxDatabase } from './support/outbox-database';
import { memoryLogger } from './support/quiet-logger';
import { specEventType, type SpecEvent } from './support/spec-types';
import { createAggregates, writeOne } from './support/write-with-lock';

const writers = 16;
const perWriter = 2000;
const aggregates = 128;
const perTransaction = 2;

describe('Nothing lost, order per key: 16 concurrent writers with random commit delays', () => {
  const stack = inject('stack');
  const kafka = new Kafka({
    clientId: 'relay-order-spec',
    brokers: stack.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  const topic = uniqueTopicName('relay.order');
  const type = specEventType(topic);
  let db: OutboxDatabase;
  let relay: OutboxRelay;

  beforeAll(async () => {
    db = await createOutboxDatabase(stack.databaseUrl, 'relay_order');
    await ensureTopics(kafka, [{ topic, numPartitions: 6 }]);
  });
  afterAll(async () => {
    await relay?.stop();
    await db?.drop();
  });

  it(`publishes all ${writers * perWriter} messages, each key in commit order, none missing after de-duplication by message-id`, async () => {
    const ids = await createAggregates(db.pool, aggregates);
    relay = new OutboxRelay({
      databaseUrl: db.url,
      brokers: stack.kafkaBrokers,
      codec: { kind: 'avro', registryUrl: stack.schemaRegistryUrl },
      catalog: [type],
      logger: memoryLogger(),
      createTopics: false,
      batchSize: 500,
    });
    await relay.start();
    const consumer = await collectTopic(kafka, topic);
    try {
      const writer = new OutboxWriter({ source: 'order-spec' });
      await Promise.all(
        Array.from({ length: writers }, async (_, w) => {
          for (let i = 0; i < perWriter; i += perTransaction) {
            const aggregateId = ids[Math.floor(Math.random() * ids.length)]!;
            await writeOne(db.pool, writer, type, aggregateId, w, perTransaction, 3);
          }
        }),
      );
      const total = writers * perWriter;
      await waitFor(() => dedupe(consumer.records).length >= total, {
        timeoutMs: 120_000,
        intervalMs: 250,
        description: `${total} distinct messages consumed`,
      });

      const codec = new AvroRegistryCodec({ registryUrl: stack.schemaRegistryUrl });
      const unique = dedupe(consumer.records);
      expect(unique).toHaveLength(total);
      const seqsByKey = new Map<string, number[]>();
      for (const r of unique) {
        const event = (await codec.decode(r.value, type)) as SpecEvent;
        expect(r.key).toBe(event.aggregateId);
        const list = seqsByKey.get(r.key) ?? [];
        list.push(event.seq);
        seqsByKey.set(r.key, list);
      }
      const { rows } = await db.pool.query<{ id: string; seq: number }>('select id, seq from spec_aggregate');
      for (const { id, seq } of rows) {
        // every committed event of the key, in commit order: exactly 1, 2, …, seq
        expect(seqsByKey.get(id) ?? [], `order of key ${id}`).toEqual(
          Array.from({ length: seq }, (_, i) => i + 1),
        );
      }
    } finally {
      await consumer.stop();
    }
  }, 240_000);
});
