import { Injectable } from '@nestjs/common';
import { Server, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import { DefinitionError, SagaflowError } from '@sagaflow/outbox-relay';
import { lastValueFrom } from 'rxjs';
import type { MessageHandlerRegistration } from '../runtime/message-handler';
import { SagaflowRuntime } from '../runtime/sagaflow-runtime';
import { SagaflowContext } from './sagaflow-context';

/**
 * A Nest transport strategy, so `@EventPattern('inventory.ReserveStock')` handlers with `@Payload()` and
 * `@Ctx() ctx: SagaflowContext` run under the same guarantees as `@CommandHandler`: one transaction with
 * the inbox and the outbox, retries in fresh transactions, dead letters. The pattern is the message's full
 * name. Consumption belongs to the Sagaflow runtime, which starts at application bootstrap with these
 * handlers, so connect the transport before `app.listen()`/`app.init()`.
 * Stricter than `ServerKafka`: a pattern naming no catalog type fails start-up, `@MessagePattern`
 * (request-response) is refused, and a command with no handler is dead-lettered, never acknowledged silently.
 * @example
 * const app = await NestFactory.create(AppModule);
 * app.connectMicroservice({ strategy: app.get(SagaflowTransport) });
 * await app.startAllMicroservices();
 * await app.listen(3000);
 */
@Injectable()
export class SagaflowTransport extends Server implements CustomTransportStrategy {
  private listening = false;

  constructor(private readonly runtime: SagaflowRuntime) {
    super();
  }

  /** Nothing to start: the runtime consumes (it started at bootstrap with this transport's handlers). */
  listen(callback: (...optionalParams: unknown[]) => void): void {
    this.listening = true;
    callback();
  }

  close(): void {
    this.listening = false;
  }

  /** Whether Nest started this transport. */
  isListening(): boolean {
    return this.listening;
  }

  on(): never {
    throw new SagaflowError(
      'CONFIG_INVALID',
      'SagaflowTransport has no events to subscribe to; use SagaflowMetrics and the logs',
    );
  }

  unwrap<T>(): T {
    return this.runtime as T;
  }

  /**
   * The `@EventPattern` handlers as runtime handlers.
   * @throws DefinitionError for a pattern that names no catalog type, or a `@MessagePattern`.
   */
  registrations(): MessageHandlerRegistration[] {
    const out: MessageHandlerRegistration[] = [];
    for (const [pattern, handler] of this.getHandlers()) {
      const type = this.runtime.catalog.find(pattern);
      const origin = `@EventPattern(${pattern})`;
      if (!handler.isEventHandler) {
        throw new DefinitionError(
          `@MessagePattern(${pattern}): Sagaflow carries events and commands, not request-response; use @EventPattern`,
        );
      }
      if (!type) {
        throw new DefinitionError(
          `${origin} names no message type of the service's catalog; the pattern is the full name, e.g. inventory.ReserveStock`,
        );
      }
      out.push({
        origin,
        messageType: type,
        kind: type.kind === 'command' ? 'command' : 'event',
        emits: undefined,
        invoke: (payload, ctx) => this.invoke(origin, handler, payload, new SagaflowContext(ctx)),
      });
    }
    return out;
  }

  private async invoke(
    origin: string,
    handler: MessageHandler,
    payload: unknown,
    ctx: SagaflowContext,
  ): Promise<unknown> {
    try {
      return await lastValueFrom(this.transformToObservable(await handler(payload, ctx)), {
        defaultValue: undefined,
      });
    } catch (error) {
      if (error instanceof Error) throw error;
      // Nest's RPC exception filter replaces errors by { status, message } (and logs the original)
      const message = (error as { message?: unknown })?.message;
      throw new SagaflowError(
        'HANDLER_FAILED',
        `${origin} failed: ${typeof message === 'string' ? message : JSON.stringify(error)}`,
        {
          retriable: true,
          cause: error,
        },
      );
    }
  }
}
