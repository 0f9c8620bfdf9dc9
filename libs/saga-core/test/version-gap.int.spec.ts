import 'reflect-metadata';
import { newMessageId } from '@sagaflow/outbox-relay';
import { waitFor } from '@sagaflow/stack';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SagaflowRuntime, type Duration } from '../src/index';
import { createOrderSaga } from './sample-app/order-saga';
import { memoryLogger } from './sample-app/services';
import {
  createSampleSuite,
  instanceOf,
  metricValue,
  newOrderId,
  type SampleSuite,
} from './support/sample-suite';
import './support/provided-context';

type Log = ReturnType<typeof memoryLogger>;

/** One replica of the order service (all replicas share its consumer group) registering `versions`. */
function replica(suite: SampleSuite, versions: number[], versionGapTimeout: Duration, logger: Log) {
  const runtime = new SagaflowRuntime({
    service: `${suite.env.id}-orders`,
    databaseUrl: suite.env.orderDbUrl,
    kafka: { brokers: suite.env.brokers },
    codec: { kind: 'avro', registryUrl: suite.env.registryUrl },
    catalog: suite.contracts.all,
    consumer: {
      retry: { attempts: 3, initialBackoff: '50ms', maxBackoff: '200ms' },
      sessionTimeout: '10s',
      heartbeatInterval: '1s',
      versionGapTimeout,
    },
    deadlines: { pollInterval: '200ms' },
    relay: { retention: '1h' },
    logger,
  });
  const sagas = versions.map((version) => new (createOrderSaga(suite.contracts, { version }))());
  return { runtime, start: () => runtime.start({ sagas }) };
}

/** A SampleOrder instance a replica of the next release started: definition version 2, reserving stock. */
async function insertVersion2Instance(suite: SampleSuite, orderId: string): Promise<string> {
  const correlationId = newMessageId();
  await suite.orderDb.query(
    `insert into sagaflow.saga_instance (id, type, correlation_key, correlation_id, definition_version, status, state, steps,
       completed_steps, version, started_at, updated_at)
     values ($1, 'SampleOrder', $2, $3, 2, 'RUNNING', $4, '{"reserveStock":{"status":"STARTED"}}', '[]', 1, now(), now())`,
    [newMessageId(), orderId, correlationId, JSON.stringify({ orderId, amount: 5, scenario: 'ok' })],
  );
  return correlationId;
}

/** A version-2 instance charging the payment, whose charge timeout is due now. */
async function insertVersion2DueDeadline(suite: SampleSuite, orderId: string): Promise<void> {
  const id = newMessageId();
  await suite.orderDb.query(
    `insert into sagaflow.saga_instance (id, type, correlation_key, correlation_id, definition_version, status, state, steps,
       completed_steps, version, started_at, updated_at)
     values ($1, 'SampleOrder', $2, $3, 2, 'RUNNING', $4,
       '{"reserveStock":{"status":"COMPLETED"},"chargePayment":{"status":"STARTED"}}', '["reserveStock"]', 1, now(), now())`,
    [id, orderId, newMessageId(), JSON.stringify({ orderId, amount: 5, scenario: 'ok' })],
  );
  await suite.orderDb.query(
    `insert into sagaflow.saga_deadline (saga_id, name, saga_type, due_at) values ($1, 'step:chargePayment', 'SampleOrder', now())`,
    [id],
  );
}

const metric = async (r: SagaflowRuntime, name: string, labels: Record<string, string> = {}) =>
  metricValue(await r.metrics.registry.metrics(), name, labels);
const gapRetries = (r: SagaflowRuntime) =>
  metric(r, 'sagaflow_message_retries_total', { error_code: 'DEFINITION_VERSION_GAP' });
const deadLettered = (r: SagaflowRuntime) => metric(r, 'sagaflow_messages_dead_lettered_total');

