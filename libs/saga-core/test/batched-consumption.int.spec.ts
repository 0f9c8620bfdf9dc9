import 'reflect-metadata';
import { DeadLetterHeader, newMessageId } from '@sagaflow/outbox-relay';
import { uniqueTopicName, waitFor } from '@sagaflow/stack';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { tickRecord, tickType, type Tick } from './batch-app/batch-app';
import { batchSuites, type Suite } from './batch-app/batch-suite';
import './support/provided-context';

// The batched consume path on a real broker and PostgreSQL: a partition's fetched records are applied in
// few transactions; a failing record is isolated from its neighbours; a repeat in one batch is a duplicate.
const stack = inject('stack');
const { kafka, newSuite, produce, start, spawnTickService, applied, committedOffset, teardown } =
  batchSuites(stack);

function ticks(count: number, keys: number, poisonAt?: number): Tick[] {
  return Array.from({ length: count }, (_, i) => ({ key: `k${i % keys}`, seq: i, poison: i === poisonAt }));
}

function expectKeyOrder(rows: { key: string; seq: number }[]): void {
  const byKey = new Map<string, number[]>();
  for (const r of rows) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r.seq]);
  for (const [key, seqs] of byKey) expect(seqs, key).toEqual([...seqs].sort((a, b) => a - b));
}

describe('Effectively once (guarantee 2), batched: a poison record in the middle of a batch of 100 is isolated', () => {
  let s: Suite | undefined;
  afterAll(() => teardown(s));

  it('applies the other 99 once, in few transactions and in key order, and dead-letters the poison alone', async () => {
    s = await newSuite('poison');
    const type = tickType(s.topic);
    const all = ticks(100, 7, 50);
    const poisonId = newMessageId();
    await produce(
      s.topic,
      all.map((t) => tickRecord(type, t, t.poison ? poisonId : undefined)),
    );
    await start(s);

    await waitFor(async () => (await committedOffset(s!)) === 100, {
      timeoutMs: 60_000,
      description: 'the offset past all 100 records',
    });
    const rows = await applied(s);
    expect(rows.map((r) => r.seq).sort((a, b) => a - b)).toEqual(
      all.filter((t) => !t.poison).map((t) => t.seq),
    );
    expect(new Set(rows.map((r) => r.message_id)).size).toBe(99);
    expectKeyOrder(rows);
    // the poison's key: its records after the poison were applied after it was dead-lettered, in order
    const poisonKey = all[50]!.key;
    expect(rows.filter((r) => r.key === poisonKey).map((r) => r.seq)).toEqual(
      all.filter((t) => t.key === poisonKey && !t.poison).map((t) => t.seq),
    );
    // the inbox rows of one transaction share its start time: 99 records, a handful of transactions
    const { rows: tx } = await s.pool.query<{ n: string }>(
      `select count(distinct processed_at) as n from sagaflow.inbox where message_type = $1`,
      [type.name],
    );
    expect(Number(tx[0]!.n)).toBeLessThanOrEqual(20);

    const dlt = await readAll(`${s.topic}.dlt`, 1);
    expect(dlt, JSON.stringify(dlt)).toHaveLength(1);
    expect(dlt[0]!.headers['message-id']).toBe(poisonId);
    expect(dlt[0]!.headers[DeadLetterHeader.errorCode]).toBe('HANDLER_FAILED');
    expect(dlt[0]!.headers[DeadLetterHeader.attempts]).toBe('2');
  });
});

describe('Effectively once (guarantee 2), batched: the same message twice in one batch is applied once', () => {
  let s: Suite | undefined;
  afterAll(() => teardown(s));

  it('applies the repeat as a duplicate, in the same batch and after a redelivery', async () => {
    s = await newSuite('dup');
    const type = tickType(s.topic);
    const ids = Array.from({ length: 10 }, () => newMessageId());
    const batch = ticks(10, 3).map((t, i) => tickRecord(type, t, ids[i]));
    // the relay published record 4 twice (a retry after a lost ack): same message-id, same key
    await produce(s.topic, [...batch.slice(0, 5), batch[4]!, ...batch.slice(5)]);
    await start(s);
    await waitFor(async () => (await committedOffset(s!)) === 11, {
      timeoutMs: 60_000,
      description: 'the offset past all 11 records',
    });
    await produce(s.topic, [batch[2]!]);
    await waitFor(async () => (await committedOffset(s!)) === 12, {
      timeoutMs: 30_000,
      description: 'the redelivered record consumed',
    });
    const rows = await applied(s);
    expect(rows.map((r) => r.message_id).sort()).toEqual([...ids].sort());
  });
});

describe('Effectively once (guarantee 2): a crash between the batch commit and its offset commit changes nothing on redelivery', () => {
  let s: Suite | undefined;
  afterAll(() => teardown(s));

  it('the killed consumer left its effects and no offset; the restarted one applies nothing twice', async () => {
    s = await newSuite('crash');
    const type = tickType(s.topic);
    const all = ticks(60, 5);
    await produce(
      s.topic,
      all.map((t) => tickRecord(type, t)),
    );
    const exit = await spawnTickService(s, {
      env: { SAGAFLOW_FAULT_POINT: 'consumer.after-commit-before-offset' },
    }).exited;
    expect(exit).toBe('SIGKILL');
    const before = await applied(s);
    expect(before.length).toBeGreaterThan(0);
    expect(await committedOffset(s)).toBeLessThan(0); // no offset was ever committed

    await start(s);
    await waitFor(async () => (await committedOffset(s!)) === 60, {
      timeoutMs: 60_000,
      description: 'the offset past all 60 records after the restart',
    });
    const rows = await applied(s);
    expect(rows).toHaveLength(60);
    expect(new Set(rows.map((r) => r.message_id)).size).toBe(60);
    expectKeyOrder(rows);
  });
});

async function readAll(topic: string, count: number): Promise<{ headers: Record<string, string> }[]> {
  const consumer = kafka.consumer({ groupId: uniqueTopicName('batchspec-reader') });
  const out: { headers: Record<string, string> }[] = [];
  await consumer.connect();
  await waitFor(
    async () => {
      const admin = kafka.admin();
      await admin.connect();
      try {
        return (await admin.listTopics()).includes(topic);
      } finally {
        await admin.disconnect();
      }
    },
    { timeoutMs: 30_000, description: `topic ${topic}` },
  );
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
      out.push({ headers });
    },
  });
  await waitFor(() => out.length >= count, {
    timeoutMs: 30_000,
    description: `${count} records on ${topic}`,
  });
  await consumer.disconnect();
  return out;
}
