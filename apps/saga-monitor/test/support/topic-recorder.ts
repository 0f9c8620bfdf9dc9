import { newMessageId } from '@sagaflow/outbox-relay';
import { waitFor } from '@sagaflow/stack';
import type { Consumer, IHeaders, Kafka } from 'kafkajs';

/** One record seen by a {@link TopicRecorder}. */
export interface SeenRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

/** Reads topics from their beginning into memory, so a test can wait for a record to arrive. */
export class TopicRecorder {
  readonly records: SeenRecord[] = [];
  private consumer: Consumer | undefined;

  constructor(private readonly kafka: Kafka) {}

  /** Starts consuming `topics` (each must exist) and waits until the group has its partitions. */
  async start(topics: string[]): Promise<void> {
    const consumer = this.kafka.consumer({ groupId: `recorder-${newMessageId()}` });
    this.consumer = consumer;
    await consumer.connect();
    let joined = false;
    consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        this.records.push({
          topic,
          partition,
          offset: message.offset,
          key: message.key?.toString() ?? null,
          value: message.value,
          headers: stringHeaders(message.headers),
        });
      },
    });
    await waitFor(async () => joined, { timeoutMs: 30_000, description: 'recorder joined its group' });
  }

  /** Waits for a record that `match` accepts. */
  async next(
    description: string,
    match: (r: SeenRecord) => boolean,
    timeoutMs = 30_000,
  ): Promise<SeenRecord> {
    return waitFor(async () => this.records.find(match), { timeoutMs, description });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}

function stringHeaders(h: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h ?? {})) {
    const first = Array.isArray(v) ? v[0] : v;
    if (first !== undefined) out[k] = first.toString();
  }
  return out;
}
