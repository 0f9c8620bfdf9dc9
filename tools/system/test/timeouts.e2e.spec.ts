import { waitFor } from '@sagaflow/stack';
import { describe, expect, it } from 'vitest';
import { useSystem } from './support/system-fixture';

// Step timeouts with a participant frozen by SIGSTOP: the saga compensates what was done, the order
// is rejected, and the reply that arrives after SIGCONT is compensated too.
const fx = useSystem('timeouts', { 'order-service': { ORDER_STEP_TIMEOUT: '2s' } });

describe('Sagas converge: a timeout triggers compensation, and a late reply is compensated', () => {
  it('payment silent past the step timeout → stock released → rejected; the late charge is refunded', async () => {
    const s = await fx.seed({ stock: { A: 5 }, accounts: { ann: 100_000 } });
    const payment = fx.system.process('payment-service');
    payment.pause();
    let id: string;
    try {
      id = await fx.client.placeOrder(s.customer('ann'), [{ sku: s.sku('A'), quantity: 2, unitPrice: 400 }]);
      const order = await fx.outcome(id);
      expect(order.status).toBe('REJECTED');
      expect(order.reason).toMatch(/^timed out waiting for payment \(no reply within 2000 ms\)/);
      expect(await fx.client.stock(s.sku('A'))).toMatchObject({ available: 5, reserved: 0 });
    } finally {
      payment.resume();
    }

    // payment now handles ChargePayment late; the saga answers the late PaymentCharged with a refund
    await fx.settle();
    const account = await waitForAccount(s.customer('ann'), (a) => a.refunded === 800);
    expect(account).toMatchObject({ charged: 800, refunded: 800 });
    expect((await fx.client.order(id)).status).toBe('REJECTED');
  });

  it('inventory silent past the step timeout → rejected; the late reservation is released', async () => {
    const s = await fx.seed({ stock: { A: 5 }, accounts: { ann: 100_000 } });
    const inventory = fx.system.process('inventory-service');
    inventory.pause();
    let id: string;
    try {
      id = await fx.client.placeOrder(s.customer('ann'), [{ sku: s.sku('A'), quantity: 3, unitPrice: 400 }]);
      const order = await fx.outcome(id);
      expect(order.status).toBe('REJECTED');
      expect(order.reason).toMatch(/^timed out waiting for inventory/);
    } finally {
      inventory.resume();
    }

    // inventory reserves late (or sees the release first and refuses): either way nothing stays held
    await waitForStock(s.sku('A'), (st) => st.available === 5 && st.reserved === 0);
    expect(await fx.client.account(s.customer('ann'))).toMatchObject({ charged: 0, refunded: 0 });
    expect((await fx.client.order(id)).status).toBe('REJECTED');
  });
});

function waitForAccount(customerId: string, ok: (a: { charged: number; refunded: number }) => boolean) {
  return waitFor(
    async () => {
      const a = await fx.client.account(customerId);
      return ok(a) && a;
    },
    { timeoutMs: 120_000, intervalMs: 200, description: `account ${customerId} to settle` },
  );
}

function waitForStock(sku: string, ok: (s: { available: number; reserved: number }) => boolean) {
  return waitFor(
    async () => {
      const st = await fx.client.stock(sku);
      return ok(st) && st;
    },
    { timeoutMs: 120_000, intervalMs: 200, description: `stock of ${sku} to settle` },
  );
}
