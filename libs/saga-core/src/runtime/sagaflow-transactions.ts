import { newMessageId, type MessageType, type OutboxWriter } from '@sagaflow/outbox-relay';
import type { Pool, PoolClient } from 'pg';
import { inTransaction } from './in-transaction';
import { childTraceparent, newTraceparent } from './trace-context';

/** Options of {@link TransactionScope.emit}. */
export interface EmitOptions {
  /** The business transaction id; default: the run's (a new UUIDv7 per run). */
  correlationId?: string;
  /** Overrides the type's key of the payload. */
  key?: string;
}

/** What {@link SagaflowTransactions.run}'s callback gets: the open transaction and the outbox. */
export interface TransactionScope {
  /** The open transaction: do the business writes with it. */
  readonly client: PoolClient;
  /** The correlation id messages emitted in this run carry unless told otherwise. */
  readonly correlationId: string;
  /**
   * Appends a message to the outbox in this transaction (published after commit by the relay).
   * @returns the message id.
   * @throws MessageValidationError when the payload does not match its schema.
   */
  emit<T>(type: MessageType<T>, payload: T, options?: EmitOptions): Promise<string>;
}

/**
 * Starts business transactions outside a consumed message (e.g. an HTTP `POST /orders`): the caller's
 * writes and the messages it emits commit together, in one database transaction, or not at all.
 * @example
 * await transactions.run(async (tx) => {
 *   await tx.client.query('insert into orders (id, total) values ($1, $2)', [orderId, total]);
 *   await tx.emit(OrderPlaced, { orderId, total });
 * });
 */
export class SagaflowTransactions {
  /** @internal built by the runtime */
  constructor(
    private readonly pool: Pool,
    private readonly writer: OutboxWriter,
    private readonly committed: () => void = () => undefined,
  ) {}

  /**
   * Runs `fn` in one transaction; commits when it resolves, rolls back when it throws.
   * @param options.correlationId the business transaction id (default: a new UUIDv7).
   */
  run<T>(fn: (tx: TransactionScope) => Promise<T>, options: { correlationId?: string } = {}): Promise<T> {
    const correlationId = options.correlationId ?? newMessageId();
    const trace = newTraceparent();
    const result = inTransaction(this.pool, (client) =>
      fn({
        client,
        correlationId,
        emit: async <P>(type: MessageType<P>, payload: P, opts: EmitOptions = {}) => {
          const [id] = await this.writer.append(client, {
            type: type as MessageType,
            payload,
            correlationId: opts.correlationId ?? correlationId,
            traceparent: childTraceparent(trace),
            ...(opts.key === undefined ? {} : { key: opts.key }),
          });
          return id!;
        },
      }),
    );
    // the relay reads at once instead of at its next poll
    return result.then((value) => {
      this.committed();
      return value;
    });
  }
}

/** The same service under the name the guides use: `@Inject() outbox: Outbox` → `outbox.run(...)`. */
export const Outbox = SagaflowTransactions;
/** @see SagaflowTransactions */
export type Outbox = SagaflowTransactions;
