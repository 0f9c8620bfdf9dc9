import { ensureStack, uniqueDatabaseName } from '@sagaflow/stack';
import { DemoSystem, ensureBuilt, sagaServices, SystemClient, type SagaService } from '@sagaflow/system';
import { benchOrder, benchSeed } from './order-mix';
import { TerminalWatcher } from './terminal-watcher';

async function main() {
  const stack = await ensureStack();
  ensureBuilt(sagaServices, console.log);
  const databases: Partial<Record<SagaService, string>> = {};
  for (const s of sagaServices) databases[s] = uniqueDatabaseName(`prof_${s.split('-')[0]}`);
  const prof = { LOG_LEVEL: 'warn', NODE_OPTIONS: '--require /tmp/prof-hook.js', PROFILE_MS: '75000' };
  const system = await DemoSystem.start({ stack, monitor: 'off', databases, env: {
    'order-service': { ...prof, PROF_NAME: 'order', ORDER_STEP_TIMEOUT: '300s' }, 'inventory-service': { ...prof, PROF_NAME: 'inventory' }, 'payment-service': { ...prof, PROF_NAME: 'payment' } } });
  const watcher = new TerminalWatcher(stack.kafkaBrokers);
  const client = new SystemClient({ order: system.url('order-service'), inventory: system.url('inventory-service'), payment: system.url('payment-service') });
  for (const sku of benchSeed.plentifulSkus) await client.seedStock(sku, benchSeed.plentifulQuantity);
  await client.seedStock(benchSeed.scarceSku, 0);
  await client.openAccount(benchSeed.richCustomer, benchSeed.richLimitCents);
  await client.openAccount(benchSeed.poorCustomer, benchSeed.poorLimitCents);
  await watcher.start();
  let next = 0; const n = Number(process.env.N ?? 1500);
  const t0 = performance.now();
  await Promise.all(Array.from({ length: 64 }, async () => { while (next < n) { const o = benchOrder('p', next++); const id = await client.placeOrder(o.customerId, o.items); await watcher.whenEnded(id); } }));
  console.log('sagas/s', n / ((performance.now() - t0) / 1000));
  await watcher.stop();
  await system.stop();
}
main().catch((e) => { console.error(e); process.exit(1); });
