import type { Producer, TopicMessages } from 'kafkajs';
import { SagaflowError } from '../errors/sagaflow-error';
import { Header } from '../message/headers';
import { endSpan, recordingTraceparent, startMessageSpan } from '../tracing/message-spans';
import { recordBytes } from './cap-batch-bytes';
import type { EncodedMessage } from './encode-batch';

/**
 * Kafka error types that condemn the records sent, not the broker: sending the same record again gets the
 * same answer. Anything else (leader moved, timeouts, not enough replicas) is an outage and is retried.
 */
const recordErrorTypes: ReadonlySet<string> = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'INVALID_TIMESTAMP',
]);

/**
 * Sends a batch as one `sendBatch` with acks from all in-sync replicas. Records keep their batch order
 * within each topic, and so within each partition, which is what per-key order needs. Each record has a
 * `send` span, a child of its outbox row's, ended at the ack; a recorded span becomes the record's
 * `traceparent`, so its consumers descend from the send.
 * @throws SagaflowError RECORD_REJECTED (not retriable) when Kafka refused a record itself (too large,
 * invalid): which record is unknown when the batch held several, see {@link publishRecordByRecord}.
 * @throws SagaflowError BROKER_UNAVAILABLE (retriable) when Kafka did not acknowledge everything.
 */
export async function publishBatch(producer: Producer, messages: readonly EncodedMessage[]): Promise<void> {
  if (messages.length === 0) return;
  const byTopic = new Map<string, TopicMessages>();
  const spans = messages.map(({ row, message }) => {
    let group = byTopic.get(row.topic);
    if (!group) {
      group = { topic: row.topic, messages: [] };
      byTopic.set(row.topic, group);
    }
    const span = startMessageSpan(
      'send',
      {
        topic: row.topic,
        messageType: row.messageType,
        messageId: row.messageId,
        key: row.key,
        correlationId: row.correlationId,
        sagaType: row.sagaType,
      },
      row.traceparent,
    );
    const traceparent = recordingTraceparent(span);
    if (traceparent !== undefined && message.headers) message.headers[Header.traceparent] = traceparent;
    group.messages.push(message);
    return span;
  });
  try {
    await producer.sendBatch({ topicMessages: [...byTopic.values()], acks: -1 });
    for (const span of spans) endSpan(span);
  } catch (cause) {
    for (const span of spans) endSpan(span, cause);
    const refused = recordErrorType(cause);
    if (refused) {
      const only = messages.length === 1 ? messages[0]! : undefined;
      const what = only
        ? `outbox row ${only.row.id} (${only.row.messageType}, key ${only.row.key}, ${recordBytes(only)} bytes)`
        : `a batch of ${messages.length} messages`;
      throw new SagaflowError(
        'RECORD_REJECTED',
        `Kafka refused ${what}: ${refused}: ${(cause as Error).message}`,
        {
          cause,
          context: { topics: [...byTopic.keys()], kafkaError: refused, ...(only ? { id: only.row.id } : {}) },
        },
      );
    }
    throw new SagaflowError(
      'BROKER_UNAVAILABLE',
      `Kafka did not acknowledge a batch of ${messages.length} messages: ${(cause as Error).message}`,
      { retriable: true, cause, context: { topics: [...byTopic.keys()] } },
    );
  }
}

/** What {@link publishRecordByRecord} did with each record of a refused batch. */
export interface RecordByRecordOutcome {
  /** Acknowledged, in batch order. */
  sent: EncodedMessage[];
  /** Refused by Kafka, each with its error: set aside like a row that cannot be encoded. */
  rejected: { message: EncodedMessage; error: SagaflowError }[];
  /** Later records of a refused record's key: not sent, so nothing of the key overtakes it. */
  heldBack: EncodedMessage[];
}

/**
 * Sends a batch Kafka refused one record at a time, in order, to find the records it refuses. Records of
 * a key after a refused one are held back. Some records of the refused batch may have been written to
 * their partitions already: sent again here, they are duplicates with the same message-id, which every
 * consumer's inbox passes over.
 * @throws SagaflowError BROKER_UNAVAILABLE (retriable) on an outage meanwhile: the whole batch is retried.
 */
export async function publishRecordByRecord(
  producer: Producer,
  messages: readonly EncodedMessage[],
): Promise<RecordByRecordOutcome> {
  const out: RecordByRecordOutcome = { sent: [], rejected: [], heldBack: [] };
  const blocked = new Set<string>();
  for (const m of messages) {
    const keyId = `${m.row.topic}\u0000${m.row.key}`;
    if (blocked.has(keyId)) {
      out.heldBack.push(m);
      continue;
    }
    try {
      await publishBatch(producer, [m]);
      out.sent.push(m);
    } catch (error) {
      if (!isRecordRejected(error)) throw error;
      blocked.add(keyId);
      out.rejected.push({ message: m, error });
    }
  }
  return out;
}

/** Whether an error means Kafka refused the records themselves; true for {@link publishBatch}'s own. */
export function isRecordRejected(error: unknown): error is SagaflowError {
  return error instanceof SagaflowError && error.code === 'RECORD_REJECTED';
}

// KafkaJS throws the broker's error as a KafkaJSProtocolError with its `type`; a retrier or several
// brokers may wrap it (`cause`, `errors`)
function recordErrorType(error: unknown, depth = 0): string | undefined {
  if (typeof error !== 'object' || error === null || depth > 3) return undefined;
  const e = error as { type?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.type === 'string' && recordErrorTypes.has(e.type)) return e.type;
  if (Array.isArray(e.errors))
    for (const inner of e.errors) {
      const found = recordErrorType(inner, depth + 1);
      if (found) return found;
    }
  return recordErrorType(e.cause, depth + 1);
}
