import type { ServiceMigration } from '@sagaflow/service-kit';

/** The schema order-service owns (`order` is a reserved word in SQL). */
export const orderSchema = 'orders';

/** order-service's tables: an order, its lines, and where its saga left it. */
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
]);
