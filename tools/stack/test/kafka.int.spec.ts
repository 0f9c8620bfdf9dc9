import { Kafka, logLevel, type Consumer, type EachMessagePayload } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { uniqueTopicName, waitFor } from '../src/index';

// Proves the broker tools/stack provides is a real Kafka that KafkaJS 2.2.4 drives fully:
// topic admin, the idempotent producer, consumer groups, committed offsets and rejoining.
describe('Kafka (real broker) with KafkaJS', () => {
  const { kafkaBrokers } = inject('stack');
  const kafka = new Kafka({ clientId: 'stack-kafka-spec', brokers: kafkaBrokers, logLevel: logLevel.WARN });
  const admin = kafka.admin();
  const topic = uniqueTopicName('stack.kafka-spec');
  const group = uniqueTopicName('stack-kafka-spec-group');
  const consumers: Consumer[] = [];

  beforeAll(async () => {
    await admin.connect();
  });
  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.disconnect()));
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  async function consumeInto(received: string[]): Promise<Consumer> {
    const consumer = kafka.consumer({ groupId: group, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ message, partition }: EachMessagePayload) => {
        received.push(message.value!.toString());
        await consumer.commitOffsets([
          { topic, partition, offset: (BigInt(message.offset) + 1n).toString() },
        ]);
      },
    });
    return consumer;
  }

  it('creates a topic with the partitions asked for', async () => {
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(metadata.topics[0]!.partitions).toHaveLength(3);
  });

  it('produces idempotently, consumes in a group, commits offsets and resumes after rejoining', async () => {
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const first = Array.from({ length: 30 }, (_, i) => `first-${i}`);
    await producer.send({
      topic,
      acks: -1,
      messages: first.map((value, i) => ({ key: `k${i % 5}`, value })),
    });

    const seenByFirst: string[] = [];
    const c1 = await consumeInto(seenByFirst);
    await waitFor(() => seenByFirst.length >= first.length, {
      timeoutMs: 30_000,
      description: 'first batch consumed',
    });
    expect([...seenByFirst].sort()).toEqual([...first].sort());
    await c1.disconnect();
    consumers.splice(consumers.indexOf(c1), 1);

    const offsets = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    const committed = offsets[0]!.partitions.reduce((sum, p) => sum + Number(p.offset), 0);
    expect(committed).toBe(first.length);

    const second = Array.from({ length: 10 }, (_, i) => `second-${i}`);
    await producer.send({
      topic,
      acks: -1,
      messages: second.map((value, i) => ({ key: `k${i % 5}`, value })),
    });
    await producer.disconnect();

    // Rejoining the same group starts from the committed offsets: only the new messages arrive.
    const seenAfterRejoin: string[] = [];
    await consumeInto(seenAfterRejoin);
    await waitFor(() => seenAfterRejoin.length >= second.length, {
      timeoutMs: 30_000,
      description: 'second batch consumed',
    });
    expect([...seenAfterRejoin].sort()).toEqual([...second].sort());
  });
});
