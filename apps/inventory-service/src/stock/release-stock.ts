import type { ReleaseStock, StockReleased } from '@sagaflow/contracts';
import type { PoolClient } from 'pg';
import {
  insertReservation,
  lockReservation,
  lockStock,
  moveStock,
  setReservationStatus,
} from './stock-store';

/**
 * Handles ReleaseStock (the saga's compensation) in the caller's transaction. Always answers
 * StockReleased, so a compensation is always confirmed: with the lines put back, the same lines again
 * when already released, or none when nothing was held. Releasing before any reservation leaves a
 * RELEASED record, so a ReserveStock arriving later is rejected instead of holding stock forever.
 */
export async function releaseStock(client: PoolClient, command: ReleaseStock): Promise<StockReleased> {
  const { orderId } = command;
  const existing = await lockReservation(client, orderId);
  if (!existing) {
    await insertReservation(client, orderId, 'RELEASED', { reason: 'released before anything was reserved' });
    return { orderId, items: [] };
  }
  if (existing.status === 'RELEASED') return { orderId, items: existing.lines };
  if (existing.status !== 'RESERVED') return { orderId, items: [] };
  await lockStock(
    client,
    existing.lines.map((l) => l.sku),
  );
  await moveStock(client, existing.lines, 'return');
  await setReservationStatus(client, orderId, 'RELEASED');
  return { orderId, items: existing.lines };
}
