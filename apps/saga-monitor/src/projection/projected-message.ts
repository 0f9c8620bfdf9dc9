import { Header } from '@sagaflow/outbox-relay';
import type { IHeaders, KafkaMessage } from 'kafkajs';
import type { DecodedValue } from '../decode/record-decoder';

/** One consumed record as the projection stores it (`monitor.message`). */
export interface ProjectedMessage {
  topic: string;
  partition: number;
  /** Kafka offset, as a decimal string (int64). */
  offset: string;
  messageId: string | null;
  messageType: string | null;
  correlationId: string | null;
  causationId: string | null;
  sagaType: string | null;
  source: string | null;
  /** ISO-8601 from the `occurred-at` header; null when absent or not a time. */
  occurredAt: string | null;
  /** ISO-8601 of the Kafka record timestamp. */
  kafkaTimestamp: string;
  key: string | null;
  contentType: string | null;
  headers: Record<string, string>;
  payload: unknown;
  /** Why the record could not be decoded or interpreted; the record is kept all the same. */
  decodeError: string | null;
  /** The value's bytes, kept only when it could not be decoded. */
  rawValue: Buffer | null;
}

/** Kafka headers as plain strings (first value of repeated headers). */
export function stringHeaders(raw: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(raw ?? {})) {
    const first = Array.isArray(v) ? v[0] : v;
    if (first !== undefined) out[name] = first.toString();
  }
  return out;
}

/**
 * Builds the stored form of a record from its Kafka fields and its decoded value. Missing contract
 * headers are not an error here (foreign producers exist); the record is stored with what it has.
 */
export function projectMessage(
  topic: string,
  partition: number,
  message: Pick<KafkaMessage, 'offset' | 'key' | 'value' | 'headers' | 'timestamp'>,
  decoded: DecodedValue,
): ProjectedMessage {
  const headers = stringHeaders(message.headers);
  const h = (name: string): string | null => headers[name] ?? null;
  return {
    topic,
    partition,
    offset: message.offset,
    messageId: h(Header.messageId),
    messageType: h(Header.messageType),
    correlationId: h(Header.correlationId),
    causationId: h(Header.causationId),
    sagaType: h(Header.sagaType),
    source: h(Header.source),
    occurredAt: isoOrNull(h(Header.occurredAt)),
    kafkaTimestamp: new Date(Number(message.timestamp)).toISOString(),
    key: message.key === null ? null : message.key.toString('utf8'),
    contentType: h(Header.contentType),
    headers,
    payload: decoded.payload,
    decodeError: decoded.error,
    rawValue: decoded.error === null ? null : (message.value ?? null),
  };
}

function isoOrNull(value: string | null): string | null {
  if (value === null) return null;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}
