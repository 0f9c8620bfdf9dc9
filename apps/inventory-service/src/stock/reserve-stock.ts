import type { ReserveStock, StockRejected, StockReserved } from '@sagaflow/contracts';
import type { PoolClient } from 'pg';
import { mergeLines, planReservation } from './reservation-plan';
import { insertReservation, lockReservation, lockStock, moveStock } from './stock-store';

/** The reply to ReserveStock. */
export type ReserveOutcome =
  { reserved: true; event: StockReserved } | { reserved: false; event: StockRejected };

/**
 * Handles ReserveStock in the caller's transaction: all lines or none, never more than is available.
 * Idempotent per order: asked again, it gives the answer it gave the first time (a reservation released
 * since, or released before it was ever made, is rejected: the saga has moved on).
 */
export async function reserveStock(client: PoolClient, command: ReserveStock): Promise<ReserveOutcome> {
  const { orderId } = command;
  const existing = await lockReservation(client, orderId);
  if (existing) {
    switch (existing.status) {
      case 'RESERVED':
        return { reserved: true, event: { orderId, items: existing.lines } };
      case 'REJECTED':
        return {
          reserved: false,
          event: { orderId, reason: existing.reason ?? 'rejected', shortages: existing.shortages },
        };
      default:
        return {
          reserved: false,
          event: {
            orderId,
            reason: `the reservation of order ${orderId} was already ${existing.status.toLowerCase()}`,
            shortages: [],
          },
        };
    }
  }
  const available = await lockStock(
    client,
    mergeLines(command.items).map((l) => l.sku),
  );
  const plan = planReservation(command.items, available);
  if (!plan.ok) {
    await insertReservation(client, orderId, 'REJECTED', { reason: plan.reason, shortages: plan.shortages });
    return { reserved: false, event: { orderId, reason: plan.reason, shortages: plan.shortages } };
  }
  await insertReservation(client, orderId, 'RESERVED', { lines: plan.lines });
  await moveStock(client, plan.lines, 'hold');
  return { reserved: true, event: { orderId, items: plan.lines } };
}
