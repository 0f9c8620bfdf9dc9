import type { Producer, TopicMessages } from 'kafkajs';
import { SagaflowError } from '../errors/sagaflow-error';
import type { EncodedMessage } from './encode-batch';

/**
 * Sends a batch as one `sendBatch` with acks from all in-sync replicas. Records keep their batch order
 * within each topic, and so within each partition, which is what per-key order needs.
 * @throws SagaflowError BROKER_UNAVAILABLE (retriable) when Kafka did not acknowledge everything.
 */
export async function publishBatch(producer: Producer, messages: readonly EncodedMessage[]): Promise<void> {
  if (messages.length === 0) return;
  const byTopic = new Map<string, TopicMessages>();
  for (const { row, message } of messages) {
    let group = byTopic.get(row.topic);
    if (!group) {
      group = { topic: row.topic, messages: [] };
      byTopic.set(row.topic, group);
    }
    group.messages.push(message);
  }
  try {
    await producer.sendBatch({ topicMessages: [...byTopic.values()], acks: -1 });
  } catch (cause) {
    throw new SagaflowError(
      'BROKER_UNAVAILABLE',
      `Kafka did not acknowledge a batch of ${messages.length} messages: ${(cause as Error).message}`,
      { retriable: true, cause, context: { topics: [...byTopic.keys()] } },
    );
  }
}
