import {
  fromKafkaHeaders,
  isUuid,
  SagaflowError,
  type MessageCatalog,
  type MessageHeaders,
  type MessageType,
} from '@sagaflow/outbox-relay';
import type { KafkaMessage } from 'kafkajs';
import type { RecordConsumer } from '../runtime/record-consumer';

/** What the headers of a record say the service must do with it, decided before any decoding. */
export type RecordVerdict =
  /** Another service's event type on a shared topic: counted, and its offset moves with the batch. */
  | { kind: 'skip'; headers: MessageHeaders }
  /** Dead-lettered at once: the record cannot be handled however often it is tried. */
  | { kind: 'invalid'; headers: MessageHeaders | undefined; error: SagaflowError }
  /** To decode and apply, by these consumers. */
  | { kind: 'wanted'; headers: MessageHeaders; type: MessageType; consumers: readonly RecordConsumer[] };

/**
 * Reads a record's contract headers and decides from them alone whether the service wants it, so records
 * no consumer wants cost no Avro decoding and no transaction. A command nobody handles is dead-lettered,
 * never acknowledged silently.
 */
export function readRecord(
  message: KafkaMessage,
  topic: string,
  service: string,
  consumers: ReadonlyMap<string, readonly RecordConsumer[]>,
  catalog: MessageCatalog,
): RecordVerdict {
  const parsed = fromKafkaHeaders(message.headers);
  if (!parsed.ok) return invalid(undefined, `record misses the headers ${parsed.missing.join(', ')}`);
  const headers = parsed.headers;
  if (!isUuid(headers.messageId))
    return invalid(headers, `message-id ${JSON.stringify(headers.messageId)} is not a UUID`);
  const wanting = consumers.get(headers.messageType) ?? [];
  const type = catalog.find(headers.messageType);
  if (wanting.length === 0 || !type) {
    if (type?.kind === 'command' || topic.endsWith('.commands')) {
      return {
        kind: 'invalid',
        headers,
        error: new SagaflowError(
          'UNKNOWN_MESSAGE_TYPE',
          `service ${service} has no handler for command ${headers.messageType} on ${topic}`,
          { context: { messageType: headers.messageType } },
        ),
      };
    }
    return { kind: 'skip', headers };
  }
  if (!message.value) return invalid(headers, 'record has no value');
  return { kind: 'wanted', headers, type, consumers: wanting };
}

function invalid(headers: MessageHeaders | undefined, message: string): RecordVerdict {
  return { kind: 'invalid', headers, error: new SagaflowError('MESSAGE_INVALID', message) };
}
