import type { PoolClient } from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import './support/provided-context';
import { runServiceMigrations } from '@sagaflow/service-kit';
import { createServiceTestDatabase, type ServiceTestDatabase } from '@sagaflow/service-kit/testing';
import { inventoryMigrations, inventorySchema } from '../src/stock/inventory-migrations';
import { releaseStock } from '../src/stock/release-stock';
import { reserveStock } from '../src/stock/reserve-stock';
import { restockCancelledOrder } from '../src/stock/restock-cancelled-order';

// The participant's rules on real PostgreSQL: row locks, CHECKs and concurrent transactions are exactly
// what an in-memory model cannot show.
const stack = inject('stack');
let db: ServiceTestDatabase;
const tx = <T>(work: (client: PoolClient) => Promise<T>): Promise<T> => db.inTx(work);

const seed = (sku: string, quantity: number) =>
  db.pool.query(
    `insert into inventory.stock (sku, available) values ($1, $2) on conflict (sku) do update set available = $2, reserved = 0`,
    [sku, quantity],
  );
const stock = async (sku: string) =>
  (
    await db.pool.query<{ available: number; reserved: number }>(
      `select available, reserved from inventory.stock where sku = $1`,
      [sku],
    )
  ).rows[0];

beforeAll(async () => {
  db = await createServiceTestDatabase(
    stack.databaseUrl,
    'inventory_spec',
    inventorySchema,
    inventoryMigrations,
  );
});

afterAll(async () => {
  await db?.drop();
});

