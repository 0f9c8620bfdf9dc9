import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { ensureTopics } from '@sagaflow/outbox-relay';
import { waitFor } from '@sagaflow/stack';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { OnEvent, type MessageContext, type SagaflowRuntime } from '../src/index';
import { createTickTable, tickRecord, tickRuntime, tickType, type Tick } from './batch-app/batch-app';
import { batchSuites, type Suite } from './batch-app/batch-suite';
import { memoryLogger } from './sample-app/services';
import './support/provided-context';

// Issue 11 item 7: a batch went on working a partition the group had taken away, through its later records,
// retries and outage waits, while the new owner waited for the rebalance. A partition being revoked stops
// taking new records at once: the record in its handler finishes, the rest are left to the next owner.
const stack = inject('stack');
const { kafka, newSuite, produce, teardown } = batchSuites(stack);

describe('Rebalance mid-batch: a revoked partition stops taking new records at once', () => {
  let s: Suite | undefined;
  const runtimes: SagaflowRuntime[] = [];
  let topic = '';
  afterAll(async () => {
    for (const r of runtimes) await r.stop().catch(() => undefined);
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
    await teardown(s);
  });

  it('a member held in a handler when another joins applies that record only; the rest wait for the new assignment', async () => {
    s = await newSuite('revoked');
    // two partitions, so the joining member takes partition 0 (members sort by id: member-b before member-z)
    topic = `${s.topic}.two`;
    await ensureTopics(kafka, [{ topic, numPartitions: 2 }]);
    const type = tickType(topic);
    await createTickTable(s.pool.options.connectionString!);
    await s.pool.query(
      'alter table tick_applied add column member text, add column at timestamptz not null default clock_timestamp()',
    );
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let held = false;
    // when a member's join completed: a join completes only once every member rejoined, the rebalance done
    const joinedAt = new Map<string, number>();
    const member = (name: string) => {
      const memory = memoryLogger();
      const logger = {
        ...memory,
        info: (msg: string, fields?: Record<string, unknown>) => {
          if (msg === 'consumer group joined' && !joinedAt.has(name)) joinedAt.set(name, Date.now());
          memory.info(msg, fields);
        },
      };
      class Reaction {
        @OnEvent(type)
        async apply(tick: Tick, ctx: MessageContext): Promise<void> {
          if (tick.seq === 0 && !held) {
            held = true;
            await gate;
          }
          await ctx.client.query(
            'insert into tick_applied (key, seq, message_id, member) values ($1, $2, $3, $4)',
            [tick.key, tick.seq, ctx.headers.messageId, name],
          );
        }
      }
      const runtime = tickRuntime({
        service: s!.service,
        databaseUrl: s!.pool.options.connectionString!,
        brokers: stack.kafkaBrokers,
        clientId: `member-${name}-${randomBytes(3).toString('hex')}`,
        type,
        // one record per transaction, so "the records after the held one" are transactions of their own
        consumer: { maxRecordsPerTransaction: 1, heartbeatInterval: '500ms' },
        relay: { enabled: false },
        logger,
      });
      runtimes.push(runtime);
      return { runtime, logger: memory, start: () => runtime.start({ participants: [new Reaction()] }) };
    };
    const ticks: Tick[] = Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, seq: i, poison: false }));
    await produce(
      topic,
      ticks.map((t) => ({ ...tickRecord(type, t), partition: 0 })),
    );

    const z = member('z');
    await z.start();
    await waitFor(() => held, { timeoutMs: 30_000, description: 'member z to hold the first record' });
    const b = member('b');
    await b.start();
    // z learns of the rebalance from its heartbeat while it holds the record
    await waitFor(() => z.logger.lines.some((l) => /group rebalancing/.test(String(l.msg))), {
      timeoutMs: 30_000,
      description: 'member z to see the group rebalancing',
    });
    release();

    const rows = await waitFor(
      async () => {
        const r = await s!.pool.query<{ seq: number; member: string; at: Date }>(
          'select seq, member, at from tick_applied order by n',
        );
        return r.rows.length === 10 && r.rows;
      },
      { timeoutMs: 60_000, description: 'every record applied' },
    );
    expect(rows.find((r) => r.seq === 0)?.member).toBe('z');
    // the records after the held one were applied once the rebalance was done (by whichever member owns
    // partition 0 now), not by the revoked batch while the new member waited for it
    const rebalanced = joinedAt.get('b')!;
    expect(rebalanced).toBeGreaterThan(0);
    expect(rows.filter((r) => r.seq > 0 && r.at.getTime() < rebalanced).map((r) => r.seq)).toEqual([]);
    expect(rows.map((r) => r.seq)).toEqual(ticks.map((t) => t.seq));
  });
});
