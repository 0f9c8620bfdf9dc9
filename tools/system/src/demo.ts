/**
 * `npm run demo`: the stack, the three services (and the monitor), a few hundred orders with every
 * outcome, a summary, the URLs, then the system keeps running until Ctrl-C. `--exit` stops after the
 * summary; `--orders N` changes the count (default 300); `--no-monitor` leaves the monitor out.
 */
import { parseArgs } from 'node:util';
import { ensureStack, waitFor } from '@sagaflow/stack';
import { DemoSystem } from './demo-system';
import { demoScenario } from './demo-scenario';
import { formatSummary, formatUrls } from './demo-summary';
import { ensureBuilt } from './ensure-built';
import { placeOrders } from './place-orders';
import { runTimeoutScene } from './timeout-scene';

// The services' default: a busy 2-core machine with the stack on it can queue replies for seconds.
const stepTimeout = '10s';
// Orders offered per second: a steady stream the monitor's live list can follow.
const rate = 30;
// The monitor watches the demo's topics only (test and bench runs leave many others on the broker).
const monitorTopics =
  '^(?:sagaflow\\.lifecycle|sagaflow\\.definitions|(?:order|inventory|payment)\\.(?:events|commands)(?:\\.dlt)?)$';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      exit: { type: 'boolean', default: false },
      orders: { type: 'string', default: '300' },
      'no-monitor': { type: 'boolean', default: false },
    },
  });
  const size = Number(values.orders);
  if (!Number.isInteger(size) || size < 1)
    throw new Error(`--orders must be a positive integer; got ${values.orders}`);

  const stack = await ensureStack(undefined, (line) => console.log(line));
  ensureBuilt(['inventory-service', 'payment-service', 'order-service']);
  if (!values['no-monitor']) {
    try {
      ensureBuilt(['saga-monitor']);
    } catch (e) {
      console.warn(
        `the saga monitor did not build (${(e as Error).message}); running without it unless an older build exists`,
      );
    }
  }
  console.log(
    'starting inventory-service, payment-service, order-service (+ saga monitor) with fresh databases …',
  );
  const system = await DemoSystem.start({
    stack,
    monitor: values['no-monitor'] ? 'off' : 'auto',
    purpose: 'npm run demo',
    log: (line) => console.log(line),
    env: {
      'order-service': { ORDER_STEP_TIMEOUT: stepTimeout },
      'saga-monitor': { MONITOR_TOPIC_PATTERN: monitorTopics },
    },
  });
  let stopping: Promise<void> | undefined;
  const shutdown = () => {
    stopping ??= (async () => {
      console.log('\nstopping the services (the stack keeps running; `npm run stack:down` stops it) …');
      await system.stop();
    })();
    return stopping;
  };
  // `on`, not `once`: Ctrl-C reaches this process twice (from the terminal and relayed by tsx), and a
  // second signal without a listener would kill it before the services are stopped and the lock freed
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.on(signal, () => void shutdown().then(() => process.exit(0)));

  const client = system.client();
  const ledger = system.ledger();
  try {
    const scenario = demoScenario(size);
    const started = performance.now();
    for (const [sku, quantity] of Object.entries(scenario.stock)) await client.seedStock(sku, quantity);
    for (const [customer, limit] of Object.entries(scenario.accounts))
      await client.openAccount(customer, limit);
    console.log(
      `seeded ${Object.keys(scenario.stock).length} SKUs and ${Object.keys(scenario.accounts).length} accounts; placing ${size} orders at ${rate}/s …`,
    );
    await placeOrders(client, scenario.orders, { ratePerSec: rate, concurrency: 16 });
    let shown = -1;
    await waitFor(
      async () => {
        const pending = await ledger.pending();
        if (pending !== shown) console.log(`  ${pending} order(s) pending`);
        shown = pending;
        return pending === 0;
      },
      { timeoutMs: 600_000, intervalMs: 1_000, description: 'every order to be approved or rejected' },
    );
    console.log(`timeouts: pausing payment-service (SIGSTOP) past ORDER_STEP_TIMEOUT=${stepTimeout} …`);
    const late = await runTimeoutScene(system, client, ledger, { orders: 5, sku: 'SKU-001' });
    console.log(
      `  ${late.orders} orders rejected for the timeout; after SIGCONT their late charges were refunded`,
    );

    const seconds = (performance.now() - started) / 1000;
    const tally = await ledger.tally();
    const violations = await ledger.violations({
      seededStock: scenario.stock,
      customers: [...Object.keys(scenario.accounts), late.customerId],
    });
    const latency = await ledger.latency([late.customerId]);
    console.log(
      `\n${formatSummary({ orders: size + late.orders, seconds, tally, violations, latency, injectedTimeouts: late.orders })}\n`,
    );
    const urls = Object.fromEntries(system.all().map((p) => [p.spec.name, p.url]));
    console.log(formatUrls(urls, system.logDir));
    if (violations.length > 0) process.exitCode = 1;
  } finally {
    await ledger.close();
  }
  if (values.exit) {
    await shutdown();
    return;
  }
  console.log('\nThe system keeps running: place orders yourself, e.g.');
  console.log(
    `  curl -s -XPOST ${system.url('order-service')}/orders -H 'content-type: application/json' -d '{"customerId":"customer-001","items":[{"sku":"SKU-001","quantity":1,"unitPrice":500}]}'`,
  );
  console.log('Ctrl-C stops the services.');
  setInterval(() => undefined, 1 << 30); // keeps the event loop alive until a signal
}

main().catch((e: unknown) => {
  console.error(`demo failed: ${(e as Error).stack ?? String(e)}`);
  process.exit(1);
});
