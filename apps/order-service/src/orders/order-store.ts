import type { OrderLine } from '@sagaflow/contracts';
import type { Pool, PoolClient } from 'pg';
import type { CancellationView } from '../cancellation/cancellation-view';
import type { OrderStatus, OrderView } from './order';

/** Inserts a PENDING order and its lines. */
export async function insertOrder(
  client: PoolClient,
  order: { orderId: string; customerId: string; items: readonly OrderLine[]; total: number },
): Promise<void> {
  await client.query(
    /* sql */ `insert into orders.customer_order (order_id, customer_id, status, total) values ($1, $2, 'PENDING', $3)`,
    [order.orderId, order.customerId, order.total],
  );
  await client.query(
    /* sql */ `insert into orders.order_line (order_id, line_no, sku, quantity, unit_price)
               select $1, n, sku, quantity, unit_price
               from unnest($2::text[], $3::int[], $4::bigint[]) with ordinality as l(sku, quantity, unit_price, n)`,
    [
      order.orderId,
      order.items.map((l) => l.sku),
      order.items.map((l) => l.quantity),
      order.items.map((l) => l.unitPrice),
    ],
  );
}

/** The order's status, customer and total, locked `for update`, or undefined. */
export async function lockOrder(
  client: PoolClient,
  orderId: string,
): Promise<{ status: OrderStatus; customerId: string; total: number } | undefined> {
  const r = await client.query<{ status: OrderStatus; customer_id: string; total: string }>(
    /* sql */ `select status, customer_id, total from orders.customer_order where order_id = $1 for update`,
    [orderId],
  );
  const row = r.rows[0];
  return row && { status: row.status, customerId: row.customer_id, total: Number(row.total) };
}

/** Moves the order to `status` with `reason` (null clears it). */
export async function setOrderStatus(
  client: PoolClient,
  orderId: string,
  status: OrderStatus,
  reason: string | null,
): Promise<void> {
  await client.query(
    /* sql */ `update orders.customer_order set status = $2, reason = $3, updated_at = now() where order_id = $1`,
    [orderId, status, reason],
  );
}

/** Records the saga's id on its order (first one wins: a second start is never applied). */
export async function recordSagaId(client: PoolClient, orderId: string, sagaId: string): Promise<void> {
  await client.query(
    /* sql */ `update orders.customer_order set saga_id = $2 where order_id = $1 and saga_id is null`,
    [orderId, sagaId],
  );
}

/** The order with its lines, or undefined. */
export async function findOrder(pool: Pool, orderId: string): Promise<OrderView | undefined> {
  const r = await pool.query<{
    customer_id: string;
    status: OrderStatus;
    reason: string | null;
    total: string;
    saga_id: string | null;
    created_at: Date;
    updated_at: Date;
    items: { sku: string; quantity: number; unitPrice: number }[];
    cancellation: CancellationRow | null;
  }>(
    /* sql */ `select o.customer_id, o.status, o.reason, o.total, o.saga_id, o.created_at, o.updated_at,
                 coalesce(json_agg(json_build_object('sku', l.sku, 'quantity', l.quantity, 'unitPrice', l.unit_price) order by l.line_no)
                          filter (where l.order_id is not null), '[]') as items,
                 (select row_to_json(c) from orders.order_cancellation c where c.order_id = o.order_id) as cancellation
               from orders.customer_order o left join orders.order_line l using (order_id)
               where o.order_id = $1
               group by o.order_id`,
    [orderId],
  );
  const row = r.rows[0];
  if (!row) return undefined;
  return {
    orderId,
    customerId: row.customer_id,
    status: row.status,
    reason: row.reason,
    total: Number(row.total),
    items: row.items.map((l) => ({ ...l, unitPrice: Number(l.unitPrice) })),
    sagaId: row.saga_id,
    cancellation: row.cancellation && cancellationView(row.cancellation),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** `orders.order_cancellation` as `row_to_json` gives it (timestamps as strings). */
interface CancellationRow {
  reason: string | null;
  requested_at: string;
  stock_outcome: 'RESTOCKED' | 'REFUSED' | null;
  stock_note: string | null;
  payment_outcome: 'REFUNDED' | 'REFUSED' | null;
  payment_note: string | null;
  refunded_amount: number | null;
  completed_at: string | null;
}

function cancellationView(c: CancellationRow): CancellationView {
  const iso = (t: string | null) => (t === null ? null : new Date(t).toISOString());
  return {
    reason: c.reason,
    requestedAt: iso(c.requested_at)!,
    stock: c.stock_outcome && { outcome: c.stock_outcome, note: c.stock_note },
    payment: c.payment_outcome && {
      outcome: c.payment_outcome,
      note: c.payment_note,
      refundedAmount: c.refunded_amount === null ? null : Number(c.refunded_amount),
    },
    completedAt: iso(c.completed_at),
  };
}
