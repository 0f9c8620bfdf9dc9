import type {
  OrderCancellationRequested,
  PaymentRefundedForCancellation,
  PaymentRefundRefused,
} from '@sagaflow/contracts';
import type { PoolClient } from 'pg';
import { bookOnAccount, lockAccount, lockCharge, markRefunded } from './payment-store';

/** Payment's answer to a cancellation. */
export type CancellationRefundOutcome =
  | { refunded: true; event: PaymentRefundedForCancellation }
  | { refunded: false; event: PaymentRefundRefused };

/**
 * Choreography: a customer cancelled an approved order, so its charge is refunded. Idempotent: refunded
 * for this cancellation already → the same event; refunded by the saga, declined or never charged →
 * PaymentRefundRefused saying why.
 */
export async function refundCancelledOrder(
  client: PoolClient,
  event: OrderCancellationRequested,
): Promise<CancellationRefundOutcome> {
  const { orderId, customerId } = event;
  const existing = await lockCharge(client, orderId);
  if (!existing)
    return { refunded: false, event: { orderId, customerId, reason: `no charge for order ${orderId}` } };
  const done = { orderId, customerId: existing.customerId, amount: existing.amount };
  if (existing.status === 'REFUNDED') {
    if (existing.refundCause === 'CANCELLATION') return { refunded: true, event: done };
    return {
      refunded: false,
      event: { orderId, customerId, reason: `order ${orderId} was already refunded` },
    };
  }
  if (existing.status !== 'CHARGED') {
    return {
      refunded: false,
      event: {
        orderId,
        customerId,
        reason: `order ${orderId} was ${existing.status.toLowerCase()}, nothing to refund`,
      },
    };
  }
  await lockAccount(client, existing.customerId);
  await bookOnAccount(client, existing.customerId, 'refund', existing.amount);
  await markRefunded(client, orderId, 'CANCELLATION');
  return { refunded: true, event: done };
}
