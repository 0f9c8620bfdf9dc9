/**
 * Names of the Kafka headers every record Sagaflow writes carries (all values are strings).
 * See DESIGN.md, "The message contract".
 */
export const Header = Object.freeze({
  /** UUIDv7, unique forever; the de-duplication key. */
  messageId: 'message-id',
  /** Record full name, e.g. `inventory.StockReserved`. */
  messageType: 'message-type',
  /** The saga / business transaction id; every message caused within one saga carries it. */
  correlationId: 'correlation-id',
  /** message-id of the message that caused this one. */
  causationId: 'causation-id',
  /** Set when a saga emitted the message. */
  sagaType: 'saga-type',
  /** Name of the service that wrote it. */
  source: 'source',
  /** ISO-8601 time of the business fact. */
  occurredAt: 'occurred-at',
  /** W3C trace context, so one saga is one trace. */
  traceparent: 'traceparent',
  /** `application/vnd.sagaflow.avro` (Confluent wire format) or `application/json`. */
  contentType: 'content-type',
} as const);

/** Extra headers on a dead-lettered record, built from the error's `code` and `message`. */
export const DeadLetterHeader = Object.freeze({
  errorCode: 'sagaflow-error-code',
  errorMessage: 'sagaflow-error-message',
  originalTopic: 'sagaflow-original-topic',
  originalPartition: 'sagaflow-original-partition',
  originalOffset: 'sagaflow-original-offset',
  consumer: 'sagaflow-consumer',
  attempts: 'sagaflow-attempts',
  failedAt: 'sagaflow-failed-at',
} as const);

/** The contract headers of one message, as typed values. */
export interface MessageHeaders {
  messageId: string;
  messageType: string;
  correlationId: string;
  causationId?: string;
  sagaType?: string;
  source: string;
  occurredAt: string;
  traceparent?: string;
  contentType: string;
}

/** Content types Sagaflow writes. */
export const ContentType = Object.freeze({
  avro: 'application/vnd.sagaflow.avro',
  json: 'application/json',
} as const);

/** The contract headers as the Kafka record's string headers. */
export function toKafkaHeaders(headers: MessageHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, name] of Object.entries(Header) as [keyof MessageHeaders, string][]) {
    const value = headers[field];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/**
 * Reads the contract headers from a consumed record.
 * @returns the headers, or the list of required header names that are missing.
 */
export function fromKafkaHeaders(
  raw: Record<string, Buffer | string | (Buffer | string)[] | undefined> | undefined,
): { ok: true; headers: MessageHeaders } | { ok: false; missing: string[] } {
  const get = (name: string): string | undefined => {
    const v = raw?.[name];
    const first = Array.isArray(v) ? v[0] : v;
    return first === undefined ? undefined : first.toString();
  };
  const required = [
    Header.messageId,
    Header.messageType,
    Header.correlationId,
    Header.source,
    Header.occurredAt,
    Header.contentType,
  ];
  const missing = required.filter((name) => get(name) === undefined);
  if (missing.length > 0) return { ok: false, missing };
  const headers: MessageHeaders = {
    messageId: get(Header.messageId)!,
    messageType: get(Header.messageType)!,
    correlationId: get(Header.correlationId)!,
    source: get(Header.source)!,
    occurredAt: get(Header.occurredAt)!,
    contentType: get(Header.contentType)!,
  };
  const causationId = get(Header.causationId);
  const sagaType = get(Header.sagaType);
  const traceparent = get(Header.traceparent);
  if (causationId !== undefined) headers.causationId = causationId;
  if (sagaType !== undefined) headers.sagaType = sagaType;
  if (traceparent !== undefined) headers.traceparent = traceparent;
  return { ok: true, headers };
}
