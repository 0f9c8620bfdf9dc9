import { newMessageId } from '@sagaflow/outbox-relay';
import { waitFor } from '@sagaflow/stack';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningMonitor } from '../src/monitor';
import type { SagaDetail } from '../src/query/get-saga';
import type { SagaPage } from '../src/query/list-sagas';
import { get, getJson } from './support/http';
import { createMonitorEnv, type MonitorEnv } from './support/monitor-env';
import { SagaTraffic, type FakeSaga } from './support/saga-traffic';

describe('where the time went: per-message hops, and the list sorted by duration', () => {
  const stack = inject('stack');
  const type = `Time${newMessageId().slice(-8)}`;
  let env: MonitorEnv;
  let traffic: SagaTraffic;
  let monitor: RunningMonitor;
  const sagas: FakeSaga[] = [];

  beforeAll(async () => {
    env = await createMonitorEnv(stack, 'timing');
    traffic = new SagaTraffic(env.kafka, env.topics, stack.schemaRegistryUrl);
    const base = Date.now() - 3_600_000;
    const endings = ['completed', 'compensated', 'failed', 'running', 'completed'] as const;
    const records = [];
    for (let i = 0; i < endings.length; i++) {
      const s = SagaTraffic.saga(type, new Date(base + i * 60_000));
      sagas.push(s);
      records.push(...(await traffic.sagaRecords(s, endings[i]!)));
    }
    await traffic.send(records);
    monitor = await env.start();
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

  it('shows per message the time to Kafka and to the consuming transaction', async () => {
    const d = await getJson<SagaDetail>(`${monitor.url}/api/sagas/${sagas[0]!.id}`);
    const placed = d.messages.find((m) => m.messageType === 'order.OrderPlaced')!;
    // the made-up traffic stamps each record 100 ms after the one before, its Kafka time = occurred-at
    expect(placed.hops.publishMs).toBe(0);
    expect(placed.hops.consumedMs).toBeGreaterThan(0);
    expect(placed.hops.consumedMs).toBeLessThanOrEqual(100);
    // the last message caused nothing in this timeline
    expect(d.messages[d.messages.length - 1]!.hops.consumedMs).toBeNull();
  });

  it('sorts the list by duration, longest first, paging without repeats (running sagas by their age)', async () => {
    const seen: SagaPage['items'] = [];
    let cursor: string | null = null;
    do {
      const page: SagaPage = await getJson<SagaPage>(
        `${monitor.url}/api/sagas?type=${type}&sort=duration&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(seen.map((s) => s.id)).size).toBe(sagas.length);
    // the running saga started an hour ago: by far the longest
    expect(seen[0]!.id).toBe(sagas[3]!.id);
    const ended = seen.slice(1).map((s) => s.durationMs!);
    expect(ended).toEqual([...ended].sort((a, b) => b - a));
  });

  it('refuses a cursor of the other sort order', async () => {
    const page = await getJson<SagaPage>(`${monitor.url}/api/sagas?type=${type}&limit=1`);
    const r = await get(`${monitor.url}/api/sagas?type=${type}&sort=duration&cursor=${page.nextCursor}`);
    expect(r.status).toBe(400);
  });
});
