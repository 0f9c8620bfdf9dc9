import { SagaflowError, type MessageHeaders, type MessageType } from '@sagaflow/outbox-relay';
import type { PoolClient } from 'pg';
import type { ConsumingTransaction } from '../consume/consuming-transaction';
import type { MessageContext } from '../participant/message-context';

/** The {@link MessageContext} of one handled message, bound to its transaction. */
export class TransactionalMessageContext implements MessageContext {
  readonly client: PoolClient;

  constructor(
    private readonly tx: ConsumingTransaction,
    readonly headers: MessageHeaders,
    readonly now: Date,
    private readonly handler: { origin: string; emits: readonly MessageType[] | undefined },
  ) {
    this.client = tx.client;
  }

  emit<T>(type: MessageType<T>, payload: T, options: { key?: string } = {}): Promise<string> {
    const allowed = this.handler.emits;
    if (allowed && !allowed.some((t) => t.name === type?.name)) {
      return Promise.reject(
        new SagaflowError(
          'HANDLER_FAILED',
          `${this.handler.origin} emits ${type?.name}, which it does not declare (emits: ${allowed.map((t) => t.name).join(', ') || 'none'})`,
          { context: { origin: this.handler.origin } },
        ),
      );
    }
    try {
      const [id] = this.tx.emit([
        {
          type: type as MessageType,
          payload,
          correlationId: this.headers.correlationId,
          causationId: this.headers.messageId,
          traceparent: this.headers.traceparent,
          ...(options.key === undefined ? {} : { key: options.key }),
        },
      ]);
      return Promise.resolve(id!);
    } catch (error) {
      return Promise.reject(error);
    }
  }
}
