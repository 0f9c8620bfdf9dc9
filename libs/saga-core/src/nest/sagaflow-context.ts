import { BaseRpcContext } from '@nestjs/microservices';
import type { MessageHeaders, MessageType } from '@sagaflow/outbox-relay';
import type { PoolClient } from 'pg';
import type { MessageContext } from '../participant/message-context';

/**
 * What `@Ctx()` gives an `@EventPattern` handler run by {@link SagaflowTransport}: the same
 * {@link MessageContext} as a `@CommandHandler` (headers, time, the open transaction, `emit`).
 */
export class SagaflowContext extends BaseRpcContext<[MessageContext]> implements MessageContext {
  constructor(context: MessageContext) {
    super([context]);
  }

  get headers(): MessageHeaders {
    return this.args[0].headers;
  }

  get now(): Date {
    return this.args[0].now;
  }

  get client(): PoolClient {
    return this.args[0].client;
  }

  emit<T>(type: MessageType<T>, payload: T, options?: { key?: string }): Promise<string> {
    return this.args[0].emit(type, payload, options);
  }
}
