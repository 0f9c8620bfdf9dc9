import { uniqueTopicName, waitFor } from '@sagaflow/stack';
import { Kafka, logLevel } from 'kafkajs';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  AvroRegistryCodec,
  ContentType,
  ensureTopics,
  newMessageId,
  OutboxRelay,
  OutboxWriter,
} from '../src/index';
import { collectTopic } from './support/collect-topic';
import { createOutboxDatabase, type OutboxDatabase } from './support/outbox-database';
import { memoryLogger } from './support/quiet-logger';
import { specEventType, type SpecEvent } from './support/spec-types';

describe('OutboxRelay publishes what the writer committed', () => {
  const stack = inject('stack');
  const kafka = new Kafka({
    clientId: 'relay-publishes-spec',
    brokers: stack.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  const topic = uniqueTopicName('relay.publishes');
  const type = specEventType(topic);
  const writer = new OutboxWriter({ source: 'spec-service' });
  let db: OutboxDatabase;
  let relay: OutboxRelay;

  beforeAll(async () => {
    db = await createOutboxDatabase(stack.databaseUrl, 'relay_publishes');
    await ensureTopics(kafka, [{ topic, numPartitions: 3 }]);
  });
  afterAll(async () => {
    await relay?.stop();
    await db?.drop();
  });

  it('sends committed rows with the contract headers and Avro values, never rolled-back ones, and marks them', async () => {
    const tx = await db.pool.connect();
    const causationId = newMessageId();
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    let committedIds: string[];
    try {
      await tx.query('begin');
      committedIds = await writer.append(
        tx,
        [1, 2, 3].map((seq) => ({
          type,
          payload: { aggregateId: 'a-1', seq, writer: 0 },
          correlationId: 'saga-1',
          causationId,
          sagaType: 'SpecSaga',
          traceparent,
          occurredAt: new Date('2025-01-02T03:04:05.678Z'),
        })),
      );
      await tx.query('commit');
      await tx.query('begin');
      await writer.append(tx, {
        type,
        payload: { aggregateId: 'a-2', seq: 1, writer: 0 },
        correlationId: 'saga-2',
      });
      await tx.query('rollback');
    } finally {
      tx.release();
    }

    const metricsRegistry = new Registry();
    relay = new OutboxRelay({
      databaseUrl: db.url,
      brokers: stack.kafkaBrokers,
      codec: { kind: 'avro', registryUrl: stack.schemaRegistryUrl },
      catalog: [type],
      logger: memoryLogger(),
      metricsRegistry,
      createTopics: false,
      retentionMs: 60_000, // mark instead of delete, so the rows can be checked
    });
    await relay.start();
    const consumer = await collectTopic(kafka, topic);
    try {
      await waitFor(() => consumer.records.length >= 3, {
        timeoutMs: 30_000,
        description: '3 records consumed',
      });
      const codec = new AvroRegistryCodec({ registryUrl: stack.schemaRegistryUrl });
      const payloads: SpecEvent[] = [];
      for (const r of consumer.records) payloads.push((await codec.decode(r.value, type)) as SpecEvent);
      expect(payloads.map((p) => p.seq)).toEqual([1, 2, 3]);
      expect(consumer.records.map((r) => r.headers['message-id'])).toEqual(committedIds);
      expect(consumer.records[0]!.key).toBe('a-1');
      expect(consumer.records[0]!.headers).toEqual({
        'message-id': committedIds[0],
        'message-type': type.name,
        'correlation-id': 'saga-1',
        'causation-id': causationId,
        'saga-type': 'SpecSaga',
        source: 'spec-service',
        'occurred-at': '2025-01-02T03:04:05.678Z',
        // the message's own span in its cause's trace (decision 0084): same trace id, a new span id
        traceparent: expect.stringMatching(
          new RegExp(`^00-${traceparent.slice(3, 35)}-(?!${traceparent.slice(36, 52)})[0-9a-f]{16}-01$`),
        ),
        'content-type': ContentType.avro,
      });
      await waitFor(
        async () =>
          (await db.pool.query('select count(*)::int as n from sagaflow.outbox where published_at is null'))
            .rows[0].n === 0,
        { timeoutMs: 10_000, description: 'rows marked published' },
      );
      expect(relay.isLeader()).toBe(true);
      const metrics = await metricsRegistry.metrics();
      expect(metrics).toContain(`sagaflow_outbox_published_total{topic="${topic}"} 3`);
      expect(metrics).toContain('sagaflow_outbox_pending_rows 0');
      expect(metrics).toContain('sagaflow_outbox_relay_leader 1');
      // nothing else arrives: the rolled-back message was never in the outbox
      const records = await db.pool.query('select count(*)::int as n from sagaflow.outbox');
      expect(records.rows[0].n).toBe(3);
      expect(consumer.records).toHaveLength(3);
    } finally {
      await consumer.stop();
    }
  });
});
