import type { ChargePayment, PaymentCharged, PaymentDeclined } from '@sagaflow/contracts';
import type { PoolClient } from 'pg';
import { decideCharge } from './charge-decision';
import { bookOnAccount, insertCharge, lockAccount, lockCharge } from './payment-store';

/** The reply to ChargePayment. */
export type ChargeOutcome =
  { charged: true; event: PaymentCharged } | { charged: false; event: PaymentDeclined };

/**
 * Handles ChargePayment in the caller's transaction: charges within the credit limit, else declines
 * with the reason. Idempotent per order: asked again, it gives the first answer; an order refunded or
 * voided since is declined (its money must not be taken again).
 */
export async function chargePayment(client: PoolClient, command: ChargePayment): Promise<ChargeOutcome> {
  const { orderId, customerId, amount } = command;
  const existing = await lockCharge(client, orderId);
  if (existing) {
    const base = { orderId, customerId: existing.customerId, amount: existing.amount };
    if (existing.status === 'CHARGED') return { charged: true, event: base };
    if (existing.status === 'DECLINED')
      return { charged: false, event: { ...base, reason: existing.reason ?? 'declined' } };
    return {
      charged: false,
      event: { ...base, amount, reason: `order ${orderId} was already ${existing.status.toLowerCase()}` },
    };
  }
  const account = await lockAccount(client, customerId);
  const decision = decideCharge(account, customerId, amount);
  if (!decision.ok) {
    await insertCharge(client, orderId, { customerId, amount, status: 'DECLINED', reason: decision.reason });
    return { charged: false, event: { orderId, customerId, amount, reason: decision.reason } };
  }
  await insertCharge(client, orderId, { customerId, amount, status: 'CHARGED', reason: null });
  await bookOnAccount(client, customerId, 'charge', amount);
  return { charged: true, event: { orderId, customerId, amount } };
}
