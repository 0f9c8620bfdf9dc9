import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { waitFor } from '@sagaflow/stack';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SagaflowRuntime } from '../src/index';
import { effectsOf } from './sample-app/participant';
import {
  orderService,
  startOrderService,
  startParticipantService,
  type SampleEnv,
} from './sample-app/services';
import './support/provided-context';
import {
  createSampleSuite,
  instanceOf,
  newOrderId,
  placeOrder,
  waitForStatus,
  type SampleSuite,
} from './support/sample-suite';

const expectedEffects: Record<string, string[]> = {
  ok: ['reserve', 'charge', 'ship'],
  slow: ['reserve', 'charge', 'ship'],
  'fail-charge': ['reserve', 'release'],
  'fail-ship': ['reserve', 'charge', 'refund', 'release'],
};
const expectedStatus: Record<string, string> = {
  ok: 'COMPLETED',
  slow: 'COMPLETED',
  'fail-charge': 'COMPENSATED',
  'fail-ship': 'COMPENSATED',
};

describe('Sagas converge (guarantee 4): two instances of the saga service in one consumer group run every saga correctly', () => {
  const stack = inject('stack');
  let suite: SampleSuite;
  const runtimes: SagaflowRuntime[] = [];

  beforeAll(async () => {
    suite = await createSampleSuite(stack, 'group', 4);
    runtimes.push(await startParticipantService(suite.env, { contracts: suite.contracts }));
    runtimes.push(await startOrderService(suite.env, { contracts: suite.contracts }));
    runtimes.push(await startOrderService(suite.env, { contracts: suite.contracts }));
  });

  afterAll(async () => {
    for (const r of runtimes.reverse()) await r.stop();
    await suite?.teardown();
  });

  it('every saga ends as its scenario says, each effect applied once', async () => {
    const admin = suite.kafka.admin();
    await admin.connect();
    await waitFor(
      async () => {
        const { groups } = await admin.describeGroups([`${suite.env.id}-orders`]);
        return groups[0]?.state === 'Stable' && groups[0].members.length === 2;
      },
      { timeoutMs: 60_000, description: 'both order-service instances to be in the group' },
    );
    await admin.disconnect();
    const scenarios = ['ok', 'fail-charge', 'fail-ship', 'ok'];
    const orders = Array.from({ length: 16 }, (_, i) => ({
      id: newOrderId(`g${i}`),
      scenario: scenarios[i % scenarios.length]!,
    }));
    const [, first, second] = runtimes;
    await Promise.all(
      orders.map((o, i) => placeOrder(suite, (i % 2 ? first! : second!).transactions, o.id, o.scenario)),
    );
    for (const o of orders) {
      await waitForStatus(suite, o.id, expectedStatus[o.scenario]!);
      expect(await effectsOf(suite.participantDb, o.id), o.scenario).toEqual(expectedEffects[o.scenario]);
    }
  });
});

describe('Nothing lost, effectively once (guarantees 1, 2): a saga service killed with SIGKILL mid-saga finishes every saga after restart', () => {
  const stack = inject('stack');
  let suite: SampleSuite;
  let participant: SagaflowRuntime;
  let writer: SagaflowRuntime;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    suite = await createSampleSuite(stack, 'crash');
    participant = await startParticipantService(suite.env, { contracts: suite.contracts });
  });

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await writer?.stop();
    await participant?.stop();
    await suite?.teardown();
  });

  function startChild(env: SampleEnv): Promise<ChildProcess> {
    const child = spawn(process.execPath, ['--import', 'tsx', resolve(__dirname, 'sample-app/main.ts')], {
      cwd: resolve(__dirname, '..'),
      env: { ...process.env, SAMPLE_ENV: JSON.stringify(env) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let output = '';
    return new Promise((ready, fail) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('sample order service ready')) ready(child);
      });
      child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      if (process.env.SAGAFLOW_TEST_CHILD_LOGS) {
        child.stdout!.pipe(process.stderr);
        child.stderr!.pipe(process.stderr);
      }
      child.on('exit', (code) =>
        fail(new Error(`sample order service exited (${code}) before it was ready:\n${output}`)),
      );
    });
  }

  it('every saga started before the crash completes, and no step is applied twice', async () => {
    const first = await startChild(suite.env);
    // the test writes orders into the order service's database as its HTTP handler would
    writer = orderService(suite.env, { contracts: suite.contracts }).runtime;
    // One saga first, so every schema is registered before the kill: a process killed between the
    // registry's register and its compatibility update leaves that subject unusable (reported to outbox-relay).
    const warmUp = newOrderId('warm');
    await placeOrder(suite, writer.transactions, warmUp, 'ok');
    await waitForStatus(suite, warmUp, 'COMPLETED');
    const orders = Array.from({ length: 30 }, (_, i) => newOrderId(`crash${i}`));
    for (const id of orders) await placeOrder(suite, writer.transactions, id, 'slow');
    // mid-saga: at least one step done, and not every saga finished
    await waitFor(
      async () => {
        const { rows } = await suite.orderDb.query(
          `select count(*)::int as n from sagaflow.saga_instance where jsonb_array_length(completed_steps) > 0 and correlation_key like 'crash%'`,
        );
        return rows[0].n > 0;
      },
      { timeoutMs: 60_000, description: 'the first step of some saga to complete' },
    );
    first.kill('SIGKILL');
    await new Promise((done) =>
      first.exitCode !== null || first.signalCode !== null ? done(null) : first.once('exit', done),
    );
    const { rows } = await suite.orderDb.query(
      `select count(*)::int as n from sagaflow.saga_instance where status = 'COMPLETED' and correlation_key like 'crash%'`,
    );
    expect(rows[0].n).toBeLessThan(orders.length);

    const second = await startChild(suite.env);
    for (const id of orders) {
      await waitForStatus(suite, id, 'COMPLETED', 90_000);
      expect(await effectsOf(suite.participantDb, id), id).toEqual(['reserve', 'charge', 'ship']);
      expect((await instanceOf(suite, id))?.stuck_code).toBeNull();
    }
    second.kill('SIGTERM');
    await new Promise((done) =>
      second.exitCode !== null || second.signalCode !== null ? done(null) : second.once('exit', done),
    );
  }, 180_000);
});
