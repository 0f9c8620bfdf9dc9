/** A pending outbox row as the relay reads it. `id` and `xid` stay strings: both are 64-bit. */
export interface OutboxRow {
  id: string;
  xid: string;
  messageId: string;
  topic: string;
  key: string;
  messageType: string;
  /** Avro JSON encoding of the payload, as written by the writer. */
  payload: string;
  correlationId: string;
  causationId: string | null;
  sagaType: string | null;
  source: string;
  traceparent: string | null;
  occurredAt: Date;
}

/** Where the previous claim ended, in (xid, id) order. */
export interface RowPosition {
  xid: string;
  id: string;
}
