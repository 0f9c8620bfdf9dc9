import type { MessageHeaders } from '@sagaflow/outbox-relay';
import type { ConsumedRecord } from '../runtime/dead-letter';

/** The fields every log line about a consumed record carries. */
export function recordFields(record: ConsumedRecord, h: MessageHeaders | undefined): Record<string, unknown> {
  return {
    correlationId: h?.correlationId,
    messageId: h?.messageId,
    messageType: h?.messageType,
    topic: record.topic,
    partition: record.partition,
    offset: record.message.offset,
  };
}
