import { SpanKind } from '@opentelemetry/api';
import {
  endSpan,
  newMessageId,
  newTraceparent,
  recordingTraceparent,
  startSpan,
  type MessageType,
  type OutboxEntry,
  type OutboxWriter,
} from '@sagaflow/outbox-relay';
import type { Pool, PoolClient } from 'pg';
import { ConsumingTransaction } from '../consume/consuming-transaction';
import { deliverBeforeCommit } from '../consume/deliver-before-commit';
import type { DeliveredInProcess, InProcessDelivery } from '../consume/deliver-in-process';
import { inTransaction } from './in-transaction';

/** Options of {@link TransactionScope.emit}. */
export interface EmitOptions {
  /** The business transaction id; default: the run's (a new UUIDv7 per run). */
  correlationId?: string;
  /** Overrides the type's key of the payload. */
  key?: string;
  /**
   * The message-id of the message this one answers or follows, when it is sent outside a handler (a late
   * reply a person sends, a retry from an admin page), so the monitor's causation tree links it.
   */
  causationId?: string;
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
  private inProcess: InProcessDelivery | undefined;

  /** @internal built by the runtime */
  constructor(
    private readonly pool: Pool,
    private readonly writer: OutboxWriter,
    private readonly committed: () => void = () => undefined,
  ) {}

  /** @internal set by the runtime once its consumers are known, when it delivers in process */
  deliverInProcess(delivery: InProcessDelivery): void {
    this.inProcess = delivery;
  }

  /**
   * Runs `fn` in one transaction; commits when it resolves, rolls back when it throws.
   * @param options.correlationId the business transaction id (default: a new UUIDv7).
   */
  run<T>(fn: (tx: TransactionScope) => Promise<T>, options: { correlationId?: string } = {}): Promise<T> {
    const correlationId = options.correlationId ?? newMessageId();
    // the root of the saga's trace, or a child of the caller's span (an HTTP request's) when there is one
    const span = startSpan('business transaction', SpanKind.INTERNAL, undefined, {
      'sagaflow.correlation_id': correlationId,
      'db.system.name': 'postgresql',
    });
    const trace = recordingTraceparent(span) ?? newTraceparent();
    const entry = <P>(type: MessageType<P>, payload: P, opts: EmitOptions): OutboxEntry => ({
      type: type as MessageType,
      payload,
      correlationId: opts.correlationId ?? correlationId,
      traceparent: trace,
      ...(opts.key === undefined ? {} : { key: opts.key }),
      ...(opts.causationId === undefined ? {} : { causationId: opts.causationId }),
    });
    const inProcess = this.inProcess;
    let delivered: DeliveredInProcess[] = [];
    const result = inTransaction(this.pool, async (client) => {
      if (!inProcess)
        return fn({
          client,
          correlationId,
          emit: async (type, payload, opts = {}) =>
            (await this.writer.append(client, entry(type, payload, opts)))[0]!,
        });
      // the messages are validated at emit and written at the end, after the service's own consumers
      // applied them (docs/decisions/0067)
      const tx = new ConsumingTransaction(client, this.writer);
      const value = await fn({
        client,
        correlationId,
        emit: async (type, payload, opts = {}) => tx.emit([entry(type, payload, opts)])[0]!,
      });
      delivered = await deliverBeforeCommit(tx, this.writer, inProcess);
      return value;
    });
    // the relay reads at once instead of at its next poll
    return result.then(
      (value) => {
        endSpan(span);
        if (delivered.length > 0) {
          for (const { message } of delivered) inProcess!.applied.add(message.headers.messageId);
          inProcess!.report(delivered);
        }
        this.committed();
        return value;
      },
      (error: unknown) => {
        endSpan(span, error);
        throw error;
      },
    );
  }
}

/** The same service under the name the guides use: `@Inject() outbox: Outbox` → `outbox.run(...)`. */
export const Outbox = SagaflowTransactions;
/** @see SagaflowTransactions */
export type Outbox = SagaflowTransactions;
