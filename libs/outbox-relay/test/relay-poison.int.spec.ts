import { uniqueTopicName, waitFor } from '@sagaflow/stack';
import { Kafka, logLevel } from 'kafkajs';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  defineMessage,
  ensureTopics,
  JsonCodec,
  listSetAside,
  OutboxRelay,
  OutboxWriter,
  type RelayEventMap,
} from '../src/index';
import { collectTopic, dedupe, type Received } from './support/collect-topic';
import { createOutboxDatabase, type OutboxDatabase } from './support/outbox-database';
import { memoryLogger } from './support/quiet-logger';
import { specEventType, type SpecEvent } from './support/spec-types';

describe('Poison messages never block other keys: a row that cannot be encoded is set aside', () => {
  const stack = inject('stack');
  const kafka = new Kafka({
    clientId: 'relay-poison-spec',
    brokers: stack.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  const topic = uniqueTopicName('relay.poison');
  const known = specEventType(topic);
  // the writer knows this type, the first relay's catalog does not: its rows cannot be encoded there
  const unknown = defineMessage<SpecEvent>({
    ...known,
    schema: { ...known.schema, name: 'UnknownToRelay' },
  });
  const writer = new OutboxWriter({ source: 'poison-spec' });
  let db: OutboxDatabase;
  const relays: OutboxRelay[] = [];

  beforeAll(async () => {
    db = await createOutboxDatabase(stack.databaseUrl, 'relay_poison');
    await ensureTopics(kafka, [{ topic, numPartitions: 2 }]);
  });
  afterAll(async () => {
    await Promise.all(relays.map((r) => r.stop()));
    await db?.drop();
  });

  const event = (type: typeof known, aggregateId: string, seq: number) => ({
    type,
    payload: { aggregateId, seq, writer: 0 },
    correlationId: aggregateId,
  });
  const seqs = (records: Received[], key: string) =>
    dedupe(records)
      .filter((r) => r.key === key)
      .map((r) => (JSON.parse(r.value.toString()) as SpecEvent).seq);

  it('holds back only its own key, reports the error, and publishes the key in order once the type is known', async () => {
    const write = async (entries: ReturnType<typeof event>[]) => {
      const client = await db.pool.connect();
      try {
        await writer.append(client, entries);
      } finally {
        client.release();
      }
    };
    await write([event(known, 'stuck', 1), event(unknown, 'stuck', 2), event(known, 'stuck', 3)]);
    await write([event(known, 'free', 1), event(known, 'free', 2)]);

    const registry = new Registry();
    const setAside: RelayEventMap['message.set_aside'][] = [];
    const first = new OutboxRelay({
      databaseUrl: db.url,
      brokers: stack.kafkaBrokers,
      codec: new JsonCodec(),
      catalog: [known],
      logger: memoryLogger(),
      metricsRegistry: registry,
      createTopics: false,
    });
    relays.push(first);
    first.events.on('message.set_aside', (e) => setAside.push(e));
    await first.start();
    const consumer = await collectTopic(kafka, topic);
    try {
      await waitFor(() => seqs(consumer.records, 'free').length === 2, {
        timeoutMs: 30_000,
        description: 'free key',
      });
      // written after the poison row: once these arrive, `stuck` 3 would have too if it were not held back
      await write([event(known, 'free', 3)]);
      await waitFor(() => seqs(consumer.records, 'free').length === 3, {
        timeoutMs: 30_000,
        description: 'free 3',
      });
      expect(seqs(consumer.records, 'stuck')).toEqual([1]);

      const [row] = await listSetAside(db.pool);
      expect(row).toMatchObject({
        key: 'stuck',
        messageType: unknown.name,
        errorCode: 'UNKNOWN_MESSAGE_TYPE',
      });
      expect(row!.errorMessage).toContain(unknown.name);
      expect(setAside.map((e) => e.messageType)).toEqual([unknown.name]);
      const metrics = await registry.metrics();
      expect(metrics).toContain('sagaflow_outbox_errors_total{code="UNKNOWN_MESSAGE_TYPE"} 1');
      expect(metrics).toContain('sagaflow_outbox_set_aside_rows 1');

      // the fix is deployed: a relay that knows the type takes over and retries the set-aside row first
      await first.stop();
      const fixed = new OutboxRelay({
        databaseUrl: db.url,
        brokers: stack.kafkaBrokers,
        codec: new JsonCodec(),
        catalog: [known, unknown],
        logger: memoryLogger(),
        createTopics: false,
      });
      relays.push(fixed);
      await fixed.start();
      await waitFor(() => seqs(consumer.records, 'stuck').length === 3, {
        timeoutMs: 30_000,
        description: 'stuck',
      });
      expect(seqs(consumer.records, 'stuck')).toEqual([1, 2, 3]);
      expect(await listSetAside(db.pool)).toEqual([]);
    } finally {
      await consumer.stop();
    }
  });

  it('a key whose poison row an operator deletes resumes while a backlog of other keys is still draining', async () => {
    const held = uniqueTopicName('held');
    const loadTopic = uniqueTopicName('relay.poison-load');
    await ensureTopics(kafka, [{ topic: loadTopic, numPartitions: 2 }]);
    const load = specEventType(loadTopic);
    // a database of its own: the first test's relay still leads the suite's database
    const own = await createOutboxDatabase(stack.databaseUrl, 'relay_poison_load');
    const client = await own.pool.connect();
    try {
      await writer.append(client, [event(known, held, 1), event(unknown, held, 2), event(known, held, 3)]);
    } finally {
      client.release();
    }
    const relay = new OutboxRelay({
      databaseUrl: own.url,
      brokers: stack.kafkaBrokers,
      codec: new JsonCodec(),
      catalog: [known, load],
      logger: memoryLogger(),
      pollIntervalMs: 200,
      createTopics: false,
    });
    relays.push(relay);
    const consumer = await collectTopic(kafka, topic);
    const loaded = await collectTopic(kafka, loadTopic);
    try {
      await relay.start();
      await waitFor(async () => (await listSetAside(own.pool)).some((r) => r.key === held), {
        timeoutMs: 30_000,
        description: 'the poison row set aside',
      });
      // a backlog the relay needs many batches for: it is never idle while it drains
      const backlog = 60_000;
      const bulk = await own.pool.connect();
      try {
        await bulk.query('begin');
        for (let i = 0; i < backlog; i += 5000)
          await writer.append(
            bulk,
            Array.from({ length: 5000 }, (_, j) => event(load, `load-${(i + j) % 97}`, i + j)),
          );
        await bulk.query('commit');
      } finally {
        bulk.release();
      }
      relay.wake();
      await waitFor(() => loaded.records.length > 0, {
        timeoutMs: 30_000,
        description: 'the backlog draining',
      });
      // the operator removes the poison row by hand, as the guide allows
      await own.pool.query(`delete from sagaflow.outbox where message_key = $1 and failed_at is not null`, [
        held,
      ]);
      await waitFor(() => seqs(consumer.records, held).includes(3), {
        timeoutMs: 60_000,
        description: `${held} 3 after the poison row was deleted`,
      });
      expect(seqs(consumer.records, held)).toEqual([1, 3]);
      // published before the backlog was through: the relay re-read its set-aside list under load
      expect(dedupe(loaded.records).length).toBeLessThan(backlog);
    } finally {
      await consumer.stop();
      await loaded.stop();
      await relay.stop();
      await own.drop();
    }
  });
});
