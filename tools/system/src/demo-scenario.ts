import type { OrderRequest } from './place-orders';

/** What the demo seeds and the orders it places: a fixed, reproducible mix of outcomes. */
export interface DemoScenario {
  stock: Record<string, number>;
  accounts: Record<string, number>;
  orders: OrderRequest[];
}

const pad = (n: number) => String(n).padStart(3, '0');

/**
 * `size` orders over many SKUs (a hot single SKU serialises on its row lock): about 7 in 10 are
 * approved; 1 in 10 asks for a scarce SKU (4 units each; most are rejected out of stock); 1 in 10 comes
 * from a customer with a small credit limit (mostly declined, so stock is reserved, then released);
 * the rest are approved.
 */
export function demoScenario(size: number): DemoScenario {
  const plentiful = Array.from({ length: 50 }, (_, i) => `SKU-${pad(i + 1)}`);
  const scarce = Array.from({ length: 5 }, (_, i) => `SCARCE-${i + 1}`);
  const customers = Array.from({ length: 30 }, (_, i) => `customer-${pad(i + 1)}`);
  const tight = Array.from({ length: 5 }, (_, i) => `tight-${i + 1}`);
  const stock: Record<string, number> = {};
  for (const sku of plentiful) stock[sku] = 1_000;
  for (const sku of scarce) stock[sku] = 4;
  const accounts: Record<string, number> = {};
  for (const c of customers) accounts[c] = 100_000_000; // $1,000,000: never declined
  for (const c of tight) accounts[c] = 3_000; // $30: the first small order passes, the rest are declined
  const orders: OrderRequest[] = [];
  for (let i = 0; i < size; i++) {
    const slot = i % 10;
    const sku = plentiful[(i * 7) % plentiful.length]!;
    if (slot === 3) {
      orders.push({
        customerId: customers[i % customers.length]!,
        items: [{ sku: scarce[i % scarce.length]!, quantity: 2, unitPrice: 1_500 }],
      });
    } else if (slot === 7) {
      orders.push({
        customerId: tight[i % tight.length]!,
        items: [{ sku, quantity: 1 + (i % 3), unitPrice: 1_999 }],
      });
    } else {
      const second = plentiful[(i * 13 + 5) % plentiful.length]!;
      orders.push({
        customerId: customers[i % customers.length]!,
        items: [
          { sku, quantity: 1 + (i % 4), unitPrice: 250 + (i % 9) * 100 },
          ...(slot % 2 === 0 ? [{ sku: second, quantity: 1, unitPrice: 990 }] : []),
        ],
      });
    }
  }
  return { stock, accounts, orders };
}
