import type { PoolClient } from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import './support/provided-context';
import { chargePayment } from '../src/accounts/charge-payment';
import { paymentMigrations, paymentSchema } from '../src/accounts/payment-migrations';
import { refundCancelledOrder } from '../src/accounts/refund-cancelled-order';
import { refundPayment } from '../src/accounts/refund-payment';
import { createServiceTestDatabase, type ServiceTestDatabase } from '@sagaflow/service-kit/testing';

// The participant's rules on real PostgreSQL: concurrent charges against one account are what the
// account row lock is for, and only a real database shows it holds.
const stack = inject('stack');
let db: ServiceTestDatabase;
const tx = <T>(work: (client: PoolClient) => Promise<T>): Promise<T> => db.inTx(work);

const open = (customerId: string, creditLimit: number) =>
  db.pool.query(`insert into payment.account (customer_id, credit_limit) values ($1, $2)`, [
    customerId,
    creditLimit,
  ]);
const account = async (customerId: string) => {
  const r = await db.pool.query<{ charged: string; refunded: string }>(
    `select charged, refunded from payment.account where customer_id = $1`,
    [customerId],
  );
  return { charged: Number(r.rows[0]!.charged), refunded: Number(r.rows[0]!.refunded) };
};

beforeAll(async () => {
  db = await createServiceTestDatabase(stack.databaseUrl, 'payment_spec', paymentSchema, paymentMigrations);
});

afterAll(async () => {
  await db?.drop();
});

describe('payments on PostgreSQL', () => {
  it('never exceeds the credit limit: 20 concurrent charges of 300 against 1000 charge exactly 3', async () => {
    await open('busy', 1_000);
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        tx((c) => chargePayment(c, { orderId: `busy-${i}`, customerId: 'busy', amount: 300 })),
      ),
    );
    expect(outcomes.filter((o) => o.charged)).toHaveLength(3);
    expect(outcomes.find((o) => !o.charged)?.event).toMatchObject({
      reason: 'credit limit exceeded: 300 cents requested, 100 available',
    });
    expect(await account('busy')).toEqual({ charged: 900, refunded: 0 });
  });

  it('answers a repeated ChargePayment with its first answer, charging once', async () => {
    await open('rep', 10_000);
    const first = await tx((c) => chargePayment(c, { orderId: 'rep-1', customerId: 'rep', amount: 2_500 }));
    expect(first).toEqual({ charged: true, event: { orderId: 'rep-1', customerId: 'rep', amount: 2_500 } });
    expect(await tx((c) => chargePayment(c, { orderId: 'rep-1', customerId: 'rep', amount: 2_500 }))).toEqual(
      first,
    );
    expect(await account('rep')).toEqual({ charged: 2_500, refunded: 0 });
    const declined = await tx((c) => chargePayment(c, { orderId: 'rep-2', customerId: 'nobody', amount: 1 }));
    expect(declined).toMatchObject({ charged: false, event: { reason: 'no account for customer nobody' } });
    expect(await tx((c) => chargePayment(c, { orderId: 'rep-2', customerId: 'nobody', amount: 1 }))).toEqual(
      declined,
    );
  });

  it('refunds once, confirms again with the same amount, and confirms 0 when nothing was charged', async () => {
    await open('ref', 10_000);
    await tx((c) => chargePayment(c, { orderId: 'ref-1', customerId: 'ref', amount: 700 }));
    const first = await tx((c) => refundPayment(c, { orderId: 'ref-1', customerId: 'ref' }));
    expect(first).toEqual({ orderId: 'ref-1', customerId: 'ref', amount: 700 });
    expect(await tx((c) => refundPayment(c, { orderId: 'ref-1', customerId: 'ref' }))).toEqual(first);
    expect(await account('ref')).toEqual({ charged: 700, refunded: 700 });

    await tx((c) => chargePayment(c, { orderId: 'ref-2', customerId: 'ref', amount: 999_999 }));
    expect(await tx((c) => refundPayment(c, { orderId: 'ref-2', customerId: 'ref' }))).toEqual({
      orderId: 'ref-2',
      customerId: 'ref',
      amount: 0,
    });
    expect(await account('ref')).toEqual({ charged: 700, refunded: 700 });
  });

  it('a refund that arrives before its charge leaves a tombstone: the late charge is declined', async () => {
    await open('early', 10_000);
    expect(await tx((c) => refundPayment(c, { orderId: 'early-1', customerId: 'early' }))).toMatchObject({
      amount: 0,
    });
    const late = await tx((c) => chargePayment(c, { orderId: 'early-1', customerId: 'early', amount: 100 }));
    expect(late).toMatchObject({ charged: false, event: { reason: 'order early-1 was already voided' } });
    expect(await account('early')).toEqual({ charged: 0, refunded: 0 });
  });

  it('a cancellation refunds once and replays; a charge the saga already refunded is refused with the reason', async () => {
    await open('can', 10_000);
    await tx((c) => chargePayment(c, { orderId: 'can-1', customerId: 'can', amount: 400 }));
    const cancel = { orderId: 'can-1', customerId: 'can', reason: null };
    const first = await tx((c) => refundCancelledOrder(c, cancel));
    expect(first).toEqual({ refunded: true, event: { orderId: 'can-1', customerId: 'can', amount: 400 } });
    expect(await tx((c) => refundCancelledOrder(c, cancel))).toEqual(first);
    expect(await account('can')).toEqual({ charged: 400, refunded: 400 });

    await tx((c) => chargePayment(c, { orderId: 'can-2', customerId: 'can', amount: 100 }));
    await tx((c) => refundPayment(c, { orderId: 'can-2', customerId: 'can' }));
    expect(await tx((c) => refundCancelledOrder(c, { ...cancel, orderId: 'can-2' }))).toEqual({
      refunded: false,
      event: { orderId: 'can-2', customerId: 'can', reason: 'order can-2 was already refunded' },
    });
  });

  it('money is conserved: per customer, charged − refunded equals the CHARGED amounts', async () => {
    const r = await db.pool.query<{ customer_id: string; owed: string; held: string | null }>(`
      select a.customer_id, a.charged - a.refunded as owed,
             (select sum(amount) from payment.charge c where c.customer_id = a.customer_id and c.status = 'CHARGED') as held
      from payment.account a`);
    expect(r.rows.length).toBeGreaterThan(0);
    for (const row of r.rows) expect(Number(row.owed), row.customer_id).toBe(Number(row.held ?? 0));
  });
});
