import 'reflect-metadata';
import { waitFor } from '@sagaflow/stack';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { OnEvent, type MessageContext } from '../src/index';
import {
  createTickTable,
  recordTick,
  tickRecord,
  tickRuntime,
  tickType,
  type Tick,
} from './batch-app/batch-app';
import { batchSuites, type Suite } from './batch-app/batch-suite';
import { memoryLogger } from './sample-app/services';
import './support/provided-context';

// Issue 11 item 20: per-key order must hold when a record really is retried. The first record of key `r`
// fails twice and succeeds on its third attempt; the later records of `r` wait for it and follow it in
// order, while the other keys go on meanwhile.
const stack = inject('stack');
const { newSuite, produce, applied, committedOffset, teardown } = batchSuites(stack);

describe('Order (guarantee 3): a key’s records stay in order across a record’s retries', () => {
  let s: Suite | undefined;
  afterAll(() => teardown(s));

  it('the later records of a retried record’s key are applied after it, in order; other keys do not wait', async () => {
    s = await newSuite('order-retries');
    const type = tickType(s.topic);
    const attempts = new Map<number, number>();
    class Reaction {
      @OnEvent(type)
      async apply(tick: Tick, ctx: MessageContext): Promise<void> {
        const n = (attempts.get(tick.seq) ?? 0) + 1;
        attempts.set(tick.seq, n);
        if (tick.key === 'r' && tick.seq === 0 && n <= 2) throw new Error(`attempt ${n} of r/0 fails`);
        await recordTick(ctx, tick);
      }
    }
    await createTickTable(s.pool.options.connectionString!);
    s.runtime = tickRuntime({
      service: s.service,
      databaseUrl: s.pool.options.connectionString!,
      brokers: stack.kafkaBrokers,
      type,
      logger: memoryLogger(),
      consumer: { retry: { attempts: 5, initialBackoff: '100ms', maxBackoff: '200ms' } },
    });
    // r/0 (retried), then r and o interleaved
    const ticks: Tick[] = Array.from({ length: 20 }, (_, i) => ({
      key: i === 0 || i % 2 === 1 ? 'r' : 'o',
      seq: i,
      poison: false,
    }));
    await produce(
      s.topic,
      ticks.map((t) => tickRecord(type, t)),
    );
    await s.runtime.start({ participants: [new Reaction()] });

    await waitFor(async () => (await committedOffset(s!)) === 20, {
      timeoutMs: 30_000,
      description: 'every record applied and the offset past them',
    });
    const rows = await applied(s);
    // it really was retried: its third attempt applied it
    expect(attempts.get(0)).toBe(3);
    const seqsOf = (key: string) => rows.filter((r) => r.key === key).map((r) => r.seq);
    expect(seqsOf('r')).toEqual(ticks.filter((t) => t.key === 'r').map((t) => t.seq));
    expect(seqsOf('o')).toEqual(ticks.filter((t) => t.key === 'o').map((t) => t.seq));
    // the other key did not wait for r/0's retries: its records were applied before r/0 was
    const position = (seq: number) => rows.findIndex((r) => r.seq === seq);
    expect(position(2)).toBeLessThan(position(0));
    expect(rows).toHaveLength(20);
  });
});