describe('inventory on PostgreSQL', () => {
  it('never oversells: 20 concurrent orders for the last 5 units reserve exactly 5', async () => {
    await seed('LAST', 5);
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        tx((c) => reserveStock(c, { orderId: `last-${i}`, items: [{ sku: 'LAST', quantity: 1 }] })),
      ),
    );
    expect(outcomes.filter((o) => o.reserved)).toHaveLength(5);
    expect(await stock('LAST')).toEqual({ available: 0, reserved: 5 });
  });

  it('orders over the same SKUs listed in opposite orders do not deadlock (rows are locked in SKU order)', async () => {
    await seed('X', 1_000);
    await seed('Y', 1_000);
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, (_, i) => {
        const lines = [
          { sku: 'X', quantity: 1 },
          { sku: 'Y', quantity: 2 },
        ];
        return tx((c) =>
          reserveStock(c, { orderId: `xy-${i}`, items: i % 2 ? lines : [...lines].reverse() }),
        );
      }),
    );
    expect(outcomes.every((o) => o.reserved)).toBe(true);
    expect(await stock('X')).toEqual({ available: 960, reserved: 40 });
    expect(await stock('Y')).toEqual({ available: 920, reserved: 80 });
  });

  it('reserves all lines or none, and answers a repeated ReserveStock with its first answer', async () => {
    await seed('P', 3);
    await seed('Q', 1);
    const rejected = await tx((c) =>
      reserveStock(c, {
        orderId: 'pq-1',
        items: [
          { sku: 'P', quantity: 2 },
          { sku: 'Q', quantity: 2 },
        ],
      }),
    );
    expect(rejected).toEqual({
      reserved: false,
      event: {
        orderId: 'pq-1',
        reason: 'out of stock: Q (requested 2, available 1)',
        shortages: [{ sku: 'Q', requested: 2, available: 1 }],
      },
    });
    expect(await stock('P')).toEqual({ available: 3, reserved: 0 });
    await seed('Q', 10);
    expect(await tx((c) => reserveStock(c, { orderId: 'pq-1', items: [{ sku: 'Q', quantity: 2 }] }))).toEqual(
      rejected,
    );

    const ok = await tx((c) =>
      reserveStock(c, {
        orderId: 'pq-2',
        items: [
          { sku: 'P', quantity: 1 },
          { sku: 'P', quantity: 1 },
        ],
      }),
    );
    expect(ok).toEqual({ reserved: true, event: { orderId: 'pq-2', items: [{ sku: 'P', quantity: 2 }] } });
    expect(await tx((c) => reserveStock(c, { orderId: 'pq-2', items: [{ sku: 'P', quantity: 2 }] }))).toEqual(
      ok,
    );
    expect(await stock('P')).toEqual({ available: 1, reserved: 2 });
  });

  it('release puts the units back once, confirms again with the same lines, and confirms even when nothing was held', async () => {
    await seed('R', 4);
    await tx((c) => reserveStock(c, { orderId: 'r-1', items: [{ sku: 'R', quantity: 3 }] }));
    const first = await tx((c) => releaseStock(c, { orderId: 'r-1' }));
    expect(first).toEqual({ orderId: 'r-1', items: [{ sku: 'R', quantity: 3 }] });
    expect(await tx((c) => releaseStock(c, { orderId: 'r-1' }))).toEqual(first);
    expect(await stock('R')).toEqual({ available: 4, reserved: 0 });

    await tx((c) => reserveStock(c, { orderId: 'r-2', items: [{ sku: 'R', quantity: 9 }] }));
    expect(await tx((c) => releaseStock(c, { orderId: 'r-2' }))).toEqual({ orderId: 'r-2', items: [] });
    expect(await stock('R')).toEqual({ available: 4, reserved: 0 });
  });

  it('a release that arrives before its reservation leaves a tombstone: the late reservation is rejected', async () => {
    await seed('T', 5);
    expect(await tx((c) => releaseStock(c, { orderId: 't-1' }))).toEqual({ orderId: 't-1', items: [] });
    const late = await tx((c) => reserveStock(c, { orderId: 't-1', items: [{ sku: 'T', quantity: 1 }] }));
    expect(late).toMatchObject({
      reserved: false,
      event: { reason: 'the reservation of order t-1 was already released' },
    });
    expect(await stock('T')).toEqual({ available: 5, reserved: 0 });
  });

  it('a cancelled order is restocked once; a repeat replays, and nothing-to-restock is refused with the reason', async () => {
    await seed('C', 2);
    await tx((c) => reserveStock(c, { orderId: 'c-1', items: [{ sku: 'C', quantity: 2 }] }));
    const cancel = { orderId: 'c-1', customerId: 'x', reason: null };
    const first = await tx((c) => restockCancelledOrder(c, cancel));
    expect(first).toEqual({ restocked: true, event: { orderId: 'c-1', items: [{ sku: 'C', quantity: 2 }] } });
    expect(await tx((c) => restockCancelledOrder(c, cancel))).toEqual(first);
    expect(await stock('C')).toEqual({ available: 2, reserved: 0 });
    expect(await tx((c) => restockCancelledOrder(c, { ...cancel, orderId: 'c-unknown' }))).toMatchObject({
      restocked: false,
    });
  });

  it('stock is conserved: per SKU, reserved equals the lines of RESERVED reservations', async () => {
    const r = await db.pool.query<{ sku: string; reserved: number; held: string | null }>(`
      select s.sku, s.reserved,
             (select sum(l.quantity) from inventory.reservation_line l join inventory.reservation r using (order_id)
              where r.status = 'RESERVED' and l.sku = s.sku) as held
      from inventory.stock s`);
    for (const row of r.rows) expect(row.reserved, row.sku).toBe(Number(row.held ?? 0));
  });

  it('the CHECK constraint refuses an oversell even if the code were wrong', async () => {
    await seed('G', 1);
    await expect(
      db.pool.query(`update inventory.stock set available = available - 2 where sku = 'G'`),
    ).rejects.toThrow(/check constraint/);
  });

  it('migrations applied twice change nothing', async () => {
    await expect(
      runServiceMigrations(db.pool, inventorySchema, inventoryMigrations),
    ).resolves.toBeUndefined();
    const applied = await db.pool.query(`select version, name from inventory.schema_migrations`);
    expect(applied.rows).toEqual([{ version: 1, name: 'create stock and reservations' }]);
  });
});
