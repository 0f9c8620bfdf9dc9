import type { MessageType } from '../message/message-type';

/** One message to write to the outbox in the caller's transaction. */
export interface OutboxEntry<T = unknown> {
  type: MessageType<T>;
  payload: T;
  /** The saga / business transaction id (`correlation-id` header). */
  correlationId: string;
  /** message-id of the message that caused this one. */
  causationId?: string;
  /** Set when a saga emits the message. */
  sagaType?: string;
  /**
   * W3C trace context of what caused the message (a consumed message's handler span, a request's span).
   * The outbox stores the message's own `create` span, a child of it (docs/decisions/0084).
   */
  traceparent?: string;
  /** A preset id (e.g. derived deterministically by a saga); a new UUIDv7 otherwise. */
  messageId?: string;
  /** Overrides `type.key(payload)`. */
  key?: string;
  /** Time of the business fact; now otherwise. */
  occurredAt?: Date;
}
