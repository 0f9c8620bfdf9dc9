import type { ConsumingTransaction } from '../consume/consuming-transaction';
import type { IncomingMessage } from '../engine/saga-outcome';
import { TransactionalMessageContext } from './transactional-message-context';
import type { MessageHandlerRegistration } from './message-handler';
import type { ApplyResult, RecordConsumer } from './record-consumer';
import type { RetrySettings } from './retry-in-fresh-transactions';

/** The inbox consumer of one participant or reaction method (`<service>:<Class.method>`). */
export class HandlerConsumer implements RecordConsumer {
  readonly name: string;
  readonly origin: string;

  constructor(
    service: string,
    private readonly handler: MessageHandlerRegistration,
    readonly retry: RetrySettings,
  ) {
    this.name = `${service}:${handler.origin}`;
    this.origin = handler.origin;
  }

  accepts(message: IncomingMessage): boolean {
    return this.handler.accepts?.(message.payload) ?? true;
  }

  async apply(tx: ConsumingTransaction, message: IncomingMessage, now: Date): Promise<ApplyResult> {
    const ctx = new TransactionalMessageContext(tx, message.headers, now, this.handler);
    await this.handler.invoke(structuredClone(message.payload), ctx);
    return { outcome: 'applied' };
  }
}
