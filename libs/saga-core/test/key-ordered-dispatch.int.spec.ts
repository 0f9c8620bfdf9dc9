import { setImmediate as yieldTurn } from 'node:timers/promises';
import { ensureTopics } from '@sagaflow/outbox-relay';
import { uniqueTopicName, waitFor } from '@sagaflow/stack';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { keyOrderedBatchHandler } from '../src/runtime/key-ordered-dispatcher';
import { memoryLogger } from './sample-app/services';
import './support/provided-context';

describe('Order (guarantee 3): one key in order, also across retries, different keys concurrently, offsets only after', () => {
  const stack = inject('stack');
  const kafka = new Kafka({
    clientId: 'saga-core-dispatch-spec',
    brokers: stack.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  const topic = uniqueTopicName('sagacore.dispatch');
  const groupId = uniqueTopicName('sagacore-dispatch');
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000 });

  afterAll(async () => {
    await consumer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('handles one partition with bounded parallelism across keys, strictly in order per key, and commits every offset', async () => {
    await ensureTopics(kafka, [{ topic, numPartitions: 1 }]);
    const keys = Array.from({ length: 12 }, (_, i) => `k${i}`);
    const total = 240;
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: Array.from({ length: total }, (_, i) => ({ key: keys[i % keys.length], value: String(i) })),
    });
    await producer.disconnect();

    const seen = new Map<string, number[]>();
    const failedOnce = new Set<string>();
    let inFlight = 0;
    let maxInFlight = 0;
    let handled = 0;
    const concurrency = 4;
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: keyOrderedBatchHandler({
        concurrency,
        heartbeatIntervalMs: 1_000,
        logger: memoryLogger(),
        commit: (t, partition, offset) => consumer.commitOffsets([{ topic: t, partition, offset }]),
        handle: async ({ message }) => {
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          const value = Number(message.value!.toString());
          // every 7th message fails twice before it succeeds: the key's later messages must wait for it
          for (
            let attempt = 0;
            value % 7 === 0 && !failedOnce.has(`${value}:${attempt}`) && attempt < 2;
            attempt++
          ) {
            failedOnce.add(`${value}:${attempt}`);
            await yieldTurn();
          }
          await yieldTurn();
          const key = message.key!.toString();
          seen.set(key, [...(seen.get(key) ?? []), value]);
          handled++;
          inFlight--;
        },
      }),
    });
    await waitFor(() => handled >= total, { timeoutMs: 60_000, description: 'every message handled' });
    for (const [key, values] of seen) expect(values, key).toEqual([...values].sort((a, b) => a - b));
    expect(maxInFlight).toBeGreaterThan(1);
    expect(maxInFlight).toBeLessThanOrEqual(concurrency);
    const admin = kafka.admin();
    await admin.connect();
    await waitFor(
      async () => {
        const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
        return Number(offsets[0]!.partitions[0]!.offset) === total;
      },
      { timeoutMs: 30_000, description: 'the committed offset to reach the end' },
    );
    await admin.disconnect();
  });
});
