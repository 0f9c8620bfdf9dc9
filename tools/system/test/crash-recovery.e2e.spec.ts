import { describe, expect, it } from 'vitest';
import type { OrderRequest, SagaService } from '../src/index';
import { placeOrders } from '../src/index';
import { useSystem, type Seeded } from './support/system-fixture';

// kill -9 of each service in turn with sagas in flight, then a restart. The fixture then checks that
// every saga ended and that no effect was lost or applied twice (stock and money conserved).
// Step timeouts well above Kafka's 30 s session timeout: a killed member's partitions are only handed
// to its restarted successor once that session expires, and the sagas should then carry on forward
// rather than time out (the timeout path has its own tests).
const fx = useSystem('crash', { 'order-service': { ORDER_STEP_TIMEOUT: '120s' } });

/** 24 orders over 6 SKUs: approved, out of stock (a scarce SKU) and declined (a customer without credit). */
function orders(s: Seeded, count: number): OrderRequest[] {
  return Array.from({ length: count }, (_, i) => {
    if (i % 6 === 4)
      return {
        customerId: s.customer('rich'),
        items: [{ sku: s.sku('SCARCE'), quantity: 1, unitPrice: 100 }],
      };
    if (i % 6 === 5)
      return {
        customerId: s.customer('broke'),
        items: [{ sku: s.sku(`S${i % 5}`), quantity: 1, unitPrice: 100 }],
      };
    return {
      customerId: s.customer('rich'),
      items: [{ sku: s.sku(`S${i % 5}`), quantity: 1 + (i % 3), unitPrice: 150 + i }],
    };
  });
}

async function crashMidFlight(service: SagaService): Promise<void> {
  const s = await fx.seed({
    stock: { S0: 500, S1: 500, S2: 500, S3: 500, S4: 500, SCARCE: 2 },
    accounts: { rich: 100_000_000, broke: 0 },
  });
  const all = orders(s, 48);
  const first = await placeOrders(fx.client, all.slice(0, 24), { concurrency: 8 });
  // kill while the first batch is being worked on: some sagas ended, the rest are somewhere in between
  const victim = fx.system.process(service);
  await victim.kill();
  // orders keep coming while it is down (order-service itself cannot take them until it is back)
  const second =
    service === 'order-service' ? [] : await placeOrders(fx.client, all.slice(24), { concurrency: 8 });
  await victim.startHealthy();
  const third =
    service === 'order-service' ? await placeOrders(fx.client, all.slice(24), { concurrency: 8 }) : [];

  await fx.settle();
  const tally = await fx.ledger.tally([s.customer('rich'), s.customer('broke')]);
  expect(tally.byStatus.PENDING ?? 0).toBe(0);
  expect((tally.byStatus.APPROVED ?? 0) + (tally.byStatus.REJECTED ?? 0)).toBe(
    first.length + second.length + third.length,
  );
  expect(tally.byStatus.APPROVED ?? 0).toBeGreaterThan(0);
}

describe('Sagas converge and nothing is lost or applied twice when a service is killed (SIGKILL) mid-flight', () => {
  it('inventory-service killed with sagas in flight: after its restart every saga ends, stock and money conserved', () =>
    crashMidFlight('inventory-service'));

  it('payment-service killed with sagas in flight: after its restart every saga ends, stock and money conserved', () =>
    crashMidFlight('payment-service'));

  it('order-service (the process manager) killed with sagas in flight: after its restart every saga ends, stock and money conserved', () =>
    crashMidFlight('order-service'));
});
