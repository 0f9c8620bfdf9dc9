/**
 * The outcome mix every saga benchmark drives, the same for Sagaflow and for the peer: most orders are
 * approved, one in ten is rejected out of stock (nothing to compensate), one in ten is declined by
 * payment (stock reserved, then released).
 */
export interface BenchOrder {
  orderId: string;
  customerId: string;
  items: { sku: string; quantity: number; unitPrice: number }[];
}

/** SKUs with more stock than any run can use, the SKU that never has enough, and the two customers. */
export const benchSeed = Object.freeze({
  plentifulSkus: ['sku-a', 'sku-b', 'sku-c', 'sku-d'],
  plentifulQuantity: 100_000_000,
  scarceSku: 'sku-scarce',
  richCustomer: 'customer-rich',
  richLimitCents: 1_000_000_000_000,
  poorCustomer: 'customer-poor',
  poorLimitCents: 0,
});

/** The i-th order of a run; `runId` keeps ids unique across runs on one database. */
export function benchOrder(runId: string, i: number): BenchOrder {
  const slot = i % 10;
  const orderId = `${runId}-${i}`;
  if (slot === 3)
    return {
      orderId,
      customerId: benchSeed.richCustomer,
      items: [{ sku: benchSeed.scarceSku, quantity: 1, unitPrice: 100 }],
    };
  const sku = benchSeed.plentifulSkus[i % benchSeed.plentifulSkus.length]!;
  const customerId = slot === 7 ? benchSeed.poorCustomer : benchSeed.richCustomer;
  return { orderId, customerId, items: [{ sku, quantity: 1 + (i % 3), unitPrice: 250 }] };
}

/** What the i-th order of a run must end as: the mix both systems are checked against. */
export type ExpectedOutcome = 'approved' | 'rejected_out_of_stock' | 'rejected_payment_declined';

/** The outcome {@link benchOrder}`(runId, i)` must have. */
export function expectedOutcome(i: number): ExpectedOutcome {
  const slot = i % 10;
  return slot === 3 ? 'rejected_out_of_stock' : slot === 7 ? 'rejected_payment_declined' : 'approved';
}

/** How many of each outcome the orders `0 … count-1` of a run must have. */
export function expectedMix(count: number): Record<ExpectedOutcome, number> {
  const mix = { approved: 0, rejected_out_of_stock: 0, rejected_payment_declined: 0 };
  for (let i = 0; i < count; i++) mix[expectedOutcome(i)]++;
  return mix;
}
