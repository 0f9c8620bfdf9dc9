import { DeadLetterHeader } from '@sagaflow/outbox-relay';
import type { ProjectedMessage } from './projected-message';

/** A dead-lettered record as the projection keeps it (`monitor.dead_letter`). */
export interface DeadLetterRecord {
  topic: string;
  partition: number;
  offset: string;
  correlationId: string | null;
  messageId: string | null;
  messageType: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  originalTopic: string | null;
  originalPartition: number | null;
  originalOffset: string | null;
  consumer: string | null;
  attempts: number | null;
  failedAt: string | null;
}

/** Reads the error headers a dead-letter publisher adds (`DeadLetterHeader.*`) from a `*.dlt` record. */
export function readDeadLetter(m: ProjectedMessage): DeadLetterRecord {
  const h = (name: string): string | null => m.headers[name] ?? null;
  const int = (name: string): number | null => {
    const v = h(name);
    return v !== null && /^\d+$/.test(v) ? Number(v) : null;
  };
  const failedAt = h(DeadLetterHeader.failedAt);
  const originalOffset = h(DeadLetterHeader.originalOffset);
  return {
    topic: m.topic,
    partition: m.partition,
    offset: m.offset,
    correlationId: m.correlationId,
    messageId: m.messageId,
    messageType: m.messageType,
    errorCode: h(DeadLetterHeader.errorCode),
    errorMessage: h(DeadLetterHeader.errorMessage),
    originalTopic: h(DeadLetterHeader.originalTopic) ?? m.topic.replace(/\.dlt$/, ''),
    originalPartition: int(DeadLetterHeader.originalPartition),
    originalOffset: originalOffset !== null && /^\d+$/.test(originalOffset) ? originalOffset : null,
    consumer: h(DeadLetterHeader.consumer),
    attempts: int(DeadLetterHeader.attempts),
    // a DLT record without its time still happened: fall back to when Kafka got it
    failedAt:
      failedAt !== null && !Number.isNaN(Date.parse(failedAt))
        ? new Date(failedAt).toISOString()
        : m.kafkaTimestamp,
  };
}
