import { newMessageId } from '@sagaflow/outbox-relay';
import { waitFor } from '@sagaflow/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { RunningMonitor } from '../src/monitor';
import type { SagaDetail } from '../src/query/get-saga';
import type { SagaPage } from '../src/query/list-sagas';
import type { StatsResponse } from '../src/query/stats';
import { get, getJson } from './support/http';
import { createMonitorEnv, type MonitorEnv } from './support/monitor-env';
import { SagaTraffic, type Ending, type FakeSaga, type OutRecord } from './support/saga-traffic';

describe('the REST API lists, filters, pages and explains sagas (token required)', () => {
  const stack = inject('stack');
  const token = `token-${newMessageId()}`;
  const typeA = `RestA${newMessageId().slice(-8)}`;
  const typeB = `RestB${newMessageId().slice(-8)}`;
  const hourAgo = Date.now() - 3_600_000;
  let env: MonitorEnv;
  let traffic: SagaTraffic;
  let monitor: RunningMonitor;
  const old: { saga: FakeSaga; ending: Ending }[] = [];
  let fresh: FakeSaga;
  let poisoned: FakeSaga;
  const api = (path: string) => getJson<SagaPage>(`${monitor.url}${path}`, token);

  beforeAll(async () => {
    env = await createMonitorEnv(stack, 'rest');
    traffic = new SagaTraffic(env.kafka, env.topics, stack.schemaRegistryUrl);
    const records: OutRecord[] = [];
    const endings: Ending[] = ['completed', 'compensated', 'failed', 'running'];
    for (let i = 0; i < 12; i++) {
      const saga = SagaTraffic.saga(typeA, new Date(hourAgo + i * 60_000));
      old.push({ saga, ending: endings[i % 4]! });
      records.push(...(await traffic.sagaRecords(saga, endings[i % 4]!)));
    }
    for (let i = 0; i < 3; i++)
      records.push(
        ...(await traffic.sagaRecords(SagaTraffic.saga(typeB, new Date(hourAgo + i * 1000)), 'completed')),
      );
    fresh = SagaTraffic.saga(typeA);
    poisoned = SagaTraffic.saga(typeA);
    records.push(
      ...(await traffic.sagaRecords(fresh, 'running')),
      ...(await traffic.sagaRecords(poisoned, 'running')),
    );
    records.push(
      await traffic.deadLetter(poisoned, 'POISON_MESSAGE', '[POISON_MESSAGE] unknown SKU SKU-404'),
    );
    await traffic.send(records);
    monitor = await env.start({ MONITOR_TOKEN: token });
    await waitFor(
      async () => {
        const n = await monitor.pool.query<{ n: string }>('select count(*) as n from monitor.message');
        return Number(n.rows[0]!.n) === traffic.total();
      },
      { timeoutMs: 45_000, intervalMs: 200, description: 'every record applied' },
    );
  });
  afterAll(async () => {
    await traffic?.close();
    await env?.dispose();
  });

  it('refuses data without the token, but answers health', async () => {
    expect((await get(`${monitor.url}/api/sagas`)).status).toBe(401);
    expect((await get(`${monitor.url}/metrics`)).status).toBe(401);
    expect((await get(`${monitor.url}/api/sagas`, 'wrong-token-wrong-token')).status).toBe(401);
    expect((await get(`${monitor.url}/health`)).status).toBe(200);
    expect((await get(`${monitor.url}/api/sagas?access_token=${token}`)).status).toBe(200);
  });

  it('pages through one type newest first, every saga exactly once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    const sizes: number[] = [];
    do {
      const page: SagaPage = await api(
        `/api/sagas?type=${typeA}&limit=5${cursor ? `&cursor=${cursor}` : ''}`,
      );
      sizes.push(page.items.length);
      seen.push(...page.items.map((s) => s.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(sizes).toEqual([5, 5, 4]);
    const expected = [...old.map((o) => o.saga), fresh, poisoned].sort(
      (a, b) => b.startedAt.getTime() - a.startedAt.getTime() || (a.id < b.id ? 1 : -1),
    );
    expect(seen).toEqual(expected.map((s) => s.id));
  });

  it('filters by status and start time', async () => {
    const completed = await api(`/api/sagas?type=${typeA}&status=COMPLETED`);
    expect(completed.items.map((s) => s.id).sort()).toEqual(
      old
        .filter((o) => o.ending === 'completed')
        .map((o) => o.saga.id)
        .sort(),
    );
    const ended = await api(`/api/sagas?type=${typeA}&status=COMPENSATED,FAILED`);
    expect(ended.items).toHaveLength(6);
    const from = new Date(hourAgo + 2 * 60_000).toISOString();
    const to = new Date(hourAgo + 5 * 60_000 + 1000).toISOString();
    const window = await api(`/api/sagas?type=${typeA}&startedFrom=${from}&startedTo=${to}`);
    expect(window.items.map((s) => s.id).sort()).toEqual(
      old
        .slice(2, 6)
        .map((o) => o.saga.id)
        .sort(),
    );
  });

  it('shows stuck sagas: no progress past the threshold, or a dead letter, with its error', async () => {
    const stuck = await api(`/api/sagas?type=${typeA}&stuck=true`);
    const reasons = Object.fromEntries(stuck.items.map((s) => [s.id, s.stuckReason]));
    expect(reasons).toEqual({
      ...Object.fromEntries(old.filter((o) => o.ending === 'running').map((o) => [o.saga.id, 'no-progress'])),
      [poisoned.id]: 'dead-letter',
    });
    const notStuck = await api(`/api/sagas?type=${typeA}&stuck=false&status=RUNNING`);
    expect(notStuck.items.map((s) => s.id)).toEqual([fresh.id]);

    const detail = await getJson<SagaDetail>(`${monitor.url}/api/sagas/${poisoned.id}`, token);
    expect(detail.saga).toMatchObject({
      stuck: true,
      stuckReason: 'dead-letter',
      deadLetters: 1,
      error: {
        code: 'POISON_MESSAGE',
        message: '[POISON_MESSAGE] unknown SKU SKU-404',
        topic: env.topics.inventoryCommandsDlt,
      },
    });
    expect(detail.deadLetters).toEqual([
      expect.objectContaining({
        errorCode: 'POISON_MESSAGE',
        originalTopic: env.topics.inventoryCommands,
        attempts: 5,
        consumer: 'inventory-service',
      }),
    ]);
    expect(detail.messages.filter((m) => m.deadLetter).map((m) => m.payload)).toEqual([
      { orderId: poisoned.orderId, items: [{ sku: 'SKU-404', quantity: 1 }] },
    ]);

    const failed = (await api(`/api/sagas?type=${typeA}&status=FAILED&limit=1`)).items[0]!;
    expect(failed.error).toMatchObject({
      code: null,
      message: expect.stringContaining('COMPENSATION_FAILED'),
    });
  });

  it('answers bad parameters with 400 naming them, and unknown sagas with 404', async () => {
    for (const [qs, parameter] of [
      ['limit=0', 'limit'],
      ['status=DONE', 'status'],
      ['startedFrom=soon', 'startedFrom'],
      ['stuck=maybe', 'stuck'],
      ['cursor=nope', 'cursor'],
      ['sort=asc', 'sort'],
    ]) {
      const res = await get(`${monitor.url}/api/sagas?${qs}`, token);
      expect(res.status, qs).toBe(400);
      expect(res.body).toMatchObject({
        error: { status: 400, parameter, message: expect.stringContaining(parameter!) },
      });
    }
    expect((await get(`${monitor.url}/api/sagas/no-such-saga`, token)).status).toBe(404);
  });

  it('computes stats per saga type', async () => {
    const stats = await getJson<StatsResponse>(`${monitor.url}/api/stats`, token);
    const a = stats.types.find((t) => t.type === typeA)!;
    const b = stats.types.find((t) => t.type === typeB)!;
    expect(a.byStatus).toEqual({ RUNNING: 5, COMPENSATING: 0, COMPLETED: 3, COMPENSATED: 3, FAILED: 3 });
    expect(a.stuck).toBe(4);
    expect(b).toMatchObject({ total: 3, byStatus: { COMPLETED: 3 }, stuck: 0 });
    // each made-up completed saga spends 400 ms from its Started to its Completed transition
    expect(b.durationMs).toEqual({ p50: 400, p95: 400, p99: 400 });
  });
});
