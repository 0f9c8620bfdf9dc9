import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { newMessageId } from '@sagaflow/outbox-relay';
import { waitFor } from '@sagaflow/stack';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningMonitor } from '../src/monitor';
import { createMonitorEnv, type MonitorEnv } from './support/monitor-env';
import { SagaTraffic, type FakeSaga } from './support/saga-traffic';

const main = resolve(__dirname, '../src/main.ts');

describe('the monitor killed between its projection commit and Kafka', () => {
  const stack = inject('stack');
  const type = `Crash${newMessageId().slice(-8)}`;
  let env: MonitorEnv;
  let traffic: SagaTraffic;
  let monitor: RunningMonitor | undefined;
  const sagas: FakeSaga[] = [];

  beforeAll(async () => {
    env = await createMonitorEnv(stack, 'crash');
    traffic = new SagaTraffic(env.kafka, env.topics, stack.schemaRegistryUrl);
    const records = [await traffic.definition(type)];
    for (const ending of ['completed', 'compensated', 'completed', 'compensated'] as const) {
      const saga = SagaTraffic.saga(type);
      sagas.push(saga);
      records.push(...(await traffic.sagaRecords(saga, ending)));
    }
    await traffic.send(records);
  });
  afterAll(async () => {
    await monitor?.stop();
    await traffic?.close();
    await env?.dispose();
  });

  it('Applied once: a monitor killed at monitor.after-commit-before-offset is redelivered that batch and skips it', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', main], {
      env: { ...process.env, ...env.env(), SAGAFLOW_FAULT_POINT: 'monitor.after-commit-before-offset' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const stderr: string[] = [];
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    const signal = await new Promise<NodeJS.Signals | null>((ok) => child.once('exit', (_c, s) => ok(s)));
    expect(signal, `the monitor's stderr: ${stderr.join('').slice(-1000)}`).toBe('SIGKILL');

    // Kafka's client never heard of that batch: the group will hand it out again. Only the projection knows.
    monitor = await env.start();
    const { pool } = monitor;
    const killedAfter = await pool.query<{ n: number }>('select count(*)::int as n from monitor.message');
    expect(killedAfter.rows[0]!.n).toBeGreaterThan(0);

    await waitFor(
      async () => {
        const applied = await pool.query<{ n: number }>('select count(*)::int as n from monitor.message');
        return applied.rows[0]!.n === traffic.total() && (await monitor!.lag()) === 0;
      },
      { timeoutMs: 45_000, intervalMs: 200, description: 'the restarted monitor to apply every record sent' },
    );
    const counts = await pool.query<{ saga_id: string; status: string; transition_count: number }>(
      'select saga_id, status, transition_count from monitor.saga where saga_type = $1',
      [type],
    );
    const byId = Object.fromEntries(counts.rows.map((r) => [r.saga_id, [r.status, r.transition_count]]));
    expect(byId).toEqual({
      [sagas[0]!.id]: ['COMPLETED', 4],
      [sagas[1]!.id]: ['COMPENSATED', 5],
      [sagas[2]!.id]: ['COMPLETED', 4],
      [sagas[3]!.id]: ['COMPENSATED', 5],
    });
  });
});
