/**
 * Restart benchmark (not a test): the demo system (one instance per service, the stack's broker), orders
 * flowing at BENCH_RATE/s, then order-service killed with SIGKILL and started again at once, BENCH_KILLS
 * times. Per kill it measures, from the restart: the first `/health` 200, the first `POST /orders`
 * accepted, and the first saga that order started reaching its end (which needs the consumer group joined
 * again, after the group has waited out the dead member's session). The ceiling is that session timeout:
 * what every figure was bounded by before decision 0081.
 * Run: `npm run bench:restart`. Knobs: BENCH_RATE (orders/s, default 5), BENCH_KILLS (default 3).
 */
import { ensureStack, uniqueDatabaseName } from '@sagaflow/stack';
import { DemoSystem, ensureBuilt, placeOrders, sagaServices, type SagaService } from '@sagaflow/system';

const rate = Number(process.env.BENCH_RATE ?? 5);
const kills = Number(process.env.BENCH_KILLS ?? 3);
// the default of consumer.sessionTimeout, which order-service does not override
const sessionTimeoutMs = 30_000;
const log = (line: string) => console.error(line);
const terminal = new Set(['APPROVED', 'REJECTED', 'CANCELLED']);

async function main(): Promise<void> {
  const stack = await ensureStack(undefined, log);
  ensureBuilt(sagaServices, log);
  const databases: Partial<Record<SagaService, string>> = {};
  for (const s of sagaServices) databases[s] = uniqueDatabaseName(`rs_bench_${s.split('-')[0]}`);
  const quiet = { LOG_LEVEL: 'warn' };
  const system = await DemoSystem.start({
    stack,
    monitor: 'off',
    databases,
    ports: { 'order-service': 4271, 'inventory-service': 4272, 'payment-service': 4273 },
    purpose: 'npm run bench:restart',
    log,
    env: {
      'order-service': { ...quiet, ORDER_STEP_TIMEOUT: '300s' },
      'inventory-service': quiet,
      'payment-service': quiet,
    },
  });
  let loading = true;
  let load: Promise<void> = Promise.resolve();
  try {
    const client = system.client();
    await client.seedStock('bench-S0', 10_000_000);
    await client.openAccount('bench-rich', 1_000_000_000_000);
    const order = { customerId: 'bench-rich', items: [{ sku: 'bench-S0', quantity: 1, unitPrice: 100 }] };
    // a steady trickle, so the group is busy when its member dies; orders refused while it is down are expected
    load = (async () => {
      while (loading)
        await placeOrders(
          client,
          Array.from({ length: rate }, () => order),
          {
            concurrency: 2,
            ratePerSec: rate,
          },
        ).catch(() => undefined);
    })();
    await new Promise((r) => setTimeout(r, 10_000)); // warm-up: every connection and statement is made

    const rows: Record<string, number[]> = { health: [], accepted: [], settled: [] };
    const service = system.process('order-service');
    for (let k = 0; k < kills; k++) {
      await service.kill();
      const at = performance.now();
      service.start();
      const health = await when(async () => (await fetch(`${service.url}/health`)).ok);
      const orderId = await until(() => client.placeOrder(order.customerId, order.items));
      const accepted = performance.now();
      const settled = await when(async () => terminal.has((await client.order(orderId)).status));
      rows.health!.push(health - at);
      rows.accepted!.push(accepted - at);
      rows.settled!.push(settled - at);
      log(
        `restart ${k + 1}: health ${ms(health - at)}, first order accepted ${ms(accepted - at)}, its saga settled ${ms(settled - at)}`,
      );
      await new Promise((r) => setTimeout(r, 10_000)); // steady again before the next kill
    }
    for (const [name, values] of Object.entries(rows)) {
      const metric = name === 'health' ? 'restart_to_health_ms' : `restart_to_first_order_${name}_ms`;
      console.log(
        JSON.stringify({
          bench: 'restart',
          metric: `${metric}_median`,
          value: Math.round(median(values)),
          unit: 'ms',
          ceiling: sessionTimeoutMs,
          runs: values.map(Math.round),
        }),
      );
    }
  } finally {
    loading = false;
    await load;
    await system.destroy();
  }
}

/** Polls `probe` every 50 ms until it resolves without throwing; throws after `timeoutMs`. */
async function until<T>(probe: () => Promise<T>, timeoutMs = 120_000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      return await probe();
    } catch {
      // not yet: the process is starting, or the saga is still running
    }
    if (performance.now() > deadline) throw new Error(`bench:restart: no answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50)); // poll interval
  }
}

/** Resolves when `check` holds, with the time (performance.now) it first did. */
function when(check: () => Promise<boolean>): Promise<number> {
  return until(async () => {
    if (!(await check())) throw new Error('not yet');
    return performance.now();
  });
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function ms(v: number): string {
  return `${Math.round(v)} ms`;
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
