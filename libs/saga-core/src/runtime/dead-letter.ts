import {
  DeadLetterHeader,
  ensureTopics,
  type SagaflowError,
  type TopicCreation,
} from '@sagaflow/outbox-relay';
import type { IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs';

/** A consumed record, as the dispatcher hands it around. */
export interface ConsumedRecord {
  topic: string;
  partition: number;
  message: KafkaMessage;
}

/** The dead-letter topic of `topic`. */
export function deadLetterTopic(topic: string): string {
  return `${topic}.dlt`;
}

/**
 * Publishes records that failed every retry to `<topic>.dlt`: the original key, value and headers, plus
 * `DeadLetterHeader.*` (error code and message, original topic/partition/offset, consumer, attempts).
 * The topic is created on first use. Sent with the idempotent producer and acks from all replicas, so a
 * record is dead-lettered before its offset is committed, never instead.
 */
export class DeadLetterPublisher {
  private producer: Producer | undefined;
  private readonly ready = new Map<string, Promise<void>>();

  constructor(
    private readonly kafka: Kafka,
    /** How the dead-letter topics are created: partitions (a number, as before) or every topic setting. */
    topics: TopicCreation | number | undefined,
  ) {
    this.topics = typeof topics === 'number' ? { numPartitions: topics } : { ...topics };
  }

  private readonly topics: TopicCreation;

  /** @throws the broker's error; the caller retries, the record's offset is not committed before. */
  async publish(
    record: ConsumedRecord,
    consumer: string,
    error: SagaflowError,
    attempts: number,
  ): Promise<string> {
    const topic = deadLetterTopic(record.topic);
    await this.ensure(topic);
    const producer = await this.connected();
    const headers: IHeaders = {
      ...record.message.headers,
      [DeadLetterHeader.errorCode]: error.code,
      [DeadLetterHeader.errorMessage]: error.message.slice(0, 4000),
      [DeadLetterHeader.originalTopic]: record.topic,
      [DeadLetterHeader.originalPartition]: String(record.partition),
      [DeadLetterHeader.originalOffset]: record.message.offset,
      [DeadLetterHeader.consumer]: consumer,
      [DeadLetterHeader.attempts]: String(attempts),
      [DeadLetterHeader.failedAt]: new Date().toISOString(),
    };
    await producer.send({
      topic,
      acks: -1,
      messages: [{ key: record.message.key, value: record.message.value, headers }],
    });
    return topic;
  }

  async close(): Promise<void> {
    const p = this.producer;
    this.producer = undefined;
    await p?.disconnect();
  }

  private ensure(topic: string): Promise<void> {
    let p = this.ready.get(topic);
    if (!p) {
      p = ensureTopics(this.kafka, [{ topic, ...this.topics }]);
      p.catch(() => this.ready.delete(topic));
      this.ready.set(topic, p);
    }
    return p;
  }

  private async connected(): Promise<Producer> {
    if (!this.producer) {
      const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      this.producer = producer;
    }
    return this.producer;
  }
}
