import { DefinitionError, type MessageCatalog, type MessageType } from '@sagaflow/outbox-relay';
import type { LifecycleTransitionName } from '../engine/saga-outcome';
import type { SagaTransitionEvent } from '../lifecycle/saga-lifecycle-message';
import { SagaTransitions } from '../lifecycle/saga-transitions-message';
import type { MessageContext } from '../participant/message-context';
import { transitionHooksOf } from '../participant/participant-metadata';
import type { MessageHandlerRegistration } from '../runtime/message-handler';

/** One `@OnSagaTransition` method as the runtime calls it. */
export interface TransitionHook {
  /** `Class.method`. */
  origin: string;
  sagaType: string;
  /** undefined: every transition. */
  transitions: ReadonlySet<LifecycleTransitionName> | undefined;
  emits: readonly MessageType[] | undefined;
  invoke(event: SagaTransitionEvent, ctx: MessageContext): Promise<unknown>;
}

/** The `@OnSagaTransition` methods of `instances`. */
export function transitionHooksFrom(instances: readonly object[]): TransitionHook[] {
  const out: TransitionHook[] = [];
  for (const instance of instances) {
    const cls = instance.constructor;
    for (const h of transitionHooksOf(cls)) {
      const fn = (instance as Record<string, unknown>)[h.method] as TransitionHook['invoke'];
      out.push({
        origin: `${cls.name}.${h.method}`,
        sagaType: h.sagaType,
        transitions: h.transitions ? new Set(h.transitions) : undefined,
        emits: h.emits,
        invoke: (event, ctx) => fn.call(instance, event, ctx),
      });
    }
  }
  return out;
}

/**
 * Rejects hooks of sagas this service does not host (their transitions happen elsewhere) and emitted
 * types outside the catalog, naming the method.
 * @throws DefinitionError
 */
export function validateTransitionHooks(
  hooks: readonly TransitionHook[],
  hostedSagaTypes: ReadonlySet<string>,
  catalog: MessageCatalog,
): void {
  for (const h of hooks) {
    if (!hostedSagaTypes.has(h.sagaType)) {
      throw new DefinitionError(
        `${h.origin}: @OnSagaTransition(${h.sagaType}) follows a saga this service does not host (hosted: ${[...hostedSagaTypes].join(', ') || 'none'}); follow another service's saga with @OnEvent(SagaTransitions)`,
        { origin: h.origin, sagaType: h.sagaType },
      );
    }
    for (const e of h.emits ?? []) {
      if (catalog.find(e.name) !== e) {
        throw new DefinitionError(
          `${h.origin}: emits ${e.name}, which is not in the service's message catalog`,
          {
            origin: h.origin,
          },
        );
      }
    }
  }
}

/** The hooks as reactions to `sagaflow.SagaTransitions`, for the service's published reactions document. */
export function hooksAsReactions(hooks: readonly TransitionHook[]): MessageHandlerRegistration[] {
  return hooks.map((h) => ({
    origin: h.origin,
    messageType: SagaTransitions as MessageType,
    kind: 'event',
    emits: h.emits,
    invoke: () => Promise.reject(new Error(`${h.origin} runs in process, never from a record`)),
  }));
}
