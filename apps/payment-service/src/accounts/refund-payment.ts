import type { PaymentRefunded, RefundPayment } from '@sagaflow/contracts';
import type { PoolClient } from 'pg';
import { bookOnAccount, insertCharge, lockAccount, lockCharge, markRefunded } from './payment-store';

/**
 * Handles RefundPayment (the saga's compensation) in the caller's transaction. Always answers
 * PaymentRefunded, so a compensation is always confirmed: with the amount given back, the same amount
 * again when already refunded, or 0 when nothing was charged. Refunding before any charge leaves a
 * VOIDED record, so a ChargePayment arriving later is declined instead of taking money for a dead order.
 */
export async function refundPayment(client: PoolClient, command: RefundPayment): Promise<PaymentRefunded> {
  const { orderId, customerId } = command;
  const existing = await lockCharge(client, orderId);
  if (!existing) {
    await insertCharge(client, orderId, {
      customerId,
      amount: 0,
      status: 'VOIDED',
      reason: 'refunded before anything was charged',
    });
    return { orderId, customerId, amount: 0 };
  }
  if (existing.status === 'REFUNDED')
    return { orderId, customerId: existing.customerId, amount: existing.amount };
  if (existing.status !== 'CHARGED') return { orderId, customerId: existing.customerId, amount: 0 };
  await lockAccount(client, existing.customerId);
  await bookOnAccount(client, existing.customerId, 'refund', existing.amount);
  await markRefunded(client, orderId, 'COMPENSATION');
  return { orderId, customerId: existing.customerId, amount: existing.amount };
}
