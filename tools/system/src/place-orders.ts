import type { OrderLineInput, SystemClient } from './system-client';

/** An order to place. */
export interface OrderRequest {
  customerId: string;
  items: readonly OrderLineInput[];
}

/**
 * Places `orders` through `POST /orders`, at most `concurrency` requests at a time and, when
 * `ratePerSec` is given, no faster than that (a steady offered load, not a burst).
 * @returns the order ids, in the order of `orders`
 */
export async function placeOrders(
  client: SystemClient,
  orders: readonly OrderRequest[],
  options: { concurrency?: number; ratePerSec?: number } = {},
): Promise<string[]> {
  const ids: string[] = new Array<string>(orders.length);
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < orders.length) {
      const i = next++;
      if (options.ratePerSec) {
        // pacing, not waiting for a condition: the i-th order is due at i / rate seconds
        const due = started + (i * 1000) / options.ratePerSec;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      const o = orders[i]!;
      ids[i] = await client.placeOrder(o.customerId, o.items);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 16, orders.length) }, worker));
  return ids;
}