describe('Rolling deploy: a message for an instance of a definition version this replica lacks is held, not dead-lettered at once', () => {
  const stack = inject('stack');
  let suite: SampleSuite;
  const oldLog = memoryLogger();
  const newLog = memoryLogger();
  let old: ReturnType<typeof replica>;
  let next: ReturnType<typeof replica> | undefined;

  beforeAll(async () => {
    suite = await createSampleSuite(stack, 'vgap');
    old = replica(suite, [1], '2m', oldLog);
    await old.start();
  });

  afterAll(async () => {
    await next?.runtime.stop();
    await old?.runtime.stop();
    await suite?.teardown();
  });

  it('a v2 message is held by the v1 replica (logged and counted as a version gap) and applied when a replica with v2 takes the partition; a v2 deadline waits for it too', async () => {
    const orderId = newOrderId('vgap');
    const timedOut = newOrderId('vgap-deadline');
    const correlationId = await insertVersion2Instance(suite, orderId);
    await insertVersion2DueDeadline(suite, timedOut);
    await old.runtime.transactions.run(
      (t) => t.emit(suite.contracts.StockReserved, { orderId, amount: 5, reason: null }),
      { correlationId },
    );
    // held: retried as a version gap several times, never dead-lettered (a dead letter ends the wait)
    const held = await waitFor(
      async () => {
        const dlt = await deadLettered(old.runtime);
        const gaps = await gapRetries(old.runtime);
        return dlt > 0 || gaps >= 5 ? { dlt, gaps } : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 100, description: 'the v1 replica to hold the v2 message' },
    );
    expect(held.dlt).toBe(0);
    expect(held.gaps).toBeGreaterThanOrEqual(5);
    const gapLine = oldLog.lines.find((l) => String(l.msg).startsWith('version gap'));
    expect(gapLine).toMatchObject({ level: 'warn', sagaType: 'SampleOrder', definitionVersion: 2 });
    expect((await instanceOf(suite, orderId))!.steps.reserveStock!.status).toBe('STARTED');
    // the v1 replica's scheduler leaves the v2 deadline for a replica that has v2: postponed, not stuck
    await waitFor(
      () => oldLog.lines.some((l) => String(l.msg).startsWith('version gap: deadline left')) || undefined,
      { timeoutMs: 30_000, description: 'the v1 scheduler to leave the v2 deadline' },
    );
    expect(oldLog.lines.filter((l) => l.msg === 'deadline failed, postponed')).toEqual([]);
    expect((await instanceOf(suite, timedOut))!.stuck_code).toBeNull();

    // the rolling deploy: a replica of the new release joins the group, then the old one is stopped
    next = replica(suite, [1, 2], '2m', newLog);
    await next.start();
    // its join rebalances the group: the old replica ends its hold uncommitted instead of blocking it
    await waitFor(
      () =>
        oldLog.lines.some((l) => String(l.msg).startsWith('group rebalancing: the rest of this batch')) ||
        undefined,
      { timeoutMs: 30_000, description: 'the old replica to release its hold on the rebalance' },
    );
    await old.runtime.stop();
    const applied = await waitFor(
      async () => {
        const i = await instanceOf(suite, orderId);
        return i?.steps.reserveStock?.status === 'COMPLETED' ? i : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 100, description: 'the v2 replica to apply the held message' },
    );
    expect(applied.definition_version).toBe(2);
    expect(applied.steps.chargePayment?.status).toBe('STARTED');
    expect(applied.stuck_code).toBeNull();
    // and the v2 replica fires the deadline: the charge timed out, the stock is released
    const compensating = await waitFor(
      async () => {
        const i = await instanceOf(suite, timedOut);
        return i?.status === 'COMPENSATING' ? i : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100, description: 'the v2 replica to fire the charge timeout' },
    );
    expect(compensating.stuck_code).toBeNull();
    // a stopped runtime's registry cannot be read: its log says whether it dead-lettered anything
    expect(oldLog.lines.filter((l) => l.msg === 'message dead-lettered')).toEqual([]);
    expect(await deadLettered(next.runtime)).toBe(0);
  });
});

describe('Poison messages (guarantee 5): a version gap that no replica closes is dead-lettered after consumer.versionGapTimeout, with DEFINITION_VERSION_GAP', () => {
  const stack = inject('stack');
  let suite: SampleSuite;
  const log = memoryLogger();
  let old: ReturnType<typeof replica>;

  beforeAll(async () => {
    suite = await createSampleSuite(stack, 'vgapdlt');
    old = replica(suite, [1], '3s', log);
    await old.start();
  });

  afterAll(async () => {
    await old?.runtime.stop();
    await suite?.teardown();
  });

  it('held for the bound, then dead-lettered with a clear code and the saga marked stuck', async () => {
    const orderId = newOrderId('vgapdlt');
    const correlationId = await insertVersion2Instance(suite, orderId);
    const emittedAt = Date.now();
    await old.runtime.transactions.run(
      (t) => t.emit(suite.contracts.StockReserved, { orderId, amount: 5, reason: null }),
      { correlationId },
    );
    await waitFor(async () => (await deadLettered(old.runtime)) > 0 || undefined, {
      timeoutMs: 60_000,
      intervalMs: 100,
      description: 'the held message to be dead-lettered',
    });
    const deadLetteredAt = Date.now();
    // not at once: held for the 3 s bound, retried meanwhile
    expect(deadLetteredAt - emittedAt).toBeGreaterThanOrEqual(3_000);
    expect(await gapRetries(old.runtime)).toBeGreaterThanOrEqual(2);
    const line = log.lines.find((l) => l.msg === 'message dead-lettered');
    expect(line).toMatchObject({ errorCode: 'DEFINITION_VERSION_GAP' });
    expect(Number(line!.attempts)).toBeGreaterThan(1);
    const stuck = await waitFor(
      async () => {
        const i = await instanceOf(suite, orderId);
        return i?.stuck_code ? i : undefined;
      },
      { timeoutMs: 30_000, description: 'the instance to be marked stuck' },
    );
    expect(stuck.stuck_code).toBe('DEFINITION_VERSION_GAP');
    expect(stuck.stuck_reason).toMatch(
      /runs definition version 2, which this replica does not have \(it registers 1\)/,
    );
    expect(stuck.status).toBe('RUNNING');
  });
});
