import type { ServiceMigration } from '@sagaflow/service-kit';

/** The schema inventory-service owns. */
export const inventorySchema = 'inventory';

/**
 * inventory-service's tables. Stock is conserved: per SKU, `available + reserved` only changes by
 * seeding, and `reserved` equals the lines of RESERVED reservations. The CHECKs make overselling
 * impossible even if the code were wrong.
 */
export const inventoryMigrations: readonly ServiceMigration[] = Object.freeze([
  {
    version: 1,
    name: 'create stock and reservations',
    sql: /* sql */ `
      create table inventory.stock (
        sku text primary key,
        available integer not null check (available >= 0),
        reserved integer not null default 0 check (reserved >= 0),
        updated_at timestamptz not null default now()
      );
      -- one row per order that asked for stock, whatever the answer: it makes every command idempotent
      -- per order, and a RELEASED row written before any reservation stops a late ReserveStock
      create table inventory.reservation (
        order_id text primary key,
        status text not null check (status in ('RESERVED', 'REJECTED', 'RELEASED', 'RESTOCKED')),
        reason text,
        shortages jsonb not null default '[]',
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );
      create table inventory.reservation_line (
        order_id text not null references inventory.reservation (order_id),
        sku text not null,
        quantity integer not null check (quantity > 0),
        primary key (order_id, sku)
      );
    `,
  },
]);
