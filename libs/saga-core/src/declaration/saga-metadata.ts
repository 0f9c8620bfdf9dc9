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

/** Whether `sagaClass` carries `@Saga`. */
export function isSagaClass(sagaClass: object): boolean {
  return store.get(sagaClass)?.options !== undefined;
}
