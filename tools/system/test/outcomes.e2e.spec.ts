import { describe, expect, it } from 'vitest';
import { useSystem } from './support/system-fixture';

// The OrderFulfilment saga's outcomes across the three services, each a separate process on Kafka,
// the registry and PostgreSQL. The invariants are checked after every test by the fixture.
const fx = useSystem('outcomes');

describe('order outcomes, end to end', () => {
  it('approves an order: stock reserved, payment charged', async () => {
    const s = await fx.seed({ stock: { A: 10, B: 4 }, accounts: { ann: 100_000 } });
    const id = await fx.client.placeOrder(s.customer('ann'), [
      { sku: s.sku('A'), quantity: 2, unitPrice: 500 },
      { sku: s.sku('B'), quantity: 1, unitPrice: 250 },
    ]);

    const order = await fx.outcome(id);

    expect(order).toMatchObject({ status: 'APPROVED', reason: null, total: 1_250 });
    expect(await fx.client.stock(s.sku('A'))).toMatchObject({ available: 8, reserved: 2 });
    expect(await fx.client.stock(s.sku('B'))).toMatchObject({ available: 3, reserved: 1 });
    expect(await fx.client.account(s.customer('ann'))).toMatchObject({ charged: 1_250, refunded: 0 });
  });

  it('rejects an order out of stock, with nothing to compensate and no charge', async () => {
    const s = await fx.seed({ stock: { A: 1 }, accounts: { ann: 100_000 } });
    const id = await fx.client.placeOrder(s.customer('ann'), [
      { sku: s.sku('A'), quantity: 3, unitPrice: 500 },
    ]);

    const order = await fx.outcome(id);

    expect(order.status).toBe('REJECTED');
    expect(order.reason).toMatch(new RegExp(`^out of stock: ${s.sku('A')} \\(requested 3, available 1\\)`));
    expect(await fx.client.stock(s.sku('A'))).toMatchObject({ available: 1, reserved: 0 });
    expect(await fx.client.account(s.customer('ann'))).toMatchObject({ charged: 0, refunded: 0 });
  });

  it('declined payment → stock released → order rejected, in that order', async () => {
    const s = await fx.seed({ stock: { A: 5 }, accounts: { bob: 999 } });
    const id = await fx.client.placeOrder(s.customer('bob'), [
      { sku: s.sku('A'), quantity: 2, unitPrice: 500 },
    ]);

    const order = await fx.outcome(id);

    expect(order.status).toBe('REJECTED');
    expect(order.reason).toMatch(/^payment declined: /);
    // REJECTED is written only once the release is confirmed, so the stock is already back
    expect(await fx.client.stock(s.sku('A'))).toMatchObject({ available: 5, reserved: 0 });
    expect(await fx.client.account(s.customer('bob'))).toMatchObject({ charged: 0, refunded: 0 });
  });

  it('never oversells: 20 concurrent orders for the last 5 units approve exactly 5', async () => {
    const s = await fx.seed({ stock: { LAST: 5 }, accounts: { ann: 10_000_000 } });
    const ids = await Promise.all(
      Array.from({ length: 20 }, () =>
        fx.client.placeOrder(s.customer('ann'), [{ sku: s.sku('LAST'), quantity: 1, unitPrice: 300 }]),
      ),
    );

    const orders = await Promise.all(ids.map((id) => fx.outcome(id, 180_000)));

    const approved = orders.filter((o) => o.status === 'APPROVED');
    expect(approved).toHaveLength(5);
    expect(
      orders.filter((o) => o.status === 'REJECTED').every((o) => o.reason?.startsWith('out of stock')),
    ).toBe(true);
    expect(await fx.client.stock(s.sku('LAST'))).toMatchObject({ available: 0, reserved: 5 });
    expect(await fx.client.account(s.customer('ann'))).toMatchObject({ charged: 1_500, refunded: 0 });
  });
});
