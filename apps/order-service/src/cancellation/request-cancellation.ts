import { OrderCancellationRequested } from '@sagaflow/contracts';
import type { TransactionScope } from '@sagaflow/saga-core';
import { lockOrder, setOrderStatus } from '../orders/order-store';
import { decideCancelRequest, type CancelRequestDecision } from './cancellation-decision';
import { insertCancellation } from './cancellation-store';

/**
 * In the caller's transaction: locks the order, and when it is APPROVED moves it to
 * CANCELLATION_REQUESTED, records the request and emits OrderCancellationRequested — all or nothing, so
 * inventory and payment hear of a cancellation if and only if the order records it.
 * @returns the decision; when not `ok`, nothing was written.
 */
export async function requestCancellation(
  tx: TransactionScope,
  orderId: string,
  reason: string | null,
  now: Date,
): Promise<CancelRequestDecision> {
  const order = await lockOrder(tx.client, orderId);
  const decision = decideCancelRequest(orderId, order);
  if (!decision.ok || !order) return decision;
  await setOrderStatus(tx.client, orderId, 'CANCELLATION_REQUESTED', null);
  await insertCancellation(tx.client, orderId, reason, now);
  await tx.emit(OrderCancellationRequested, { orderId, customerId: order.customerId, reason });
  return decision;
}
