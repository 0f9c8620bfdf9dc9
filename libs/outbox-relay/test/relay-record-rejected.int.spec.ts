import { uniqueTopicName, waitFor } from '@sagaflow/stack';
import { Kafka, logLevel } from 'kafkajs';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  defineMessage,
  ensureTopics,
  JsonCodec,
  listSetAside,
  MessageValidationError,
  OutboxRelay,
  OutboxWriter,
  type OutboxEntry,
} from '../src/index';
import { collectTopic, dedupe, type Received } from './support/collect-topic';
import { createOutboxDatabase, type OutboxDatabase } from './support/outbox-database';
import { memoryLogger } from './support/quiet-logger';

interface Blob {
  id: string;
  seq: number;
  blob: string;
}

describe('A record Kafka refuses is set aside: only its key waits (issue 11 item 1)', () => {
  const stack = inject('stack');
  const kafka = new Kafka({
    clientId: 'relay-rejected-spec',
    brokers: stack.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  const topic = uniqueTopicName('relay.rejected');
  const type = defineMessage<Blob>({
    topic,
    kind: 'event',
    key: (e) => e.id,
    schema: {
      type: 'record',
      namespace: `spec.${topic.replace(/[^a-zA-Z0-9]/g, '_')}`,
      name: 'Blob',
      fields: [
        { name: 'id', type: 'string' },
        { name: 'seq', type: 'int' },
        { name: 'blob', type: 'string' },
      ],
    },
  });
  const entry = (id: string, seq: number, bytes = 10): OutboxEntry<Blob> => ({
    type,
    payload: { id, seq, blob: 'x'.repeat(bytes) },
    correlationId: id,
  });
  let db: OutboxDatabase;
  let relay: OutboxRelay | undefined;

  beforeAll(async () => {
    db = await createOutboxDatabase(stack.databaseUrl, 'relay_rejected');
    // the broker's default limit (message.max.bytes, 1,048,588) applies to this topic
    await ensureTopics(kafka, [{ topic, numPartitions: 2 }]);
  });
  afterAll(async () => {
    await relay?.stop();
    await db?.drop();
  });

  const write = async (writer: OutboxWriter, entries: OutboxEntry<Blob>[]) => {
    const client = await db.pool.connect();
    try {
      await client.query('begin');
      await writer.append(client, entries);
      await client.query('commit');
    } finally {
      client.release();
    }
  };
  const seqs = (records: Received[], key: string) =>
    dedupe(records)
      .filter((r) => r.key === key)
      .map((r) => (JSON.parse(r.value.toString()) as Blob).seq);

  it('the writer refuses a payload over its limit, naming the type and the size', async () => {
    const writer = new OutboxWriter({ source: 'rejected-spec' });
    const client = await db.pool.connect();
    try {
      const error = await writer.append(client, entry('A', 1, 1_200_000)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MessageValidationError);
      expect((error as MessageValidationError).fields).toEqual(['payload']);
      expect((error as Error).message).toMatch(
        /\(spec\.[\w.]+\.Blob\): payload is 120\d{4} bytes as Avro, over the 1000000-byte limit/,
      );
      expect((await db.pool.query('select count(*)::int as n from sagaflow.outbox')).rows[0].n).toBe(0);
    } finally {
      client.release();
    }
  });

  it('a 1.2 MB row for key A is set aside with the broker’s reason; key B and later batches flow', async () => {
    // a writer allowed more than the broker takes, as when a topic's limit was lowered behind its back
    const generous = new OutboxWriter({ source: 'rejected-spec', maxMessageBytes: 2_000_000 });
    // one batch: B 1, A 1 (too large), B 2, A 2 (held back behind A 1), B 3
    await write(generous, [
      entry('B', 1),
      entry('A', 1, 1_200_000),
      entry('B', 2),
      entry('A', 2),
      entry('B', 3),
    ]);
    const registry = new Registry();
    relay = new OutboxRelay({
      databaseUrl: db.url,
      brokers: stack.kafkaBrokers,
      codec: new JsonCodec(),
      catalog: [type],
      logger: memoryLogger(),
      metricsRegistry: registry,
      createTopics: false,
      // the whole backlog in one byte-capped batch, so the refused record is in a batch with others
      maxBatchBytes: 5_000_000,
    });
    const consumer = await collectTopic(kafka, topic);
    try {
      await relay.start();
      // the relay sets the refused row aside after the records around it were sent: wait for both
      const [row, ...others] = await waitFor(
        async () => {
          const aside = await listSetAside(db.pool);
          return seqs(consumer.records, 'B').length === 3 && aside.length > 0 && aside;
        },
        { timeoutMs: 30_000, description: 'key B sent and key A set aside' },
      );
      expect(others).toEqual([]);
      expect(row).toMatchObject({ key: 'A', messageType: type.name, errorCode: 'RECORD_REJECTED' });
      expect(row!.errorMessage).toMatch(/MESSAGE_TOO_LARGE/);
      expect(row!.errorMessage).toMatch(/key A, 120\d{4} bytes/);

      // the relay is not wedged: later rows of B flow, A's wait behind its refused row
      await write(generous, [entry('B', 4), entry('A', 3)]);
      relay.wake();
      await waitFor(() => seqs(consumer.records, 'B').length === 4, {
        timeoutMs: 30_000,
        description: 'B 4',
      });
      expect(seqs(consumer.records, 'B')).toEqual([1, 2, 3, 4]);
      expect(seqs(consumer.records, 'A')).toEqual([]);
      expect(await registry.metrics()).toContain('sagaflow_outbox_errors_total{code="RECORD_REJECTED"} 1');

      // the operator removes the refused row: A goes on in order
      await db.pool.query(`delete from sagaflow.outbox where message_key = 'A' and failed_at is not null`);
      await relay.retrySetAside();
      await waitFor(() => seqs(consumer.records, 'A').length === 2, {
        timeoutMs: 30_000,
        description: 'A 2, 3',
      });
      expect(seqs(consumer.records, 'A')).toEqual([2, 3]);
    } finally {
      await consumer.stop();
    }
  });
});
