import type { MessageType } from '@sagaflow/outbox-relay';
import type { LifecycleTransitionName } from '../engine/saga-outcome';
import { DiscoveryService } from '@nestjs/core';

/** One `@CommandHandler` or `@OnEvent` method. */
export interface ReactionMetadata {
  method: string;
  messageType: MessageType;
  /** `command`: a participant executing a command sent to this service; `event`: a choreographed reaction. */
  kind: 'command' | 'event';
  /** What the method may emit (published in the service's reactions document); undefined when not declared. */
  emits: readonly MessageType[] | undefined;
  /** `@OnEvent({ when })`: which events the method handles at all. */
  when?: (payload: unknown) => boolean;
}

/** One `@OnSagaTransition` method. */
export interface TransitionHookMetadata {
  method: string;
  /** The saga type whose transitions the method follows; one this service hosts. */
  sagaType: string;
  /** The transitions it wants; undefined: every one. */
  transitions: readonly LifecycleTransitionName[] | undefined;
  emits: readonly MessageType[] | undefined;
}

const store = new WeakMap<object, ReactionMetadata[]>();
const hooks = new WeakMap<object, TransitionHookMetadata[]>();

/** Nest discovery marker set on classes with `@CommandHandler`/`@OnEvent` methods. */
export const ParticipantDiscovery = DiscoveryService.createDecorator<true>();

/** The handler methods recorded on `target` (a class), in declaration order. */
export function reactionsOf(target: object): readonly ReactionMetadata[] {
  return store.get(target) ?? [];
}

/** @internal used by the decorators */
export function addReaction(target: object, reaction: ReactionMetadata): void {
  const list = store.get(target) ?? [];
  list.push(reaction);
  store.set(target, list);
}

/** The `@OnSagaTransition` methods recorded on `target` (a class), in declaration order. */
export function transitionHooksOf(target: object): readonly TransitionHookMetadata[] {
  return hooks.get(target) ?? [];
}

/** @internal used by the decorators */
export function addTransitionHook(target: object, hook: TransitionHookMetadata): void {
  hooks.set(target, [...(hooks.get(target) ?? []), hook]);
}
