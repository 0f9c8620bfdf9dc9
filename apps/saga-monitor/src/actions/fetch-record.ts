import { randomUUID } from 'node:crypto';
import type { IHeaders, Kafka } from 'kafkajs';
import { ActionRefused } from './action-request';

/** The parts of a record a retry republishes. */
export interface FetchedRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers: IHeaders;
}

/**
 * Reads the one record at `topic`/`partition`/`offset` from Kafka, with a throw-away consumer that
 * commits nothing (the monitor's projection keeps only the decoded form; a retry needs the exact bytes).
 * @throws ActionRefused 503 when the record cannot be read in `timeoutMs` (gone by retention, broker down).
 */
export async function fetchRecord(
  kafka: Kafka,
  at: { topic: string; partition: number; offset: string },
  timeoutMs = 30_000,
): Promise<FetchedRecord> {
  const consumer = kafka.consumer({
    groupId: `sagaflow-monitor-fetch-${randomUUID()}`,
    // one record is wanted: no need to fill a large fetch buffer
    maxBytesPerPartition: 4 * 1024 * 1024,
  });
  await consumer.connect();
  try {
    return await new Promise<FetchedRecord>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new ActionRefused(
              503,
              `could not read ${at.topic}/${at.partition}/${at.offset} from Kafka within ${timeoutMs} ms (deleted by retention?)`,
            ),
          ),
        timeoutMs,
      );
      const start = async () => {
        await consumer.subscribe({ topic: at.topic, fromBeginning: false });
        await consumer.run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            if (partition !== at.partition || message.offset !== at.offset) return;
            clearTimeout(timer);
            resolve({ key: message.key, value: message.value, headers: message.headers ?? {} });
          },
        });
        consumer.seek({ topic: at.topic, partition: at.partition, offset: at.offset });
      };
      start().catch((error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      });
    });
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
}
