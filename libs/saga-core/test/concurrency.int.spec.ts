import 'reflect-metadata';
import { waitFor } from '@sagaflow/stack';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { newMessageId } from '@sagaflow/outbox-relay';
import type { Pool, PoolClient } from 'pg';
import type { SagaflowRuntime } from '../src/index';
import { loadByCorrelationSql } from '../src/store/load-instance';
import { answerLateCharge, effectsOf } from './sample-app/participant';
import { memoryLogger, startOrderService, startParticipantService } from './sample-app/services';
import './support/provided-context';
import {
  createSampleSuite,
  instanceOf,
  metricValue,
  newOrderId,
  placeOrder,
  waitForStatus,
  type SampleSuite,
} from './support/sample-suite';

/** Waits until some other session of `pool`'s database waits for a lock while running a statement like `pattern`. */
async function waitForLockWait(pool: Pool, pattern: string): Promise<void> {
  await waitFor(
    async () => {
      const { rows } = await pool.query(
        `select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query ilike $1`,
        [pattern],
      );
      return rows.length > 0;
    },
    { timeoutMs: 30_000, description: `a statement like ${pattern} to wait for a lock` },
  );
}

describe('Order and concurrency (guarantee 3): one saga instance is never corrupted by concurrent handling', () => {
  const stack = inject('stack');
  let suite: SampleSuite;
  let orders: SagaflowRuntime;
  let participant: SagaflowRuntime;
  const orderLog = memoryLogger();

  beforeAll(async () => {
    suite = await createSampleSuite(stack, 'concurrency');
    participant = await startParticipantService(suite.env, { contracts: suite.contracts });
    orders = await startOrderService(suite.env, { logger: orderLog, contracts: suite.contracts });
  });

  afterAll(async () => {
    await orders?.stop();
    await participant?.stop();
    await suite?.teardown();
  });

  const conflicts = async () =>
    metricValue(await orders.metrics.registry.metrics(), 'sagaflow_message_retries_total', {
      error_code: 'CONCURRENCY_CONFLICT',
    });

  it('two starting messages racing for one correlation key create exactly one instance', async () => {
    const orderId = newOrderId('race');
    const before = await conflicts();
    // the other starter: a transaction that created the instance and has not committed yet
    const other: PoolClient = await suite.orderDb.connect();
    const otherId = newMessageId();
    try {
      await other.query('begin');
      await other.query(
        `insert into sagaflow.saga_instance (id, type, correlation_key, correlation_id, definition_version, status, state, steps,
           completed_steps, version, started_at, updated_at)
         values ($1, 'SampleOrder', $2, $3, 1, 'RUNNING', $4, '{}', '[]', 1, now(), now())`,
        [otherId, orderId, newMessageId(), JSON.stringify({ orderId, amount: 1, scenario: 'ok' })],
      );
      await placeOrder(suite, orders.transactions, orderId);
      // the runtime's insert of its own instance waits on the unique (type, correlation_key) index
      await waitForLockWait(suite.orderDb, '%insert into sagaflow.saga_instance%');
      await other.query('commit');
    } finally {
      other.release();
    }
    await waitFor(
      () => orderLog.lines.some((l) => l.msg === 'message ignored by the saga' && l.sagaId === otherId),
      {
        timeoutMs: 30_000,
        description: 'the second start to be ignored',
      },
    );
    const { rows } = await suite.orderDb.query(
      `select id from sagaflow.saga_instance where type = 'SampleOrder' and correlation_key = $1`,
      [orderId],
    );
    expect(rows.map((r) => r.id)).toEqual([otherId]);
    expect(await conflicts()).toBeGreaterThan(before);
    expect(await effectsOf(suite.participantDb, orderId)).toEqual([]);
  });

  it('a conflict retries in a fresh transaction, which sees the other change, and the saga goes on', async () => {
    const orderId = newOrderId('conflict');
    await placeOrder(suite, orders.transactions, orderId, 'late-charge');
    const waiting = await waitFor(
      async () => {
        const { rows } = await suite.participantDb.query('select 1 from sample_pending where order_id = $1', [
          orderId,
        ]);
        return rows.length > 0 ? await instanceOf(suite, orderId) : undefined;
      },
      { timeoutMs: 30_000, description: 'the charge to be pending' },
    );
    const before = await conflicts();
    // a concurrent writer changes the instance and holds its row lock
    const other = await suite.orderDb.connect();
    try {
      await other.query('begin');
      await other.query('update sagaflow.saga_instance set version = version + 1 where id = $1', [
        waiting.id,
      ]);
      await answerLateCharge(suite.contracts, participant.transactions, orderId);
      await waitForLockWait(suite.orderDb, '%update sagaflow.saga_instance%');
      await other.query('commit');
    } finally {
      other.release();
    }
    const done = await waitForStatus(suite, orderId, 'COMPLETED');
    expect(await conflicts()).toBeGreaterThan(before);
    expect(done.version).toBe(waiting.version + 1 + 2); // the other change, then the charge reply and the shipment reply
    expect(await effectsOf(suite.participantDb, orderId)).toEqual(['reserve', 'charge', 'ship']);
    const { rows } = await suite.orderDb.query(
      `select count(*)::int as n from sagaflow.outbox where message_key = $1 and message_type like '%.ScheduleShipment'`,
      [orderId],
    );
    expect(rows[0].n).toBe(1); // the failed attempt's outbox rows rolled back with it
  });

  it('finding an instance is an index lookup however many sagas are open', async () => {
    await suite.orderDb.query(
      `insert into sagaflow.saga_instance (id, type, correlation_key, correlation_id, definition_version, status, state, steps,
         completed_steps, version, started_at, updated_at)
       select gen_random_uuid(), 'SampleOrder', 'bulk-' || g, gen_random_uuid()::text, 1, 'RUNNING', '{}', '{}', '[]', 1, now(), now()
         from generate_series(1, 20000) g`,
    );
    await suite.orderDb.query('analyze sagaflow.saga_instance');
    const { rows } = await suite.orderDb.query(
      `explain (format json) ${loadByCorrelationSql.replaceAll('$1', `'SampleOrder'`).replaceAll('$2', `'bulk-777'`)}`,
    );
    const plan = JSON.stringify(rows[0]['QUERY PLAN']);
    expect(plan).toContain('saga_instance_type_correlation_key');
    expect(plan).not.toContain('Seq Scan');
  });
});
