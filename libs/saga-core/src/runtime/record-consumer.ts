import type { PoolClient } from 'pg';
import type { IncomingMessage, LifecycleTransitionName } from '../engine/saga-outcome';
import type { RetrySettings } from './retry-in-fresh-transactions';

/** What applying one message did, for the log line and the metrics after commit. */
export interface ApplyResult {
  outcome: 'applied' | 'ignored' | 'discarded';
  reason?: string;
  sagaType?: string;
  sagaId?: string;
  transitions?: readonly LifecycleTransitionName[];
}

/**
 * One inbox consumer of the service: a saga type, or a participant/reaction method. Each applies a message
 * once, in its own transaction, with its own retry policy and dead-lettering.
 */
export interface RecordConsumer {
  /** The inbox consumer name: `<service>:saga:<SagaType>` or `<service>:<Class.method>`. */
  readonly name: string;
  /** For errors: `Saga OrderFulfilment` or `Class.method`. */
  readonly origin: string;
  readonly retry: RetrySettings;
  /** Whether this consumer handles the message at all; checked before any transaction opens. */
  accepts?(message: IncomingMessage): boolean;
  /** Applies the message inside `client`'s transaction (the inbox row is already inserted). */
  apply(client: PoolClient, message: IncomingMessage, now: Date): Promise<ApplyResult>;
  /** The saga instance to mark stuck when the message is dead-lettered, if one correlates. */
  stuckTarget?(message: IncomingMessage): { type: string; correlationKey: string } | undefined;
}
