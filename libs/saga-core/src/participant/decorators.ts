import { DefinitionError, type AnyMessageType, type MessageType } from '@sagaflow/outbox-relay';
import type { MessageContext } from './message-context';
import { assertLegacyMethodDecorator } from './legacy-decorators';
import { addReaction, ParticipantDiscovery } from './participant-metadata';

/** Options of {@link CommandHandler}. */
export interface CommandHandlerOptions {
  /** The replies the handler may emit; published in the service's reactions and enforced by `ctx.emit`. */
  emits?: readonly AnyMessageType[];
}

/** Options of {@link OnEvent}. */
export interface OnEventOptions<T = unknown> {
  /** The events the reaction may emit; published in the service's reactions and enforced by `ctx.emit`. */
  emits?: readonly AnyMessageType[];
  /**
   * Which events the reaction handles at all, decided on the decoded payload before any transaction
   * opens. The others are counted (`outcome="filtered"`) and logged at debug, never handled: a cheap
   * way to follow a busy topic (e.g. `sagaflow.lifecycle`) for the few records that matter. Must be pure.
   */
  when?: (event: T) => boolean;
}

type Handler<T> = (message: T, ctx: MessageContext) => Promise<void>;

function reactionDecorator<T>(
  decorator: string,
  type: MessageType<T>,
  kind: 'command' | 'event',
  emits: readonly AnyMessageType[] | undefined,
  when?: (message: T) => boolean,
) {
  return (target: object, method: string | symbol, descriptor: TypedPropertyDescriptor<Handler<T>>): void => {
    assertLegacyMethodDecorator(decorator, method);
    const where = `${target.constructor.name}.${String(method)}`;
    if (typeof descriptor?.value !== 'function')
      throw new DefinitionError(`${where}: ${decorator} must decorate a method`);
    if (!type || typeof type.name !== 'string' || typeof type.validate !== 'function') {
      throw new DefinitionError(
        `${where}: ${decorator} was given something that is not a message type (use defineMessage)`,
      );
    }
    if (emits !== undefined && (!Array.isArray(emits) || emits.some((e) => typeof e?.name !== 'string'))) {
      throw new DefinitionError(`${where}: ${decorator}(${type.name}) emits must be a list of message types`);
    }
    if (when !== undefined && typeof when !== 'function') {
      throw new DefinitionError(`${where}: ${decorator}(${type.name}) when must be a function of the event`);
    }
    addReaction(target.constructor, {
      method: String(method),
      messageType: type as MessageType,
      kind,
      emits: emits as readonly MessageType[] | undefined,
      when: when as ((payload: unknown) => boolean) | undefined,
    });
    ParticipantDiscovery(true)(target.constructor);
  };
}

/**
 * Executes a command sent to this service, in one transaction with inbox de-duplication and the outbox:
 * the method is `(command, ctx) => Promise<void>` and replies with `ctx.emit(...)`.
 * One command type has exactly one handler in a service.
 * @example
 * ＠CommandHandler(ReserveStock, { emits: [StockReserved, StockReservationFailed] })
 * async reserve(cmd: ReserveStock, ctx: MessageContext) {
 *   await ctx.client.query('update stock …', [...]);
 *   await ctx.emit(StockReserved, { orderId: cmd.orderId });
 * }
 */
export function CommandHandler<T>(type: MessageType<T>, options: CommandHandlerOptions = {}) {
  return reactionDecorator<T>('@CommandHandler', type, 'command', options.emits);
}

/**
 * Reacts to another service's event (choreography), with the same guarantees as a command handler.
 * Several reactions may consume one event type; each applies it once.
 * @example
 * ＠OnEvent(OrderCancellationRequested, { emits: [StockRestocked] })
 * async onCancel(e: OrderCancellationRequested, ctx: MessageContext) { … }
 */
export function OnEvent<T>(type: MessageType<T>, options: OnEventOptions<T> = {}) {
  return reactionDecorator<T>('@OnEvent', type, 'event', options.emits, options.when);
}
