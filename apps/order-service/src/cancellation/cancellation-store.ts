import type { PoolClient } from 'pg';
import type { CancellationAnswer } from './cancellation-decision';

/** Records the cancellation request of an order (its answers come later). */
export async function insertCancellation(
  client: PoolClient,
  orderId: string,
  reason: string | null,
  requestedAt: Date,
): Promise<void> {
  await client.query(
    /* sql */ `insert into orders.order_cancellation (order_id, reason, requested_at) values ($1, $2, $3)`,
    [orderId, reason, requestedAt],
  );
}

/**
 * The answers recorded for an order's cancellation: undefined when none was requested, null for a part
 * that has not answered. Call it after locking the order: the lock serializes the two answers.
 */
export async function loadCancellationAnswers(
  client: PoolClient,
  orderId: string,
): Promise<
  | {
      stock: { done: boolean; note: string | null } | null;
      payment: { done: boolean; note: string | null } | null;
    }
  | undefined
> {
  const r = await client.query<{
    stock_outcome: string | null;
    stock_note: string | null;
    payment_outcome: string | null;
    payment_note: string | null;
  }>(
    /* sql */ `select stock_outcome, stock_note, payment_outcome, payment_note
               from orders.order_cancellation where order_id = $1`,
    [orderId],
  );
  const row = r.rows[0];
  if (!row) return undefined;
  return {
    stock:
      row.stock_outcome === null ? null : { done: row.stock_outcome !== 'REFUSED', note: row.stock_note },
    payment:
      row.payment_outcome === null
        ? null
        : { done: row.payment_outcome !== 'REFUSED', note: row.payment_note },
  };
}

/** Records one service's answer. */
export async function recordCancellationAnswer(
  client: PoolClient,
  orderId: string,
  answer: CancellationAnswer,
): Promise<void> {
  const sql =
    answer.part === 'stock'
      ? /* sql */ `update orders.order_cancellation set stock_outcome = $2, stock_note = $3 where order_id = $1`
      : /* sql */ `update orders.order_cancellation set payment_outcome = $2, payment_note = $3, refunded_amount = $4
                   where order_id = $1`;
  const outcome = !answer.done ? 'REFUSED' : answer.part === 'stock' ? 'RESTOCKED' : 'REFUNDED';
  const params: unknown[] = [orderId, outcome, answer.note];
  if (answer.part === 'payment') params.push(answer.done ? (answer.refundedAmount ?? null) : null);
  await client.query(sql, params);
}

/** Marks the cancellation complete (both answered). */
export async function completeCancellation(client: PoolClient, orderId: string, at: Date): Promise<void> {
  await client.query(/* sql */ `update orders.order_cancellation set completed_at = $2 where order_id = $1`, [
    orderId,
    at,
  ]);
}
