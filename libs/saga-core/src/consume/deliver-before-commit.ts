import { ConcurrencyConflictError, type OutboxWriter } from '@sagaflow/outbox-relay';
import { ConsumingTransaction } from './consuming-transaction';
import {
  deliverInProcess,
  InProcessDeliveryFailed,
  type DeliveredInProcess,
  type InProcessDelivery,
} from './deliver-in-process';

/**
 * The end of a business transaction (`SagaflowTransactions.run`) in a service that delivers in process:
 * what the caller emitted is applied by the service's own consumers before the commit, then written. The
 * caller's work cannot be replayed, so the deliveries run under a savepoint: when one fails, or loses a
 * race for a saga instance, they are rolled back and only the caller's messages are written, for Kafka to
 * bring them as usual.
 * @returns what was applied in process (to report after the commit); empty after a fallback.
 */
export async function deliverBeforeCommit(
  tx: ConsumingTransaction,
  writer: OutboxWriter,
  d: InProcessDelivery,
): Promise<DeliveredInProcess[]> {
  const own = tx.emittedSince(0);
  const delivered: DeliveredInProcess[] = [];
  if (own.every((e) => !d.consumers.has(e.entry.type.name))) {
    await tx.flush();
    return delivered;
  }
  await tx.client.query('savepoint sagaflow_in_process');
  try {
    await deliverInProcess(tx, d, own, new Date(), delivered);
    await tx.flush();
    return delivered;
  } catch (error) {
    const failure =
      error instanceof InProcessDeliveryFailed
        ? error
        : error instanceof ConcurrencyConflictError
          ? new InProcessDeliveryFailed(own[0]!.entry.messageId!, 'saga instance', error)
          : undefined;
    if (!failure) throw error;
    await tx.client.query('rollback to savepoint sagaflow_in_process');
    d.fellBack(failure);
    const plain = new ConsumingTransaction(tx.client, writer);
    plain.queue(own);
    await plain.flush();
    return [];
  }
}
