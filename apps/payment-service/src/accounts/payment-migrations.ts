import type { ServiceMigration } from '@sagaflow/service-kit';

/** The schema payment-service owns. */
export const paymentSchema = 'payment';

/**
 * payment-service's tables. Money is conserved: per customer, `charged − refunded` equals the amounts of
 * CHARGED charges, and never exceeds the credit limit at the time of charging. Amounts are cents.
 */
export const paymentMigrations: readonly ServiceMigration[] = Object.freeze([
  {
    version: 1,
    name: 'create accounts and charges',
    sql: /* sql */ `
      create table payment.account (
        customer_id text primary key,
        credit_limit bigint not null check (credit_limit >= 0),
        charged bigint not null default 0 check (charged >= 0),
        refunded bigint not null default 0 check (refunded >= 0),
        updated_at timestamptz not null default now(),
        check (refunded <= charged)
      );
      -- one row per order that asked for money, whatever the answer: it makes every command idempotent
      -- per order, and a VOIDED row (refunded before any charge) stops a late ChargePayment
      create table payment.charge (
        order_id text primary key,
        customer_id text not null,
        amount bigint not null check (amount >= 0),
        status text not null check (status in ('CHARGED', 'DECLINED', 'REFUNDED', 'VOIDED')),
        reason text,
        refund_cause text check (refund_cause in ('COMPENSATION', 'CANCELLATION')),
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );
      create index charge_customer_idx on payment.charge (customer_id);
    `,
  },
]);
