/**
 * `npm run chaos`: the demo system under a steady order load while a random process (a service with its
 * embedded relay, or the saga monitor) is killed with SIGKILL and started again, every few seconds, for a
 * set time. Then it waits for every order to end and checks what the system promises: every order
 * terminal, stock and money conserved, the monitor's sagas equal to order-service's, every DLT empty.
 * Prints the checks and one JSON line per figure; exits 1 when a check fails. Not part of `npm test`.
 *
 * Options: --seconds (of chaos, default 60), --rate (orders/s, default 30), --kill-every (seconds,
 * default 5), --instances (per service, default 1; 2 also kills relay leaders and rebalances mid-batch),
 * --settle-seconds (deadline for the orders to end afterwards, default 600), --seed (of the victim
 * choice, default random; printed so a run can be repeated).
 */
import { parseArgs } from 'node:util';
import { ensureStack } from '@sagaflow/stack';
import { chaosChecks } from './chaos-checks';
import { pickVictim } from './chaos-victims';
import { DemoSystem } from './demo-system';
import { demoScenario } from './demo-scenario';
import { ensureBuilt } from './ensure-built';
import type { ServiceProcess } from './service-process';
import { systemTopicPattern } from './system-topics';

const positive = (name: string, raw: string | undefined): number => {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0)
    throw new Error(`chaos: --${name} must be a positive number; got ${raw}`);
  return n;
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '60' },
      rate: { type: 'string', default: '30' },
      'kill-every': { type: 'string', default: '5' },
      instances: { type: 'string', default: '1' },
      'settle-seconds': { type: 'string', default: '600' },
      seed: { type: 'string' },
    },
    strict: true,
  });
  const seconds = positive('seconds', values.seconds);
  const rate = positive('rate', values.rate);
  const killEveryMs = positive('kill-every', values['kill-every']) * 1000;
  const instances = positive('instances', values.instances);
  const settleMs = positive('settle-seconds', values['settle-seconds']) * 1000;
  const seed =
    values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : positive('seed', values.seed);
  const log = (line: string) => console.log(line);

  const stack = await ensureStack(undefined, log);
  ensureBuilt(['inventory-service', 'payment-service', 'order-service', 'saga-monitor'], log);
  const system = await DemoSystem.start({
    stack,
    purpose: 'npm run chaos',
    log,
    instances: { 'order-service': instances, 'inventory-service': instances, 'payment-service': instances },
    env: {
      // a killed member's partitions wait out its 30 s session: steps must outlast that, or every
      // kill of a participant turns in-flight orders into timeouts instead of testing recovery
      'order-service': { ORDER_STEP_TIMEOUT: '120s', LOG_LEVEL: 'warn' },
      'inventory-service': { LOG_LEVEL: 'warn' },
      'payment-service': { LOG_LEVEL: 'warn' },
      'saga-monitor': { MONITOR_TOPIC_PATTERN: systemTopicPattern.source },
    },
  });
  const client = system.client();
  const ledger = system.ledger();
  let failed = false;
  try {
    const scenario = demoScenario(Math.ceil(seconds * rate));
    for (const [sku, quantity] of Object.entries(scenario.stock)) await client.seedStock(sku, quantity);
    for (const [customer, limit] of Object.entries(scenario.accounts))
      await client.openAccount(customer, limit);
    log(
      `chaos: ${scenario.orders.length} orders at ${rate}/s for ${seconds} s, a process killed every ${killEveryMs / 1000} s (seed ${seed}) …`,
    );

    const started = performance.now();
    const due = (i: number) => started + (i * 1000) / rate;
    let refused = 0;
    // an open loop: orders are offered on time whatever happens to order-service; one it refuses (down,
    // restarting) is counted and not retried, so the run's load stays the same
    const load = (async () => {
      const inFlight = new Set<Promise<void>>();
      for (let i = 0; i < scenario.orders.length; i++) {
        const wait = due(i) - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait)); // pacing, not a condition
        const order = scenario.orders[i]!;
        const p = client
          .placeOrder(order.customerId, order.items)
          .then(() => undefined)
          .catch(() => void refused++)
          .finally(() => inFlight.delete(p));
        inFlight.add(p);
        if (inFlight.size >= 32) await Promise.race(inFlight);
      }
      await Promise.all(inFlight);
    })();

    const kills: { process: string; restartMs: number }[] = [];
    const restarts = new Set<Promise<void>>();
    const random = mulberry32(seed);
    const chaosEnds = started + seconds * 1000;
    for (let next = started + killEveryMs; next < chaosEnds; next += killEveryMs) {
      await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now()))); // the kill schedule
      const victim: ServiceProcess | undefined = pickVictim(system.all(), random);
      if (!victim) continue;
      await victim.kill();
      const at = performance.now();
      log(`  ${((at - started) / 1000).toFixed(1)} s: killed ${victim.spec.name} (port ${victim.spec.port})`);
      const restart = victim
        .startHealthy()
        .then(() => void kills.push({ process: victim.spec.name, restartMs: performance.now() - at }))
        .finally(() => restarts.delete(restart));
      restarts.add(restart);
    }
    await load;
    await Promise.all(restarts);
    const chaosSeconds = (performance.now() - started) / 1000;
    log(
      `chaos over after ${chaosSeconds.toFixed(0)} s (${kills.length} kills); waiting for every order to end …`,
    );

    const report = await chaosChecks({
      system,
      ledger,
      scope: { seededStock: scenario.stock, customers: Object.keys(scenario.accounts) },
      brokers: stack.kafkaBrokers,
      settleMs,
      log,
    });
    const tally = await ledger.tally();
    const placed = Object.values(tally.byStatus).reduce((a, b) => a + b, 0);
    for (const c of report.checks)
      log(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}${c.detail ? `: ${c.detail}` : ''}`);
    failed = report.checks.some((c) => !c.ok);
    const restartMs = kills.map((k) => k.restartMs).sort((a, b) => a - b);
    const figures: Record<string, number> = {
      orders_offered: scenario.orders.length,
      orders_placed: placed,
      orders_refused: refused,
      approved: tally.byStatus.APPROVED ?? 0,
      rejected: tally.byStatus.REJECTED ?? 0,
      kills: kills.length,
      restart_to_health_ms_p50: restartMs[Math.floor(restartMs.length / 2)] ?? NaN,
      restart_to_health_ms_max: restartMs.at(-1) ?? NaN,
      settle_seconds_after_chaos: report.settleSeconds,
      checks_failed: report.checks.filter((c) => !c.ok).length,
    };
    for (const [metric, value] of Object.entries(figures))
      console.log(JSON.stringify({ bench: 'chaos', metric, value: Math.round(value), seed }));
  } finally {
    await ledger.close();
    await system.destroy();
  }
  if (failed) process.exitCode = 1;
}

/** A small seeded generator, so a failing run's victims can be chosen again with `--seed`. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

main().catch((e: unknown) => {
  console.error(`chaos failed: ${(e as Error).stack ?? String(e)}`);
  process.exit(1);
});
