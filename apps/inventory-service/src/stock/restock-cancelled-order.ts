import type { OrderCancellationRequested, StockRestocked, StockRestockRefused } from '@sagaflow/contracts';
import type { PoolClient } from 'pg';
import { lockReservation, lockStock, moveStock, setReservationStatus } from './stock-store';

/** Inventory's answer to a cancellation. */
export type RestockOutcome =
  { restocked: true; event: StockRestocked } | { restocked: false; event: StockRestockRefused };

/**
 * Choreography: a customer cancelled an approved order, so its reserved units go back on the shelf.
 * Idempotent: restocked already → the same StockRestocked; nothing held → StockRestockRefused saying why.
 */
export async function restockCancelledOrder(
  client: PoolClient,
  event: OrderCancellationRequested,
): Promise<RestockOutcome> {
  const { orderId } = event;
  const existing = await lockReservation(client, orderId);
  if (!existing)
    return {
      restocked: false,
      event: { orderId, reason: `inventory holds no reservation for order ${orderId}` },
    };
  if (existing.status === 'RESTOCKED') return { restocked: true, event: { orderId, items: existing.lines } };
  if (existing.status !== 'RESERVED') {
    return {
      restocked: false,
      event: {
        orderId,
        reason: `the reservation of order ${orderId} is ${existing.status.toLowerCase()}, nothing to restock`,
      },
    };
  }
  await lockStock(
    client,
    existing.lines.map((l) => l.sku),
  );
  await moveStock(client, existing.lines, 'return');
  await setReservationStatus(client, orderId, 'RESTOCKED');
  return { restocked: true, event: { orderId, items: existing.lines } };
}
