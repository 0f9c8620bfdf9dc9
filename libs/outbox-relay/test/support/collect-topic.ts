import { randomBytes } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';

/** One record as consumed. */
export interface Received {
  key: string;
  value: Buffer;
  headers: Record<string, string>;
  partition: number;
  offset: string;
  /** Milliseconds (performance.now) when the consumer saw it. */
  at: number;
}

/** Consumes a topic from the beginning into `records` until `stop()`. */
export async function collectTopic(
  kafka: Kafka,
  topic: string,
): Promise<{ records: Received[]; stop(): Promise<void> }> {
  const records: Received[] = [];
  const consumer: Consumer = kafka.consumer({
    groupId: `spec-${randomBytes(6).toString('hex')}`,
    sessionTimeout: 30_000,
    heartbeatInterval: 3000,
    maxWaitTimeInMs: 100,
    retry: { retries: 50, initialRetryTime: 100, maxRetryTime: 1000 },
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      const at = performance.now();
      for (const m of batch.messages) {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(m.headers ?? {})) if (v !== undefined) headers[k] = String(v);
        records.push({
          key: m.key!.toString(),
          value: m.value!,
          headers,
          partition: batch.partition,
          offset: m.offset,
          at,
        });
      }
    },
  });
  return { records, stop: () => consumer.disconnect() };
}

/** Records with duplicates (same message-id) removed, first occurrence kept. */
export function dedupe(records: readonly Received[]): Received[] {
  const seen = new Set<string>();
  return records.filter((r) => {
    const id = r.headers['message-id']!;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}
