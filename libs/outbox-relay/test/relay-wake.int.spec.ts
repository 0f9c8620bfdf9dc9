import { uniqueTopicName, waitFor } from '@sagaflow/stack';
import { Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ensureTopics, OutboxNotifier, OutboxRelay, OutboxWriter } from '../src/index';
import { collectTopic } from './support/collect-topic';
import { createOutboxDatabase, type OutboxDatabase } from './support/outbox-database';
import { memoryLogger } from './support/quiet-logger';
import { specEventType } from './support/spec-types';

// The relay's poll is set to ten minutes here: a record that arrives within the test's deadline was
// published because something woke the relay, not because a poll came round.
describe('The relay is woken after a commit, by its own process or by a NOTIFY sent outside the transaction', () => {
  const stack = inject('stack');
  const kafka = new Kafka({
    clientId: 'relay-wake-spec',
    brokers: stack.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  const topic = uniqueTopicName('relay.wake');
  const type = specEventType(topic);
  const writer = new OutboxWriter({ source: 'spec-service' });
  let db: OutboxDatabase;
  let relay: OutboxRelay;
  let writerPool: Pool;

  beforeAll(async () => {
    db = await createOutboxDatabase(stack.databaseUrl, 'relay_wake');
    await ensureTopics(kafka, [{ topic, numPartitions: 1 }]);
    writerPool = new Pool({ connectionString: db.url, max: 2 });
    relay = new OutboxRelay({
      databaseUrl: db.url,
      brokers: stack.kafkaBrokers,
      codec: { kind: 'json' },
      catalog: [type],
      pollIntervalMs: 600_000,
      logger: memoryLogger(),
    });
    await relay.start();
    await waitFor(() => relay.isLeader(), { timeoutMs: 30_000, description: 'the relay to lead' });
  });
  afterAll(async () => {
    await relay?.stop();
    await writerPool?.end();
    await db?.drop();
  });

  async function commitOne(seq: number): Promise<void> {
    const client = await writerPool.connect();
    try {
      await client.query('begin');
      await writer.append(client, {
        type,
        payload: { aggregateId: 'a', seq, writer: 0 },
        correlationId: 'c',
      });
      await client.query('commit');
    } finally {
      client.release();
    }
  }

  it('publishes at once after wake() and after an OutboxNotifier NOTIFY, though the poll is ten minutes away', async () => {
    const seen = await collectTopic(kafka, topic);
    try {
      await commitOne(1);
      relay.wake();
      await waitFor(() => seen.records.length === 1, {
        timeoutMs: 20_000,
        description: 'the row woken in process',
      });

      const notifier = new OutboxNotifier(writerPool);
      await commitOne(2);
      notifier.notify();
      await waitFor(() => seen.records.length === 2, {
        timeoutMs: 20_000,
        description: 'the row woken by NOTIFY',
      });

      // no trigger notifies any more: a commit nobody announces waits for the poll
      await commitOne(3);
      const { rows } = await db.pool.query(
        `select count(*)::int as n from pg_trigger where tgrelid = 'sagaflow.outbox'::regclass and not tgisinternal`,
      );
      expect(rows[0].n).toBe(0);
      expect(seen.records.map((r) => JSON.parse(r.value.toString()).seq)).toEqual([1, 2]);
      relay.wake();
      await waitFor(() => seen.records.length === 3, { timeoutMs: 20_000, description: 'the third row' });
    } finally {
      await seen.stop();
    }
  });
});
