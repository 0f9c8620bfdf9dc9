import { DefinitionError, type AnyMessageType, type MessageType } from '@sagaflow/outbox-relay';
import type { MessageContext } from './message-context';
import type { LifecycleTransitionName } from '../engine/saga-outcome';
import type { SagaTransitionEvent } from '../lifecycle/saga-lifecycle-message';
import { addReaction, addTransitionHook, ParticipantDiscovery } from './participant-metadata';

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
    const where = `${target.constructor.name}.${String(method)}`;
    if (typeof descriptor.value !== 'function')
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

/** Options of {@link OnSagaTransition}. */
export interface OnSagaTransitionOptions {
  /** The transitions the method is called for; default every one. */
  transitions?: readonly LifecycleTransitionName[];
  /** The events the method may emit; published in the service's reactions and enforced by `ctx.emit`. */
  emits?: readonly AnyMessageType[];
}

const transitionNames: readonly LifecycleTransitionName[] = [
  'Started',
  'StepCompleted',
  'Compensating',
  'StepCompensated',
  'Completed',
  'Compensated',
  'Failed',
  'TimedOut',
];

/**
 * Follows a saga this service hosts, in process: the method runs inside the transaction that makes the
 * transition (the one that also saves the instance and writes its lifecycle record), so the service
 * learns how its saga went without a Kafka round trip of its own lifecycle records. `ctx.headers` are the
 * lifecycle record's (its message id is the causation of what the method emits); `ctx.client` is the
 * transaction. Sagas of other services are followed with `@OnEvent(SagaTransitions)` instead.
 * @example
 * ＠OnSagaTransition('OrderFulfilment', { transitions: ['Compensated', 'Failed'], emits: [OrderRejected] })
 * async onEnded(t: SagaTransitionEvent, ctx: MessageContext) { … }
 */
export function OnSagaTransition(sagaType: string, options: OnSagaTransitionOptions = {}) {
  return (
    target: object,
    method: string | symbol,
    descriptor: TypedPropertyDescriptor<(t: SagaTransitionEvent, ctx: MessageContext) => Promise<void>>,
  ): void => {
    const where = `${target.constructor.name}.${String(method)}`;
    if (typeof descriptor?.value !== 'function')
      throw new DefinitionError(`${where}: @OnSagaTransition must decorate a method`);
    if (typeof sagaType !== 'string' || sagaType.length === 0)
      throw new DefinitionError(
        `${where}: @OnSagaTransition needs the saga type it follows (a non-empty string)`,
      );
    const unknown = (options.transitions ?? []).filter((t) => !transitionNames.includes(t));
    if (unknown.length > 0) {
      throw new DefinitionError(
        `${where}: @OnSagaTransition(${sagaType}) names unknown transitions ${unknown.join(', ')} (known: ${transitionNames.join(', ')})`,
      );
    }
    const emits = options.emits;
    if (emits !== undefined && (!Array.isArray(emits) || emits.some((e) => typeof e?.name !== 'string'))) {
      throw new DefinitionError(
        `${where}: @OnSagaTransition(${sagaType}) emits must be a list of message types`,
      );
    }
    addTransitionHook(target.constructor, {
      method: String(method),
      sagaType,
      transitions: options.transitions,
      emits: emits as readonly MessageType[] | undefined,
    });
    ParticipantDiscovery(true)(target.constructor);
  };
}
