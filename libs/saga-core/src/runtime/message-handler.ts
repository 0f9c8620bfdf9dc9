import { DefinitionError, type MessageCatalog, type MessageType } from '@sagaflow/outbox-relay';
import type { MessageContext } from '../participant/message-context';
import { reactionsOf } from '../participant/participant-metadata';

/**
 * One participant or reaction handler as the runtime runs it: inbox consumer name, the type it consumes,
 * what it may emit, and how to call it. Built from `@CommandHandler`/`@OnEvent` methods, or by the Nest
 * transport from `@EventPattern` handlers.
 */
export interface MessageHandlerRegistration {
  /** `Class.method` (or `@EventPattern(<pattern>)`), for errors, logs and the reactions document. */
  origin: string;
  messageType: MessageType;
  kind: 'command' | 'event';
  emits: readonly MessageType[] | undefined;
  /** Whether the handler wants this payload at all (`@OnEvent({ when })`); absent means every one. */
  accepts?: (payload: unknown) => boolean;
  invoke(payload: unknown, ctx: MessageContext): Promise<unknown>;
}

/** The handlers of `@CommandHandler`/`@OnEvent` methods on `instances`. */
export function handlersOf(instances: readonly object[]): MessageHandlerRegistration[] {
  const out: MessageHandlerRegistration[] = [];
  for (const instance of instances) {
    const cls = instance.constructor;
    for (const r of reactionsOf(cls)) {
      const fn = (instance as Record<string, unknown>)[r.method] as (
        p: unknown,
        c: MessageContext,
      ) => Promise<unknown>;
      out.push({
        origin: `${cls.name}.${r.method}`,
        messageType: r.messageType,
        kind: r.kind,
        emits: r.emits,
        accepts: r.when,
        invoke: (payload, ctx) => fn.call(instance, payload, ctx),
      });
    }
  }
  return out;
}

/**
 * Rejects misdeclared handlers at start-up, naming class and method: a type outside the catalog, a
 * `@CommandHandler` of an event, an emitted type outside the catalog, two handlers of one command.
 * @throws DefinitionError
 */
export function validateHandlers(
  handlers: readonly MessageHandlerRegistration[],
  catalog: MessageCatalog,
): void {
  const commandOwners = new Map<string, string>();
  const origins = new Set<string>();
  for (const h of handlers) {
    const decorator = h.kind === 'command' ? '@CommandHandler' : '@OnEvent';
    if (origins.has(`${h.origin}:${h.messageType.name}`)) {
      throw new DefinitionError(`${h.origin}: handles ${h.messageType.name} twice`);
    }
    origins.add(`${h.origin}:${h.messageType.name}`);
    if (catalog.find(h.messageType.name) !== h.messageType) {
      throw new DefinitionError(
        `${h.origin}: ${decorator}(${h.messageType.name}) names a type that is not in the service's message catalog (add it to forRoot({ catalog }))`,
        { origin: h.origin, messageType: h.messageType.name },
      );
    }
    if (h.kind === 'command' && h.messageType.kind !== 'command') {
      throw new DefinitionError(
        `${h.origin}: @CommandHandler(${h.messageType.name}) names an event; react to events with @OnEvent`,
        { origin: h.origin },
      );
    }
    for (const e of h.emits ?? []) {
      if (catalog.find(e.name) !== e) {
        throw new DefinitionError(
          `${h.origin}: emits ${e.name}, which is not in the service's message catalog`,
          { origin: h.origin },
        );
      }
    }
    if (h.messageType.kind === 'command') {
      const owner = commandOwners.get(h.messageType.name);
      if (owner) {
        throw new DefinitionError(
          `${owner} and ${h.origin} both handle command ${h.messageType.name}; a command has exactly one handler per service`,
          { messageType: h.messageType.name },
        );
      }
      commandOwners.set(h.messageType.name, h.origin);
    }
  }
}
