import { ContentType, Header, newMessageId } from '@sagaflow/outbox-relay';
import { waitFor } from '@sagaflow/stack';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningMonitor } from '../src/monitor';
import type { SagaDetail } from '../src/query/get-saga';
import { getJson } from './support/http';
import { createMonitorEnv, type MonitorEnv } from './support/monitor-env';
import { projectionSnapshot } from './support/projection-snapshot';
import { SagaTraffic, type FakeSaga, type OutRecord } from './support/saga-traffic';

describe(
  'the projection reads both lifecycle records, and one bad record does not wedge a batch',
  { timeout: 120_000 },
  () => {
    const stack = inject('stack');
    const type = `Life${newMessageId().slice(-8)}`;
    let env: MonitorEnv;
    let traffic: SagaTraffic;
    let monitor: RunningMonitor;
    const sagas: Record<string, FakeSaga> = {};
    const records: Record<string, OutRecord[]> = {};

    const caughtUp = (m: RunningMonitor) =>
      waitFor(
        async () => {
          const applied = await m.pool.query<{ n: string }>('select count(*) as n from monitor.message');
          return Number(applied.rows[0]!.n) === traffic.total() && (await m.lag()) === 0;
        },
        { timeoutMs: 45_000, intervalMs: 200, description: 'the monitor to apply every record sent' },
      );
    const transitionsOf = async (id: string) =>
      (await getJson<SagaDetail>(`${monitor.url}/api/sagas/${id}`)).transitions.map((t) => t.transition);
    const lifecycleOf = (name: string) => records[name]!.filter((r) => r.topic === env.topics.lifecycle);

    /** A JSON record PostgreSQL cannot store as it is: jsonb refuses the NUL character. */
    const poison = (s: FakeSaga): OutRecord => ({
      topic: env.topics.orderEvents,
      message: {
        key: s.orderId,
        value: Buffer.from(JSON.stringify({ orderId: s.orderId, note: 'nul \u0000 here' })),
        headers: {
          [Header.messageId]: newMessageId(),
          [Header.messageType]: 'order.Poison',
          [Header.correlationId]: s.correlationId,
          [Header.source]: 'spec',
          [Header.occurredAt]: new Date().toISOString(),
          [Header.contentType]: ContentType.json,
        },
      },
    });

    beforeAll(async () => {
      env = await createMonitorEnv(stack, 'lifecycle');
      traffic = new SagaTraffic(env.kafka, env.topics, stack.schemaRegistryUrl);
      const start = Date.now() - 60_000;
      for (const [name, ending, format] of [
        ['completed', 'completed', 'batched'],
        ['compensated', 'compensated', 'batched'],
        ['running', 'running', 'batched'],
        ['legacy', 'completed', 'single'],
      ] as const) {
        sagas[name] = SagaTraffic.saga(type, new Date(start));
        records[name] = await traffic.sagaRecords(sagas[name], ending, format);
      }
      // one send, so the poison sits between its neighbours in the same fetched batches
      await traffic.send([
        ...records.completed!,
        ...records.legacy!,
        poison(sagas.completed!),
        ...records.compensated!,
        // the relay re-published a SagaTransitions in the same batch
        ...lifecycleOf('compensated'),
        ...records.running!,
      ]);
      monitor = await env.start();
    });
    afterAll(async () => {
      await traffic?.close();
      await env?.dispose();
    });

    it('turns each entry of a SagaTransitions into one transition, in order, beside older SagaTransition records', async () => {
      await caughtUp(monitor);
      expect(lifecycleOf('completed').length).toBe(3);
      expect(await transitionsOf(sagas.completed!.id)).toEqual([
        'Started',
        'StepCompleted',
        'StepCompleted',
        'Completed',
      ]);
      expect(await transitionsOf(sagas.compensated!.id)).toEqual([
        'Started',
        'StepCompleted',
        'Compensating',
        'StepCompensated',
        'Compensated',
      ]);
      expect(await transitionsOf(sagas.legacy!.id)).toEqual([
        'Started',
        'StepCompleted',
        'StepCompleted',
        'Completed',
      ]);
      const rows = await monitor.pool.query<{ saga_id: string; status: string; transition_count: number }>(
        'select saga_id, status, transition_count from monitor.saga where saga_type = $1',
        [type],
      );
      expect(Object.fromEntries(rows.rows.map((r) => [r.saga_id, [r.status, r.transition_count]]))).toEqual({
        [sagas.completed!.id]: ['COMPLETED', 4],
        [sagas.compensated!.id]: ['COMPENSATED', 5],
        [sagas.running!.id]: ['RUNNING', 1],
        [sagas.legacy!.id]: ['COMPLETED', 4],
      });
    });

    it('stores the record PostgreSQL refused as unreadable and applies its neighbours', async () => {
      await caughtUp(monitor);
      const stored = await monitor.pool.query<{ decode_error: string | null; payload: unknown }>(
        `select decode_error, payload from monitor.message where message_type = 'order.Poison'`,
      );
      expect(stored.rows).toEqual([
        { decode_error: expect.stringMatching(/^PostgreSQL refused the record: /), payload: null },
      ]);
      // every other record of the batch went in, decoded
      const others = await monitor.pool.query<{ n: string }>(
        `select count(*) as n from monitor.message where message_type <> 'order.Poison' and decode_error is null`,
      );
      expect(Number(others.rows[0]!.n)).toBe(traffic.total() - 1);
    });

    it('changes nothing when a SagaTransitions is redelivered after a restart', async () => {
      await caughtUp(monitor);
      const before = await projectionSnapshot(monitor.pool);
      await monitor.stop();
      await traffic.send([...lifecycleOf('completed'), ...lifecycleOf('legacy')]);
      monitor = await env.start();
      await caughtUp(monitor);
      const after = await projectionSnapshot(monitor.pool);
      expect(after.saga).toEqual(before.saga);
      expect(after.saga_transition).toEqual(before.saga_transition);
    });

    it('--rebuild gives exactly the live projection', async () => {
      const live = await projectionSnapshot(monitor.pool);
      await monitor.stop();
      monitor = await env.start({}, { rebuild: true });
      await caughtUp(monitor);
      expect(await projectionSnapshot(monitor.pool)).toEqual(live);
    });
  },
);
