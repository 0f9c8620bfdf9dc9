/** A pending outbox row as the relay reads it. `id` stays a string: it is 64-bit. */
export interface OutboxRow {
  id: string;
  messageId: string;
  topic: string;
  key: string;
  messageType: string;
  /** Avro JSON encoding of the payload, NUL escaped, as written by the writer (`toOutboxJson`). */
  payload: string;
  correlationId: string;
  causationId: string | null;
  sagaType: string | null;
  source: string;
  traceparent: string | null;
  occurredAt: Date;
}
