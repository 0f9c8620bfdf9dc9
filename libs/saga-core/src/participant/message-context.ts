import type { MessageHeaders, MessageType } from '@sagaflow/outbox-relay';
import type { PoolClient } from 'pg';

/**
 * What a participant's or reaction's handler gets beside the message: the message's headers, the time,
 * and the open transaction. The inbox row, the handler's own writes through `client` and the messages it
 * `emit`s commit together, or not at all.
 */
export interface MessageContext {
  /** The contract headers of the message being handled. */
  readonly headers: MessageHeaders;
  /** The time the runtime started handling the message (use it instead of `new Date()`). */
  readonly now: Date;
  /** The open transaction: do the handler's database writes with it. */
  readonly client: PoolClient;
  /**
   * Writes a message to the outbox in this transaction. `correlation-id` is copied from the handled
   * message, `causation-id` is its message-id, the trace continues with a child span.
   * @returns the new message's id.
   * @throws MessageValidationError when the payload does not match its schema.
   */
  emit<T>(type: MessageType<T>, payload: T, options?: { key?: string }): Promise<string>;
}
