import type { ServiceMigration } from '@sagaflow/service-kit';

/** The schema order-service owns (`order` is a reserved word in SQL). */
export const orderSchema = 'orders';

/** order-service's tables: an order, its lines, where its saga left it, and its cancellation (decision 0035). */
export const orderMigrations: readonly ServiceMigration[] = Object.freeze([
  {
    version: 1,
    name: 'create orders',
    sql: /* sql */ `
      create table orders.customer_order (
        order_id text primary key,
        customer_id text not null,
        status text not null check (status in ('PENDING', 'APPROVED', 'REJECTED', 'CANCELLING', 'CANCELLED')),
        reason text,
        total bigint not null check (total > 0),
        saga_id text,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );
      create index customer_order_status_idx on orders.customer_order (status);
      create table orders.order_line (
        order_id text not null references orders.customer_order (order_id),
        line_no integer not null,
        sku text not null,
        quantity integer not null check (quantity > 0),
        unit_price bigint not null check (unit_price >= 0),
        primary key (order_id, line_no)
      );
    `,
  },
  {
    version: 2,
    name: 'cancellation flow',
    // CANCELLING was reserved in version 1 and never written: the flow names its states after the facts
    sql: /* sql */ `
      alter table orders.customer_order drop constraint customer_order_status_check;
      alter table orders.customer_order add constraint customer_order_status_check
        check (status in ('PENDING', 'APPROVED', 'REJECTED', 'CANCELLATION_REQUESTED', 'CANCELLED'));
      -- one row per cancelled order: the request, and each service's answer as it arrives
      create table orders.order_cancellation (
        order_id text primary key references orders.customer_order (order_id),
        reason text,
        requested_at timestamptz not null,
        stock_outcome text check (stock_outcome in ('RESTOCKED', 'REFUSED')),
        stock_note text,
        payment_outcome text check (payment_outcome in ('REFUNDED', 'REFUSED')),
        payment_note text,
        refunded_amount bigint,
        completed_at timestamptz
      );
    `,
  },
]);
