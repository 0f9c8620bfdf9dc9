import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { loadStackConfig, uniqueDatabaseName, waitFor } from '@sagaflow/stack';
import { afterAll, afterEach, beforeAll, expect, inject } from 'vitest';
import {
  DemoSystem,
  ensureBuilt,
  freePort,
  sagaServices,
  type SystemClient,
  type SystemLedger,
  type LedgerScope,
  type OrderState,
  type SagaService,
} from '../../src/index';
import './provided-context';

/** What a test seeded; its orders' customers and SKUs are the scope of the invariants checked after it. */
export interface Seeded {
  /** A SKU name unique to this test: `sku('A')`. */
  sku(name: string): string;
  /** A customer id unique to this test: `customer('rich')`. */
  customer(name: string): string;
}

/** The running system of one test file, and the helpers its tests use. */
export interface SystemFixture {
  system: DemoSystem;
  client: SystemClient;
  ledger: SystemLedger;
  /** Seeds stock and accounts under names unique to the current test, and records them for the invariants. */
  seed(input: { stock?: Record<string, number>; accounts?: Record<string, number> }): Promise<Seeded>;
  /** Polls `GET /orders/:id` until the order is no longer PENDING; returns it. */
  outcome(orderId: string, timeoutMs?: number): Promise<OrderState>;
  /** Waits until none of the current test's orders is PENDING. */
  settle(timeoutMs?: number): Promise<void>;
}

/** Where a file's system runs when not on the shared stack's broker with free ports (the defaults). */
export interface SystemPlacement {
  /** Kafka of this file's own, started before the system and closed after it: its brokers. */
  kafka?: { start(): Promise<readonly string[]>; close(): Promise<void> };
  /** HTTP port of each service's first instance (default: free ports). */
  ports?: Partial<Record<SagaService, number>>;
  /** Database names start with this (default `e2e_<label>`); a unique suffix is added. */
  databasePrefix?: string;
  /** Instances per service (default 1). */
  instances?: Partial<Record<SagaService, number>>;
}

/**
 * Starts the three services as processes on fresh databases (unique names, free ports) for one test
 * file, and after every test waits for its orders to end and for the invariants over what the test seeded
 * to hold: none PENDING, stock conserved, reserved = approved units, charged − refunded = approved totals.
 * @param env extra environment per service, e.g. `{ 'order-service': { ORDER_STEP_TIMEOUT: '2s' } }`
 * @param placement a Kafka of the file's own, fixed ports, database names, instances per service
 */
export function useSystem(
  label: string,
  env: Partial<Record<SagaService, Record<string, string>>> = {},
  placement: SystemPlacement = {},
): SystemFixture {
  const fx = {} as SystemFixture;
  let scope: { seededStock: Record<string, number>; customers: string[] } = {
    seededStock: {},
    customers: [],
  };

  beforeAll(async () => {
    ensureBuilt(sagaServices);
    const shared = inject('stack');
    const stack = placement.kafka
      ? { ...shared, kafkaBrokers: [...(await placement.kafka.start())] }
      : shared;
    const run = randomBytes(3).toString('hex');
    const ports: Partial<Record<SagaService, number>> = {};
    const databases: Partial<Record<SagaService, string>> = {};
    for (const s of sagaServices) {
      ports[s] = placement.ports?.[s] ?? (await freePort());
      databases[s] = uniqueDatabaseName(`${placement.databasePrefix ?? `e2e_${label}`}_${s.split('-')[0]}`);
    }
    fx.system = await DemoSystem.start({
      stack,
      monitor: 'off',
      ports,
      databases,
      env,
      ...(placement.instances ? { instances: placement.instances } : {}),
      logDir: join(loadStackConfig().stackDir, 'logs', 'system', `e2e-${label}-${run}`),
      purpose: `e2e ${label}`,
      log: (line) => console.log(line),
    });
    fx.client = fx.system.client();
    fx.ledger = fx.system.ledger();
  });

  afterEach(async () => {
    const checked: LedgerScope = scope;
    scope = { seededStock: {}, customers: [] };
    if (checked.customers.length === 0 && Object.keys(checked.seededStock).length === 0) return;
    // a failed test can leave a paused process behind: the invariants need every service answering
    for (const p of fx.system.all()) p.resume();
    await settle(checked.customers);
    // An order is final before every late reply is undone: a reply that arrives after its step timed out
    // is compensated after the rejection. So the invariants must hold *eventually*; a lost or doubled
    // effect never converges and fails here with what is off.
    let faults: string[] = [];
    await waitFor(async () => (faults = await fx.ledger.violations(checked)).length === 0, {
      timeoutMs: 120_000,
      intervalMs: 500,
      description: 'the invariants to hold',
    }).catch(() => undefined);
    expect(faults).toEqual([]);
  });

  afterAll(async () => {
    try {
      await fx.ledger?.close();
      await fx.system?.destroy();
    } finally {
      await placement.kafka?.close();
    }
  });

  let n = 0;
  fx.seed = async ({ stock = {}, accounts = {} }) => {
    const prefix = `t${++n}-${randomBytes(2).toString('hex')}`;
    const seeded: Seeded = { sku: (name) => `${prefix}-${name}`, customer: (name) => `${prefix}-${name}` };
    for (const [name, quantity] of Object.entries(stock)) {
      await fx.client.seedStock(seeded.sku(name), quantity);
      scope.seededStock[seeded.sku(name)] = quantity;
    }
    for (const [name, limit] of Object.entries(accounts)) {
      await fx.client.openAccount(seeded.customer(name), limit);
      scope.customers.push(seeded.customer(name));
    }
    return seeded;
  };
  const settle = (customers: readonly string[], timeoutMs = 240_000) =>
    waitFor(async () => (await fx.ledger.pending(customers)) === 0, {
      timeoutMs,
      intervalMs: 250,
      description: `no order of ${customers.join(', ')} to be PENDING`,
    }).then(() => undefined);
  fx.outcome = (orderId, timeoutMs = 120_000) =>
    waitFor(
      async () => {
        const order = await fx.client.order(orderId);
        return order.status !== 'PENDING' && order;
      },
      { timeoutMs, intervalMs: 200, description: `order ${orderId} to be approved or rejected` },
    );
  fx.settle = (timeoutMs) => settle(scope.customers, timeoutMs);
  return fx;
}
