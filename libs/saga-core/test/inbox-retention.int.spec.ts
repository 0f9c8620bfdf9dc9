import { createDatabase, dropDatabase, uniqueDatabaseName, waitFor } from '@sagaflow/stack';
import { newMessageId, outboxMigrations, runMigrations } from '@sagaflow/outbox-relay';
import { Pool } from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { sagaMigrations } from '../src/migrations/saga-migrations';
import type { SagaflowLogger } from '../src/observability/json-logger';
import { SagaflowMetrics } from '../src/observability/sagaflow-metrics';
import { InboxRetention } from '../src/runtime/inbox-retention';
import { inboxKey, recordInboxAndLoad } from '../src/store/record-inbox-and-load';
import './support/provided-context';

// Issue 11 item 11: the inbox grew forever. Rows older than the retention go, in chunks, and only they:
// a redelivery within the retention still finds its row and is a duplicate.
describe('inbox retention', () => {
  const stack = inject('stack');
  const name = uniqueDatabaseName('inbox_retention');
  const hour = 3_600_000;
  let db: Pool;
  const quiet: SagaflowLogger = { debug() {}, info() {}, warn() {}, error() {} };

  beforeAll(async () => {
    db = new Pool({ connectionString: await createDatabase(stack.databaseUrl, name), max: 4 });
    await runMigrations(db, [outboxMigrations, sagaMigrations]);
  });
  beforeEach(() => db.query('truncate sagaflow.inbox'));
  afterAll(async () => {
    await db.end();
    await dropDatabase(stack.databaseUrl, name);
  });

  /** Inserts `n` rows applied `ageMs` ago, as the consumer would have; returns their message ids. */
  const applied = async (n: number, ageMs: number, consumer = 'svc:saga:Order'): Promise<string[]> => {
    const ids = Array.from({ length: n }, () => newMessageId());
    await db.query(
      `insert into sagaflow.inbox (consumer, message_id, message_type, processed_at)
       select $1, id, 'order.OrderPlaced', now() - $3 * interval '1 millisecond' from unnest($2::uuid[]) id`,
      [consumer, ids, ageMs],
    );
    return ids;
  };
  const remaining = async () =>
    (await db.query<{ id: string }>('select message_id::text as id from sagaflow.inbox')).rows
      .map((r) => r.id)
      .sort();
  const retention = (over: Partial<ConstructorParameters<typeof InboxRetention>[0]> = {}) =>
    new InboxRetention({
      pool: db,
      retentionMs: 24 * hour,
      intervalMs: 60_000,
      logger: quiet,
      metrics: new SagaflowMetrics(),
      ...over,
    });

  it('deletes every row older than the retention, in chunks, and keeps the younger ones', async () => {
    await applied(23, 25 * hour);
    const young = await applied(5, 23 * hour);
    const metrics = new SagaflowMetrics();

    const deleted = await retention({ chunk: 4, metrics }).cleanOnce();

    expect(deleted).toBe(23);
    expect(await remaining()).toEqual([...young].sort());
    const counter = await metrics.registry.getSingleMetricAsString('sagaflow_inbox_rows_deleted_total');
    expect(counter).toMatch(/^sagaflow_inbox_rows_deleted_total 23$/m);
  });

  it('a redelivery within the retention is still a duplicate after a cleanup; one past it is new again', async () => {
    const [kept] = await applied(1, 2 * hour);
    const [expired] = await applied(1, 48 * hour);
    await retention().cleanOnce();

    const client = await db.connect();
    try {
      await client.query('begin');
      const { fresh } = await recordInboxAndLoad(
        client,
        [kept!, expired!].map((messageId) => ({
          consumer: 'svc:saga:Order',
          messageId,
          messageType: 'order.OrderPlaced',
        })),
        [],
      );
      await client.query('rollback');
      expect(fresh.has(inboxKey('svc:saga:Order', kept!))).toBe(false);
      // the documented rule (decision 0071): past the retention a redelivery is applied again
      expect(fresh.has(inboxKey('svc:saga:Order', expired!))).toBe(true);
    } finally {
      client.release();
    }
  });

  it('replicas cleaning at once delete each row once and none fails', async () => {
    await applied(6000, 30 * hour);

    const counts = await Promise.all([1, 2, 3].map(() => retention({ chunk: 500 }).cleanOnce()));

    expect(counts.reduce((a, b) => a + b, 0)).toBe(6000);
    expect(await remaining()).toEqual([]);
  });

  it('runs from start-up and then every interval until stopped, and not after', async () => {
    const r = retention({ intervalMs: 200 });
    r.start();
    try {
      await applied(3, 30 * hour);
      await waitFor(async () => (await remaining()).length === 0, {
        timeoutMs: 10_000,
        description: 'rows expired after start to be deleted by a later round',
      });
    } finally {
      await r.stop();
    }
    // stopped: its loop has ended, and a round asked for now deletes nothing
    await applied(2, 30 * hour);
    expect(await r.cleanOnce()).toBe(0);
    expect((await remaining()).length).toBe(2);
  });
});
