import type { MessageType } from '@sagaflow/outbox-relay';
import type { OutgoingMessage } from '../engine/saga-outcome';
import type { SagaOptions } from './saga-options';

/**
 * What to do with a message when no instance correlates (MassTransit's missing-instance policy):
 * `'fault'` (an error: retried, then dead-lettered), `'discard'` (logged and counted, never silent), or a
 * function returning messages to send instead.
 */
export type MissingInstancePolicy<T> = 'fault' | 'discard' | ((message: T) => OutgoingMessage[]);

/** One decorated handler method. */
export interface HandlerMetadata {
  method: string;
  messageType: MessageType;
  correlate: (message: unknown) => string;
  starter: boolean;
  onMissingInstance: MissingInstancePolicy<unknown>;
  /** Whether the handler chose its policy; when not, the service's configured default applies. */
  onMissingInstanceDeclared?: boolean;
}

/** Everything the decorators recorded on one class. */
export interface SagaClassMetadata {
  options?: SagaOptions;
  handlers: HandlerMetadata[];
  endMethods: Set<string>;
  deadlineHandlers: Map<string, string>;
}

const store = new WeakMap<object, SagaClassMetadata>();

/** The metadata of `sagaClass`, created empty on first use. */
export function sagaMetadataOf(sagaClass: object): SagaClassMetadata {
  let meta = store.get(sagaClass);
  if (!meta) {
    meta = { handlers: [], endMethods: new Set(), deadlineHandlers: new Map() };
    store.set(sagaClass, meta);
  }
  return meta;
}

/**
 * The handlers, ends and deadlines of `sagaClass` including those it inherits (a subclass's method of
 * the same name wins); `options` is the class's own `@Saga`.
 */
export function inheritedSagaMetadata(sagaClass: object): SagaClassMetadata {
  const chain: SagaClassMetadata[] = [];
  for (let c: object | null = sagaClass; c && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    const meta = store.get(c);
    if (meta) chain.push(meta);
  }
  const merged: SagaClassMetadata = {
    options: store.get(sagaClass)?.options,
    handlers: [],
    endMethods: new Set(),
    deadlineHandlers: new Map(),
  };
  for (const meta of chain.reverse()) {
    const own = new Set(meta.handlers.map((h) => h.method));
    merged.handlers = [...merged.handlers.filter((h) => !own.has(h.method)), ...meta.handlers];
    for (const m of meta.endMethods) merged.endMethods.add(m);
    for (const [n, m] of meta.deadlineHandlers) merged.deadlineHandlers.set(n, m);
  }
  return merged;
}

/** Whether `sagaClass` carries `@Saga`. */
export function isSagaClass(sagaClass: object): boolean {
  return store.get(sagaClass)?.options !== undefined;
}
