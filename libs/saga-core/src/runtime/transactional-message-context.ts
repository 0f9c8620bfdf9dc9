import {
  SagaflowError,
  type MessageHeaders,
  type MessageType,
  type OutboxWriter,
} from '@sagaflow/outbox-relay';
import type { PoolClient } from 'pg';
import type { MessageContext } from '../participant/message-context';
import type { MessageHandlerRegistration } from './message-handler';
import { childTraceparent } from './trace-context';

/** The {@link MessageContext} of one handled message, bound to its transaction. */
export class TransactionalMessageContext implements MessageContext {
  constructor(
    readonly client: PoolClient,
    readonly headers: MessageHeaders,
    readonly now: Date,
    private readonly writer: OutboxWriter,
    private readonly handler: Pick<MessageHandlerRegistration, 'origin' | 'emits'>,
  ) {}

  async emit<T>(type: MessageType<T>, payload: T, options: { key?: string } = {}): Promise<string> {
    const allowed = this.handler.emits;
    if (allowed && !allowed.some((t) => t.name === type?.name)) {
      throw new SagaflowError(
        'HANDLER_FAILED',
        `${this.handler.origin} emits ${type?.name}, which it does not declare (emits: ${allowed.map((t) => t.name).join(', ') || 'none'})`,
        { context: { origin: this.handler.origin } },
      );
    }
    const [id] = await this.writer.append(this.client, {
      type: type as MessageType,
      payload,
      correlationId: this.headers.correlationId,
      causationId: this.headers.messageId,
      traceparent: childTraceparent(this.headers.traceparent),
      ...(options.key === undefined ? {} : { key: options.key }),
    });
    return id!;
  }
}
