import { uniqueTopicName, waitFor } from '@sagaflow/stack';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { ensureTopics, OutboxWriter } from '../src/index';
import { collectTopic, dedupe, type Received } from './support/collect-topic';
import { createOutboxDatabase, type OutboxDatabase } from './support/outbox-database';
import { startRelayProcess, type RelayProcess } from './support/relay-process';
import { specEventType, type SpecEvent } from './support/spec-types';
import { createAggregates, writeOne } from './support/write-with-lock';

/** Per key, the seqs consumed after de-duplication must be exactly 1..n in order. */
function expectEveryKeyComplete(records: readonly Received[], finalSeqs: Map<string, number>): void {
  const byKey = new Map<string, number[]>();
  for (const r of dedupe(records)) {
    const list = byKey.get(r.key) ?? [];
    list.push((JSON.parse(r.value.toString()) as SpecEvent).seq);
    byKey.set(r.key, list);
  }
  for (const [key, seq] of finalSeqs) {
    expect(byKey.get(key) ?? [], `key ${key}`).toEqual(Array.from({ length: seq }, (_, i) => i + 1));
  }
}

describe('Nothing lost when relays crash (child processes killed with SIGKILL)', () => {
  const stack = inject('stack');
  const kafka = new Kafka({
    clientId: 'relay-crash-spec',
    brokers: stack.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  const writer = new OutboxWriter({ source: 'crash-spec' });
  let db: OutboxDatabase;
  const processes: RelayProcess[] = [];

  beforeAll(async () => {
    db = await createOutboxDatabase(stack.databaseUrl, 'relay_crash');
  });
  afterEach(async () => {
    await Promise.all(processes.splice(0).map((p) => p.kill9()));
    await db.pool.query('delete from sagaflow.outbox');
  });
  afterAll(async () => {
    await db?.drop();
  });

  async function finalSeqs(): Promise<Map<string, number>> {
    const { rows } = await db.pool.query<{ id: string; seq: number }>(
      'select id, seq from spec_aggregate where seq > 0',
    );
    return new Map(rows.map((r) => [r.id, r.seq]));
  }

  it('Nothing lost: a relay killed with SIGKILL mid-stream and restarted publishes every committed message', async () => {
    const topic = uniqueTopicName('relay.crash');
    const type = specEventType(topic);
    await ensureTopics(kafka, [{ topic, numPartitions: 3 }]);
    await db.pool.query('drop table if exists spec_aggregate');
    const ids = await createAggregates(db.pool, 20);
    const consumer = await collectTopic(kafka, topic);
    try {
      const first = startRelayProcess({
        databaseUrl: db.url,
        brokers: stack.kafkaBrokers,
        topic,
        batchSize: 50,
      });
      processes.push(first);
      // four writers keep committing before, during and after the kill
      let written = 0;
      const writers = Promise.all(
        [0, 1, 2, 3].map(async (w) => {
          while (written < 1500) {
            written++;
            await writeOne(db.pool, writer, type, ids[Math.floor(Math.random() * ids.length)]!, w, 1, 2);
          }
        }),
      );
      await waitFor(() => consumer.records.length >= 300, {
        timeoutMs: 60_000,
        description: '300 records before the kill',
      });
      await first.kill9();
      const consumedAtKill = consumer.records.length;
      const second = startRelayProcess({
        databaseUrl: db.url,
        brokers: stack.kafkaBrokers,
        topic,
        batchSize: 50,
      });
      processes.push(second);
      await writers;
      const expected = await finalSeqs();
      const total = [...expected.values()].reduce((a, b) => a + b, 0);
      expect(consumedAtKill).toBeLessThan(total); // the kill landed mid-stream
      await waitFor(() => dedupe(consumer.records).length >= total, {
        timeoutMs: 60_000,
        description: `${total} distinct messages after the restart`,
      });
      expectEveryKeyComplete(consumer.records, expected);
    } finally {
      await consumer.stop();
    }
  });

  it('Nothing lost: a relay killed at relay.after-ack-before-mark (Kafka acked, rows not yet deleted) re-publishes that batch after the restart, each key still in order', async () => {
    const topic = uniqueTopicName('relay.ackcrash');
    const type = specEventType(topic);
    await ensureTopics(kafka, [{ topic, numPartitions: 3 }]);
    await db.pool.query('drop table if exists spec_aggregate');
    const ids = await createAggregates(db.pool, 10);
    for (let i = 0; i < 300; i++) await writeOne(db.pool, writer, type, ids[i % ids.length]!, 0, 1, 0);
    const consumer = await collectTopic(kafka, topic);
    try {
      const first = startRelayProcess({
        databaseUrl: db.url,
        brokers: stack.kafkaBrokers,
        topic,
        batchSize: 50,
        env: { SAGAFLOW_FAULT_POINT: 'relay.after-ack-before-mark' },
      });
      processes.push(first);
      expect(await first.exited).toBe('SIGKILL');
      // the point is reached once Kafka has acked: the acked records are on the topic, yet every row is
      // still in the outbox, because the relay died before it could mark a single one
      await waitFor(() => consumer.records.length > 0, {
        timeoutMs: 30_000,
        description: 'the acked batch on the topic',
      });
      const ackedBeforeKill = dedupe(consumer.records).length;
      const { rows } = await db.pool.query<{ n: number }>(
        'select count(*)::int as n from sagaflow.outbox where published_at is null',
      );
      expect(rows[0]!.n).toBe(300);

      const second = startRelayProcess({
        databaseUrl: db.url,
        brokers: stack.kafkaBrokers,
        topic,
        batchSize: 50,
      });
      processes.push(second);
      await waitFor(() => dedupe(consumer.records).length >= 300, {
        timeoutMs: 60_000,
        description: '300 distinct messages after the restart',
      });
      // at least once, never lost: the batch acked before the kill arrives a second time, with the same
      // message-ids, which is what a consumer's inbox is there to absorb
      expect(consumer.records.length).toBeGreaterThanOrEqual(300 + ackedBeforeKill);
      expectEveryKeyComplete(consumer.records, await finalSeqs());
    } finally {
      await consumer.stop();
    }
  });

  it('Nothing lost: with two relays one publishes, and the standby takes over when the leader is killed', async () => {
    const topic = uniqueTopicName('relay.failover');
    const type = specEventType(topic);
    await ensureTopics(kafka, [{ topic, numPartitions: 3 }]);
    await db.pool.query('drop table if exists spec_aggregate');
    const ids = await createAggregates(db.pool, 10);
    const consumer = await collectTopic(kafka, topic);
    try {
      const a = startRelayProcess({ databaseUrl: db.url, brokers: stack.kafkaBrokers, topic });
      const b = startRelayProcess({ databaseUrl: db.url, brokers: stack.kafkaBrokers, topic });
      processes.push(a, b);
      await Promise.all([a.waitForLog('relay started'), b.waitForLog('relay started')]);
      const leaderOf = () => [a, b].find((p) => p.logs.some((l) => l.msg === 'relay is leader'));
      const leader = await waitFor(leaderOf, { timeoutMs: 30_000, description: 'one relay to lead' });
      const standby = leader === a ? b : a;

      const writeBatch = async (n: number) => {
        for (let i = 0; i < n; i++) await writeOne(db.pool, writer, type, ids[i % ids.length]!, 0, 1, 0);
      };
      await writeBatch(200);
      await waitFor(() => dedupe(consumer.records).length >= 200, {
        timeoutMs: 30_000,
        description: '200 via the leader',
      });
      expect(standby.logs.some((l) => l.msg === 'relay is leader')).toBe(false);

      await leader.kill9();
      await writeBatch(200);
      await standby.waitForLog('relay is leader', 30_000);
      await waitFor(() => dedupe(consumer.records).length >= 400, {
        timeoutMs: 30_000,
        description: '400 after takeover',
      });
      expectEveryKeyComplete(consumer.records, await finalSeqs());
    } finally {
      await consumer.stop();
    }
  });
});
