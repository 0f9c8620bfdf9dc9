import { ContentType, ensureTopics, Header, newMessageId } from '@sagaflow/outbox-relay';
import { waitFor } from '@sagaflow/stack';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningMonitor } from '../src/monitor';
import type { SagaDetail } from '../src/query/get-saga';
import type { SagaPage } from '../src/query/list-sagas';
import { get, getJson } from './support/http';
import { createMonitorEnv, type MonitorEnv } from './support/monitor-env';
import { projectionSnapshot } from './support/projection-snapshot';
import { SagaTraffic, type FakeSaga, type OutRecord } from './support/saga-traffic';

describe('the projection rebuilds every saga from Kafka alone', () => {
  const stack = inject('stack');
  const type = `Spec${newMessageId().slice(-8)}`;
  let env: MonitorEnv;
  let traffic: SagaTraffic;
  let monitor: RunningMonitor;
  const sagas: Record<string, FakeSaga> = {};
  const sagaRecords: Record<string, OutRecord[]> = {};

  const caughtUp = (m: RunningMonitor) =>
    waitFor(
      async () => {
        const applied = await m.pool.query<{ n: string }>('select count(*) as n from monitor.message');
        return Number(applied.rows[0]!.n) === traffic.total() && (await m.lag()) === 0;
      },
      { timeoutMs: 45_000, intervalMs: 200, description: 'the monitor to apply every record sent' },
    );

  beforeAll(async () => {
    env = await createMonitorEnv(stack, 'projection');
    traffic = new SagaTraffic(env.kafka, env.topics, stack.schemaRegistryUrl);
    for (const ending of ['completed', 'compensated', 'running'] as const) {
      sagas[ending] = SagaTraffic.saga(type, new Date(Date.now() - 60_000));
      sagaRecords[ending] = await traffic.sagaRecords(sagas[ending], ending);
    }
    const undecodable = (value: Buffer, contentType: string): OutRecord => ({
      topic: env.topics.orderEvents,
      message: {
        key: sagas.running!.orderId,
        value,
        headers: {
          [Header.messageId]: newMessageId(),
          [Header.messageType]: 'order.Mystery',
          [Header.correlationId]: sagas.running!.correlationId,
          [Header.source]: 'spec',
          [Header.occurredAt]: new Date().toISOString(),
          [Header.contentType]: contentType,
        },
      },
    });
    await traffic.send([
      await traffic.definition(type),
      ...Object.values(sagaRecords).flat(),
      // a schema id the registry never issued, and JSON that is not JSON
      undecodable(Buffer.from([0, 0x7f, 0xff, 0xff, 0xf0, 1, 2, 3]), ContentType.avro),
      undecodable(Buffer.from('{not json'), ContentType.json),
    ]);
    monitor = await env.start();
  });
  afterAll(async () => {
    await traffic?.close();
    await env?.dispose();
  });

  it('projects each saga with its status, and its timeline with every message of its correlation id, decoded', async () => {
    const page = await waitFor(
      async () => {
        const p = await getJson<SagaPage>(`${monitor.url}/api/sagas?type=${type}`);
        return p.items.filter((s) => s.status !== 'RUNNING').length === 2 ? p : undefined;
      },
      { timeoutMs: 45_000, intervalMs: 200, description: 'three sagas listed, two of them ended' },
    );
    const status = Object.fromEntries(page.items.map((s) => [s.id, s.status]));
    expect(status).toEqual({
      [sagas.completed!.id]: 'COMPLETED',
      [sagas.compensated!.id]: 'COMPENSATED',
      [sagas.running!.id]: 'RUNNING',
    });

    // the saga's commands and events travel on other topics, applied on their own schedule
    const detail = await waitFor(
      async () => {
        const d = await getJson<SagaDetail>(`${monitor.url}/api/sagas/${sagas.completed!.id}`);
        return d.messages.length === 9 ? d : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200, description: 'the whole timeline' },
    );
    expect(detail.saga).toMatchObject({
      correlationId: sagas.completed!.correlationId,
      durationMs: expect.any(Number),
      lastTransition: 'Completed',
    });
    expect(detail.messages.map((m) => m.messageType)).toEqual([
      'order.OrderPlaced',
      'sagaflow.SagaTransition',
      'inventory.ReserveStock',
      'inventory.StockReserved',
      'sagaflow.SagaTransition',
      'payment.ChargePayment',
      'payment.PaymentCharged',
      'sagaflow.SagaTransition',
      'sagaflow.SagaTransition',
    ]);
    const [placed, , reserve] = detail.messages;
    expect(placed).toMatchObject({
      topic: env.topics.orderEvents,
      payload: { orderId: sagas.completed!.orderId, total: 1250 },
      decodeError: null,
    });
    expect(reserve!.causationId).toBe(placed!.messageId);
    expect(reserve!.offset).toMatch(/^\d+$/);
    expect(detail.transitions.map((t) => t.transition)).toEqual([
      'Started',
      'StepCompleted',
      'StepCompleted',
      'Completed',
    ]);
    expect(detail.definition).toMatchObject({
      sagaType: type,
      steps: [{ name: 'reserveStock' }, { name: 'chargePayment' }],
    });

    const defs = await getJson<{ definitions: { key: string }[] }>(`${monitor.url}/api/definitions`);
    expect(defs.definitions.map((d) => d.key)).toEqual([`saga:${type}`]);
  });

  it('stores undecodable records with the error instead of dropping them', async () => {
    const mystery = await waitFor(
      async () => {
        const d = await getJson<SagaDetail>(`${monitor.url}/api/sagas/${sagas.running!.id}`);
        const found = d.messages.filter((m) => m.messageType === 'order.Mystery');
        return found.length === 2 ? found : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200, description: 'both undecodable records' },
    );
    expect(mystery.map((m) => m.decodeError)).toEqual([
      expect.stringMatching(/^schema id 2147483632: the registry refused it/),
      expect.stringMatching(/^JSON decode failed/),
    ]);
  });

  it('picks up a topic created after it started', async () => {
    const topic = `${env.topics.prefix}.shipping.events`;
    await ensureTopics(env.kafka, [{ topic }]);
    const [placed] = await traffic.sagaRecords(sagas.running!, 'running');
    await traffic.send([{ topic, message: placed!.message }]);
    await waitFor(
      async () =>
        (await getJson<SagaDetail>(`${monitor.url}/api/sagas/${sagas.running!.id}`)).messages.some(
          (m) => m.topic === topic,
        ),
      { timeoutMs: 30_000, intervalMs: 200, description: 'the new topic to be consumed' },
    );
  });

  it('neither loses nor double-counts across a restart, whatever the Kafka group remembers', async () => {
    await caughtUp(monitor);
    await monitor.stop();
    const later = SagaTraffic.saga(type);
    const laterRecords = await traffic.sagaRecords(later, 'completed');
    // the relay re-publishes after a crash: the same lifecycle record (same message id) twice
    const republished = sagaRecords.running!.filter((r) => r.topic === env.topics.lifecycle);
    await traffic.send([...laterRecords, ...republished]);
    // a group Kafka never saw: it would start from the earliest offsets; the stored ones must win
    monitor = await env.start({ MONITOR_GROUP_ID: `${env.topics.prefix}.other-group` });
    await caughtUp(monitor);

    const counts = await monitor.pool.query<{ saga_id: string; transition_count: number }>(
      'select saga_id, transition_count from monitor.saga where saga_type = $1',
      [type],
    );
    expect(Object.fromEntries(counts.rows.map((r) => [r.saga_id, r.transition_count]))).toEqual({
      [sagas.completed!.id]: 4,
      [sagas.compensated!.id]: 5,
      [sagas.running!.id]: 1,
      [later.id]: 4,
    });
    const metrics = await get(`${monitor.url}/metrics`);
    expect(metrics.text).toContain(`sagaflow_monitor_sagas_started_total{saga_type="${type}"} 4`);
    expect(metrics.text).toContain(`sagaflow_monitor_sagas_completed_total{saga_type="${type}"} 2`);
    expect(metrics.text).toContain(`sagaflow_monitor_sagas_compensated_total{saga_type="${type}"} 1`);
    expect(metrics.text).toMatch(
      new RegExp(
        `sagaflow_monitor_saga_duration_seconds_count\\{saga_type="${type}",outcome="COMPLETED"\\} 2`,
      ),
    );
    expect(metrics.text).toMatch(/sagaflow_monitor_consumer_lag\{topic="[^"]+",partition="\d"\} 0/);
    expect(metrics.text).toContain(`sagaflow_monitor_sagas_in_flight{saga_type="${type}"} 1`);
  });

  it('--rebuild drops the projection and replays it to exactly the live one', async () => {
    const live = await projectionSnapshot(monitor.pool);
    await monitor.stop();
    monitor = await env.start({}, { rebuild: true });
    await caughtUp(monitor);
    expect(await projectionSnapshot(monitor.pool)).toEqual(live);
  });
});
