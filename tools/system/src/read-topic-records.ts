import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { waitFor } from '@sagaflow/stack';
import type { TopicRecord } from './key-order';

/**
 * Reads every record of `topics` from the beginning up to their end offsets at the time of the call
 * (a throw-away consumer group), headers and keys only. For checks made after a run, not for a live view.
 * @throws Error when the records are not all read within `timeoutMs`.
 */
export async function readTopicRecords(
  brokers: readonly string[],
  topics: readonly string[],
  timeoutMs = 60_000,
): Promise<TopicRecord[]> {
  const kafka = new Kafka({
    clientId: 'sagaflow-system-check',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<string, bigint>();
  try {
    for (const topic of topics)
      for (const p of await admin.fetchTopicOffsets(topic))
        if (BigInt(p.high) > BigInt(p.low)) ends.set(`${topic}/${p.partition}`, BigInt(p.high));
  } finally {
    await admin.disconnect();
  }
  const records: TopicRecord[] = [];
  if (ends.size === 0) return records;
  const consumer = kafka.consumer({ groupId: `sagaflow-system-check-${randomBytes(4).toString('hex')}` });
  const remaining = new Set(ends.keys());
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const header = (name: string) => message.headers?.[name]?.toString() ?? '';
        records.push({
          topic,
          partition,
          offset: message.offset,
          key: message.key?.toString() ?? '',
          messageId: header('message-id'),
          messageType: header('message-type'),
          occurredAt: header('occurred-at'),
        });
        const id = `${topic}/${partition}`;
        if (BigInt(message.offset) + 1n >= (ends.get(id) ?? 0n)) remaining.delete(id);
      },
    });
    await waitFor(() => remaining.size === 0, {
      timeoutMs,
      intervalMs: 200,
      description: `every record of ${topics.join(', ')} to be read`,
    });
  } finally {
    await consumer.disconnect();
  }
  return records;
}
