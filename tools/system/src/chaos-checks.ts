import { waitFor } from '@sagaflow/stack';
import { Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';
import type { DemoSystem } from './demo-system';
import type { LedgerScope, SystemLedger } from './system-ledger';
import { systemTopicPattern } from './system-topics';

/** One promise of the system, checked after a chaos run. */
export interface ChaosCheck {
  name: string;
  ok: boolean;
  /** What is off, when not ok. */
  detail?: string;
}

/**
 * After the chaos: waits (to `settleMs`) for every order to end, then checks, each to its own deadline
 * since late replies are compensated after an order ended: stock and money conserved, the monitor's
 * sagas per type and status equal to order-service's instances, and no record on any dead-letter topic.
 */
export async function chaosChecks(input: {
  system: DemoSystem;
  ledger: SystemLedger;
  scope: LedgerScope;
  brokers: readonly string[];
  settleMs: number;
  log: (line: string) => void;
}): Promise<{ checks: ChaosCheck[]; settleSeconds: number }> {
  const { system, ledger } = input;
  const checks: ChaosCheck[] = [];
  const started = performance.now();
  let pending = -1;
  const settled = await waitFor(
    async () => {
      const now = await ledger.pending();
      if (now !== pending) input.log(`  ${now} order(s) pending`);
      pending = now;
      return now === 0;
    },
    { timeoutMs: input.settleMs, intervalMs: 1_000, description: 'every order to end' },
  ).then(
    () => true,
    () => false,
  );
  const settleSeconds = (performance.now() - started) / 1000;
  checks.push({
    name: 'every order approved or rejected',
    ok: settled,
    detail: settled ? undefined : `${pending} still PENDING`,
  });

  let faults: string[] = [];
  const conserved = await eventually(
    async () => (faults = await ledger.violations(input.scope)).length === 0,
  );
  checks.push({ name: 'stock and money conserved', ok: conserved, detail: faults.join('; ') || undefined });

  if (system.has('saga-monitor')) {
    const order = new Pool({ connectionString: system.databaseUrl('order-service'), max: 1 });
    const monitor = new Pool({ connectionString: system.databaseUrl('saga-monitor'), max: 1 });
    try {
      let services = '';
      let projected = '';
      const equal = await eventually(async () => {
        services = await countsBy(
          order,
          'select type, status, count(*)::int as n from sagaflow.saga_instance group by 1, 2',
        );
        projected = await countsBy(
          monitor,
          'select saga_type, status, count(*)::int as n from monitor.saga group by 1, 2',
        );
        return services === projected;
      });
      checks.push({
        name: "the monitor's sagas equal order-service's",
        ok: equal,
        detail: equal ? undefined : `order-service ${services}; monitor ${projected}`,
      });
    } finally {
      await Promise.all([order.end(), monitor.end()]);
    }
  }

  const dead = await deadLetters(input.brokers);
  checks.push({
    name: 'every dead-letter topic empty',
    ok: dead.length === 0,
    detail: dead.length === 0 ? undefined : dead.join(', '),
  });
  return { checks, settleSeconds };
}

/** Polls `check` for up to two minutes; false when it never held. */
function eventually(check: () => Promise<boolean>): Promise<boolean> {
  return waitFor(check, { timeoutMs: 120_000, intervalMs: 1_000, description: 'a chaos check' }).then(
    () => true,
    () => false,
  );
}

/** `type/status=n, …` sorted, so two databases compare as strings and print readably. */
async function countsBy(pool: Pool, sql: string): Promise<string> {
  const { rows } = await pool.query<Record<string, string | number>>(sql);
  return rows
    .map((r) => {
      const [type, status, n] = Object.values(r);
      return `${type}/${status}=${n}`;
    })
    .sort()
    .join(', ');
}

/** The system's dead-letter topics that hold records, as `topic: n`. */
async function deadLetters(brokers: readonly string[]): Promise<string[]> {
  const admin = new Kafka({
    clientId: 'sagaflow-chaos',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    const dlts = (await admin.listTopics()).filter((t) => systemTopicPattern.test(t) && t.endsWith('.dlt'));
    const out: string[] = [];
    for (const topic of dlts.sort()) {
      const n = (await admin.fetchTopicOffsets(topic)).reduce(
        (sum, p) => sum + Number(p.high) - Number(p.low),
        0,
      );
      if (n > 0) out.push(`${topic}: ${n}`);
    }
    return out;
  } finally {
    await admin.disconnect();
  }
}
