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

// Issue 11 item 20: the offset is committed only past records whose transactions committed. A record that
// fails in its batch retries alone while the later records of other keys commit; the partition's offset
// must stay below it — while it retries, and when the service stops in the middle of its retries — or a
// restart would skip it for good.
const stack = inject('stack');
const { newSuite, produce, applied, committedOffset, teardown } = batchSuites(stack);

describe('Offset after commit (guarantee 2): the offset never passes a record whose transaction has not committed', () => {
  let s: Suite | undefined;
  afterAll(() => teardown(s));

  it('a record retrying alone keeps the offset below it, through a stop, until a restart applies it once', async () => {
    s = await newSuite('offset-after');
    const type = tickType(s.topic);
    let heldAttempts = 0;
    let healed = false;
    class Reaction {
      @OnEvent(type)
      async apply(tick: Tick, ctx: MessageContext): Promise<void> {
        if (tick.key === 'held' && !healed) {
          heldAttempts++;
          throw new Error('held fails until the test heals it');
        }
        await recordTick(ctx, tick);
      }
    }
    const databaseUrl = s.pool.options.connectionString!;
    await createTickTable(databaseUrl);
    const runtime = () =>
      tickRuntime({
        service: s!.service,
        databaseUrl,
        brokers: stack.kafkaBrokers,
        type,
        logger: memoryLogger(),
        // retried long enough that the stop comes in the middle of its retries, never after a dead letter
        consumer: { retry: { attempts: 1000, initialBackoff: '100ms', maxBackoff: '200ms' } },
      });
    // offset 0: a; 1: held; 2–11: ten ticks of two other keys
    const ticks: Tick[] = [
      { key: 'a', seq: 0, poison: false },
      { key: 'held', seq: 1, poison: false },
      ...Array.from({ length: 10 }, (_, i) => ({ key: `k${i % 2}`, seq: i + 2, poison: false })),
    ];
    await produce(
      s.topic,
      ticks.map((t) => tickRecord(type, t)),
    );
    const first = runtime();
    s.runtime = first;
    await first.start({ participants: [new Reaction()] });

    await waitFor(async () => heldAttempts >= 3 && (await applied(s!)).length === 11, {
      timeoutMs: 30_000,
      description: 'every record but the held one committed, the held one retrying alone',
    });
    // while it retries: never past the held record at offset 1
    expect(await committedOffset(s)).toBeLessThanOrEqual(1);
    await first.stop();
    // stopped mid-retry: still not past it (the later records come again and are duplicates)
    expect(await committedOffset(s)).toBeLessThanOrEqual(1);

    healed = true;
    const second = runtime();
    s.runtime = second;
    await second.start({ participants: [new Reaction()] });
    await waitFor(async () => (await committedOffset(s!)) === 12, {
      timeoutMs: 30_000,
      description: 'the offset past every record once the held one committed',
    });
    const rows = await applied(s);
    expect(rows.filter((r) => r.key === 'held').map((r) => r.seq)).toEqual([1]);
    // the later records were redelivered with it and found their inbox rows: none applied twice
    expect(rows).toHaveLength(12);
    expect(new Set(rows.map((r) => r.message_id)).size).toBe(12);
  });
});
