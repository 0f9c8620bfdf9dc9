import type { SagaflowError } from '../errors/sagaflow-error';
import type { RelayLogger } from '../logging/relay-logger';

/** Events an {@link OutboxRelay} emits, by name, with their payloads. */
export interface RelayEventMap {
  'leader.acquired': { relayId: string };
  'leader.lost': { relayId: string; reason: string };
  'batch.published': { count: number; lastId: string; durationMs: number };
  'message.set_aside': {
    id: string;
    messageId: string;
    messageType: string;
    topic: string;
    key: string;
    error: SagaflowError;
  };
  'publish.failed': { error: SagaflowError; attempt: number; retryInMs: number };
}

/** Every relay event name. */
export type RelayEventName = keyof RelayEventMap;

/** The names {@link RelayEvents.on} accepts. */
export const relayEventNames: readonly RelayEventName[] = Object.freeze([
  'leader.acquired',
  'leader.lost',
  'batch.published',
  'message.set_aside',
  'publish.failed',
]);

type Listener<E extends RelayEventName> = (payload: RelayEventMap[E]) => void;

/**
 * Typed relay events. Unknown names are refused when subscribing, and a listener that throws is logged,
 * never allowed to break the relay.
 */
export class RelayEvents {
  private readonly listeners = new Map<RelayEventName, Set<Listener<never>>>();

  constructor(private readonly logger: RelayLogger) {}

  /**
   * Subscribes to an event. @returns a function that unsubscribes.
   * @throws TypeError when `name` is not one of {@link relayEventNames}.
   */
  on<E extends RelayEventName>(name: E, listener: Listener<E>): () => void {
    if (!relayEventNames.includes(name)) {
      throw new TypeError(`Event name should be one of ${relayEventNames.join(', ')}; got ${String(name)}`);
    }
    let set = this.listeners.get(name);
    if (!set) {
      set = new Set();
      this.listeners.set(name, set);
    }
    set.add(listener as Listener<never>);
    return () => set.delete(listener as Listener<never>);
  }

  /** @internal */
  emit<E extends RelayEventName>(name: E, payload: RelayEventMap[E]): void {
    for (const listener of this.listeners.get(name) ?? []) {
      try {
        (listener as Listener<E>)(payload);
      } catch (error) {
        this.logger.error('relay event listener failed', { event: name, error });
      }
    }
  }
}
