import type { PoolClient } from 'pg';
import type { AccountBalance } from './charge-decision';

/** A charge's status (see payment-migrations.ts). */
export type ChargeStatus = 'CHARGED' | 'DECLINED' | 'REFUNDED' | 'VOIDED';

/** One order's charge record, locked for the transaction. Amounts in cents. */
export interface ChargeRow {
  customerId: string;
  amount: number;
  status: ChargeStatus;
  reason: string | null;
  refundCause: 'COMPENSATION' | 'CANCELLATION' | null;
}

// pg returns bigint columns as strings (they may exceed 2^53); cents of this demo never do.
const cents = (v: string | number): number => Number(v);

/** The order's charge, locked `for update`, or undefined. */
export async function lockCharge(client: PoolClient, orderId: string): Promise<ChargeRow | undefined> {
  const r = await client.query<{
    customer_id: string;
    amount: string;
    status: ChargeStatus;
    reason: string | null;
    refund_cause: ChargeRow['refundCause'];
  }>(
    /* sql */ `select customer_id, amount, status, reason, refund_cause from payment.charge where order_id = $1 for update`,
    [orderId],
  );
  const row = r.rows[0];
  return (
    row && {
      customerId: row.customer_id,
      amount: cents(row.amount),
      status: row.status,
      reason: row.reason,
      refundCause: row.refund_cause,
    }
  );
}

/** The customer's account, locked `for update`, or undefined. */
export async function lockAccount(
  client: PoolClient,
  customerId: string,
): Promise<AccountBalance | undefined> {
  const r = await client.query<{ credit_limit: string; charged: string; refunded: string }>(
    /* sql */ `select credit_limit, charged, refunded from payment.account where customer_id = $1 for update`,
    [customerId],
  );
  const row = r.rows[0];
  return (
    row && {
      creditLimit: cents(row.credit_limit),
      charged: cents(row.charged),
      refunded: cents(row.refunded),
    }
  );
}

/** Records the answer to an order's charge request (any status). */
export async function insertCharge(
  client: PoolClient,
  orderId: string,
  row: Omit<ChargeRow, 'refundCause'>,
): Promise<void> {
  await client.query(
    /* sql */ `insert into payment.charge (order_id, customer_id, amount, status, reason) values ($1, $2, $3, $4, $5)`,
    [orderId, row.customerId, row.amount, row.status, row.reason],
  );
}

/** Adds `amount` to the account's charged (`charge`) or refunded (`refund`) total. The caller holds its lock. */
export async function bookOnAccount(
  client: PoolClient,
  customerId: string,
  kind: 'charge' | 'refund',
  amount: number,
): Promise<void> {
  const column = kind === 'charge' ? 'charged' : 'refunded';
  await client.query(
    /* sql */ `update payment.account set ${column} = ${column} + $2, updated_at = now() where customer_id = $1`,
    [customerId, amount],
  );
}

/** Marks the order's charge REFUNDED, recording whether the saga or a cancellation asked. */
export async function markRefunded(
  client: PoolClient,
  orderId: string,
  cause: 'COMPENSATION' | 'CANCELLATION',
): Promise<void> {
  await client.query(
    /* sql */ `update payment.charge set status = 'REFUNDED', refund_cause = $2, updated_at = now() where order_id = $1`,
    [orderId, cause],
  );
}
