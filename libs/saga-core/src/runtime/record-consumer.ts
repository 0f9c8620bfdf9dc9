import type { ConsumingTransaction } from '../consume/consuming-transaction';
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
 * once (its own inbox row), with its own retry policy and dead-lettering; a batch applies the messages of
 * several consumers in one transaction.
 */
export interface RecordConsumer {
  /** The inbox consumer name: `<service>:saga:<SagaType>` or `<service>:<Class.method>`. */
  readonly name: string;
  /** For errors: `Saga OrderFulfilment` or `Class.method`. */
  readonly origin: string;
  readonly retry: RetrySettings;
  /** Whether this consumer handles the message at all; checked before any transaction opens. */
  accepts?(message: IncomingMessage): boolean;
  /** The saga instance the message is for, so a batch reads all its instances in one query. */
  instanceOf?(message: IncomingMessage): { type: string; correlationKey: string } | undefined;
  /** Applies the message inside `tx` (the inbox row is already inserted). */
  apply(tx: ConsumingTransaction, message: IncomingMessage, now: Date): Promise<ApplyResult>;
  /** The saga instance to mark stuck when the message is dead-lettered, if one correlates. */
  stuckTarget?(message: IncomingMessage): { type: string; correlationKey: string } | undefined;
}
