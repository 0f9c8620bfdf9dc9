import type { StockLine, StockShortage } from '@sagaflow/contracts';
import type { PoolClient } from 'pg';

/** A reservation's status (see inventory-migrations.ts). */
export type ReservationStatus = 'RESERVED' | 'REJECTED' | 'RELEASED' | 'RESTOCKED';

/** One order's reservation, locked for the transaction. */
export interface ReservationRow {
  status: ReservationStatus;
  reason: string | null;
  shortages: StockShortage[];
  lines: StockLine[];
}

/** The order's reservation with its lines, locked `for update`, or undefined. */
export async function lockReservation(
  client: PoolClient,
  orderId: string,
): Promise<ReservationRow | undefined> {
  const r = await client.query<{
    status: ReservationStatus;
    reason: string | null;
    shortages: StockShortage[];
  }>(/* sql */ `select status, reason, shortages from inventory.reservation where order_id = $1 for update`, [
    orderId,
  ]);
  const row = r.rows[0];
  if (!row) return undefined;
  const lines = await client.query<StockLine>(
    /* sql */ `select sku, quantity from inventory.reservation_line where order_id = $1 order by sku`,
    [orderId],
  );
  return { ...row, lines: lines.rows };
}

/**
 * Locks the stock rows of `skus` in SKU order and returns what is available. Every transaction that
 * touches several SKUs locks them in this one order, so two orders never deadlock on each other.
 */
export async function lockStock(client: PoolClient, skus: readonly string[]): Promise<Map<string, number>> {
  const sorted = [...new Set(skus)].sort();
  const r = await client.query<{ sku: string; available: number }>(
    /* sql */ `select sku, available from inventory.stock where sku = any($1::text[]) order by sku for update`,
    [sorted],
  );
  return new Map(r.rows.map((row) => [row.sku, row.available]));
}

/** Records the answer to an order's request (any status), with the lines it holds. */
export async function insertReservation(
  client: PoolClient,
  orderId: string,
  status: ReservationStatus,
  details: { reason?: string; shortages?: StockShortage[]; lines?: StockLine[] } = {},
): Promise<void> {
  await client.query(
    /* sql */ `insert into inventory.reservation (order_id, status, reason, shortages) values ($1, $2, $3, $4)`,
    [orderId, status, details.reason ?? null, JSON.stringify(details.shortages ?? [])],
  );
  const lines = details.lines ?? [];
  if (lines.length > 0) {
    await client.query(
      /* sql */ `insert into inventory.reservation_line (order_id, sku, quantity)
                 select $1, sku, quantity from unnest($2::text[], $3::int[]) as l(sku, quantity)`,
      [orderId, lines.map((l) => l.sku), lines.map((l) => l.quantity)],
    );
  }
}

/** Moves a reservation to `status`. */
export async function setReservationStatus(
  client: PoolClient,
  orderId: string,
  status: ReservationStatus,
): Promise<void> {
  await client.query(
    /* sql */ `update inventory.reservation set status = $2, updated_at = now() where order_id = $1`,
    [orderId, status],
  );
}

/**
 * Moves units between available and reserved: `direction` `hold` takes them off the shelf, `return`
 * puts them back. The caller has locked the rows ({@link lockStock}).
 */
export async function moveStock(
  client: PoolClient,
  lines: readonly StockLine[],
  direction: 'hold' | 'return',
): Promise<void> {
  if (lines.length === 0) return;
  const sign = direction === 'hold' ? 1 : -1;
  await client.query(
    /* sql */ `update inventory.stock s
               set available = s.available - l.quantity * $3, reserved = s.reserved + l.quantity * $3, updated_at = now()
               from unnest($1::text[], $2::int[]) as l(sku, quantity)
               where s.sku = l.sku`,
    [lines.map((l) => l.sku), lines.map((l) => l.quantity), sign],
  );
}
