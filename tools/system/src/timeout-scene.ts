import { waitFor } from '@sagaflow/stack';
import type { DemoSystem } from './demo-system';
import type { SystemClient } from './system-client';
import type { SystemLedger } from './system-ledger';

/**
 * The timeout path, shown live: payment-service is frozen (SIGSTOP), so `orders` orders wait for
 * payment past ORDER_STEP_TIMEOUT; the saga releases their stock and the orders are rejected. Then
 * payment resumes (SIGCONT), charges them late, and the saga refunds each late charge.
 * @returns the customer the scene used (its account must end with charged = refunded) and the count
 */
export async function runTimeoutScene(
  system: DemoSystem,
  client: SystemClient,
  ledger: SystemLedger,
  options: { orders: number; sku: string; customerId?: string },
): Promise<{ customerId: string; orders: number }> {
  const customerId = options.customerId ?? 'customer-late';
  const unitPrice = 700;
  await client.openAccount(customerId, 100_000_000);
  const payment = system.process('payment-service');
  payment.pause();
  try {
    const ids: string[] = [];
    for (let i = 0; i < options.orders; i++)
      ids.push(await client.placeOrder(customerId, [{ sku: options.sku, quantity: 1, unitPrice }]));
    await waitFor(
      async () => {
        const orders = await Promise.all(ids.map((id) => client.order(id)));
        return orders.every((o) => o.status === 'REJECTED');
      },
      {
        timeoutMs: 120_000,
        intervalMs: 500,
        description: `the ${options.orders} orders to be rejected for the payment timeout`,
      },
    );
  } finally {
    payment.resume();
  }
  await waitFor(
    async () => {
      const account = await client.account(customerId);
      const all = options.orders * unitPrice;
      return (
        account.charged === all && account.refunded === all && (await ledger.pending([customerId])) === 0
      );
    },
    { timeoutMs: 120_000, intervalMs: 500, description: 'the late charges to be refunded' },
  );
  return { customerId, orders: options.orders };
}
