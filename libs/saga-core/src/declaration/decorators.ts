import { Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { MessageType } from '@sagaflow/outbox-relay';
import { DefinitionError } from '@sagaflow/outbox-relay';
import { assertLegacyMethodDecorator } from '../participant/legacy-decorators';
import { sagaMetadataOf, type MissingInstancePolicy } from './saga-metadata';
import type { SagaOptions } from './saga-options';

/** Nest discovery marker: the runtime finds saga providers with `getProviders({ metadataKey: SagaDiscovery.KEY })`. */
export const SagaDiscovery = DiscoveryService.createDecorator<SagaOptions>();

/**
 * Declares a saga type: a Nest provider whose decorated methods are the saga's pure handlers.
 * @example
 * ＠Saga({ type: 'OrderFulfilment', version: 1, steps: orderSteps, timeout: '60s' })
 * export class OrderFulfilment { ... }
 */
export function Saga<S>(options: SagaOptions<S>): ClassDecorator {
  return (target) => {
    const meta = sagaMetadataOf(target);
    if (meta.options) throw new DefinitionError(`Saga ${target.name}: @Saga is applied twice`);
    meta.options = options as SagaOptions;
    Injectable()(target);
    SagaDiscovery(options as SagaOptions)(target);
  };
}

/** Options of {@link StartSaga}. */
export interface StartSagaOptions<T> {
  /** The correlation key of the new instance, from the message (typed: a typo fails to compile). */
  correlate: (message: T) => string;
}

/** Options of {@link SagaEventHandler}. */
export interface SagaEventHandlerOptions<T> {
  /** Which instance the message belongs to (same key as the starter's `correlate`). */
  correlate: (message: T) => string;
  /** When no instance correlates; default `'fault'`. */
  onMissingInstance?: MissingInstancePolicy<T>;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- state and context types are the user's; only the message type is checked here */
/** A starter's shape: the message's type is checked against the decorator's message type (the return is checked at run time: it must be a Decision). */
type StarterMethod<T> = (message: T, ctx: any) => any;
/** A handler's shape. */
type HandlerMethod<T> = (state: any, message: T, ctx: any) => any;
/* eslint-enable @typescript-eslint/no-explicit-any */

function handlerDecorator<T, F>(
  kind: string,
  type: MessageType<T>,
  correlate: ((message: T) => string) | undefined,
  starter: boolean,
  onMissingInstance?: MissingInstancePolicy<T>,
) {
  return (target: object, method: string | symbol, descriptor: TypedPropertyDescriptor<F>): void => {
    assertLegacyMethodDecorator(kind, method);
    const className = target.constructor.name;
    if (typeof descriptor?.value !== 'function') {
      throw new DefinitionError(`Saga ${className}: ${kind} on ${String(method)} must decorate a method`);
    }
    if (!type || typeof type.name !== 'string' || typeof type.validate !== 'function') {
      throw new DefinitionError(
        `Saga ${className}: method ${String(method)} passes ${kind} something that is not a message type (use defineMessage)`,
      );
    }
    if (typeof correlate !== 'function') {
      throw new DefinitionError(
        `Saga ${className}: method ${String(method)} handles ${type.name} without a correlate function`,
      );
    }
    sagaMetadataOf(target.constructor).handlers.push({
      method: String(method),
      messageType: type as MessageType,
      correlate: correlate as (m: unknown) => string,
      starter,
      onMissingInstance: (onMissingInstance ?? 'fault') as MissingInstancePolicy<unknown>,
      onMissingInstanceDeclared: onMissingInstance !== undefined,
    });
  };
}

/**
 * The message that starts an instance. The method is `(message, ctx) => ctx.begin(state)…`.
 * A second message with the same correlation key finds the instance already there and is ignored (logged).
 */
export function StartSaga<T>(type: MessageType<T>, options: StartSagaOptions<T>) {
  return handlerDecorator<T, StarterMethod<T>>('@StartSaga', type, options?.correlate, true);
}

/** A message handled by a running instance. The method is `(state, message, ctx) => Decision`. */
export function SagaEventHandler<T>(type: MessageType<T>, options: SagaEventHandlerOptions<T>) {
  return handlerDecorator<T, HandlerMethod<T>>(
    '@SagaEventHandler',
    type,
    options?.correlate,
    false,
    options?.onMissingInstance,
  );
}

/** After this handler's decision, a still-running saga ends Completed (Axon's `@EndSaga`). */
export function EndSaga(): MethodDecorator {
  return (target, method) => {
    assertLegacyMethodDecorator('@EndSaga', method);
    sagaMetadataOf(target.constructor).endMethods.add(String(method));
  };
}

/**
 * Handles the deadline `name` scheduled with `ctx.schedule(name, after)`.
 * The method is `(state, deadline, ctx) => Decision`.
 */
export function OnDeadline(name: string): MethodDecorator {
  return (target, method) => {
    assertLegacyMethodDecorator(`@OnDeadline(${name})`, method);
    const meta = sagaMetadataOf(target.constructor);
    const taken = meta.deadlineHandlers.get(name);
    if (taken) {
      throw new DefinitionError(
        `Saga ${target.constructor.name}: methods ${taken} and ${String(method)} both handle deadline "${name}"`,
      );
    }
    meta.deadlineHandlers.set(name, String(method));
  };
}
