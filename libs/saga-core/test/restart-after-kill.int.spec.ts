import 'reflect-metadata';
import { waitFor } from '@sagaflow/stack';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { tickRecord, tickType, type Tick } from './batch-app/batch-app';
import { batchSuites, type Suite } from './batch-app/batch-suite';
import './support/provided-context';

// Issue 11 item 16 (decision 0081): after a kill -9 the group waits out the dead member's session before
// it hands out partitions again; a restarted service must take writes meanwhile.
const stack = inject('stack');
const { kafka, newSuite, produce, start, spawnTickService, applied, teardown } = batchSuites(stack);
const deadMembersSession = '45s';

describe('Restart after kill -9: writes do not wait for the consumer group to rejoin', () => {
  let s: Suite | undefined;
  afterAll(() => teardown(s));

  it('a service restarted while its group still waits for the killed member starts, commits and publishes at once, and consumes once the group is joined', async () => {
    s = await newSuite('restart');
    const type = tickType(s.topic);
    const ticks: Tick[] = Array.from({ length: 20 }, (_, i) => ({ key: `k${i % 4}`, seq: i, poison: false }));
    await produce(
      s.topic,
      ticks.slice(0, 10).map((t) => tickRecord(type, t)),
    );
    const { child, exited } = spawnTickService(s, { sessionTimeout: deadMembersSession });
    try {
      await waitFor(async () => (await applied(s!)).length === 10, {
        timeoutMs: 60_000,
        description: 'the first process to consume the first 10 ticks (so it is a member of the group)',
      });
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    await produce(
      s.topic,
      ticks.slice(10).map((t) => tickRecord(type, t)),
    );

    const runtime = await start(s);
    let joined = false;
    void runtime.consumerGroupJoined().then(() => (joined = true));
    expect((await runtime.health()).consumerGroup).toBe('joining');

    const admin = kafka.admin();
    await admin.connect();
    try {
      const end = async () => Number((await admin.fetchTopicOffsets(s!.topic))[0]!.high);
      const before = await end();
      // the runtime's own definition of the type: the writer refuses a look-alike that is not in its catalog
      const own = runtime.catalog.get(type.name) as typeof type;
      await runtime.transactions.run((tx) => tx.emit(own, { key: 'written', seq: 100, poison: false }));
      await waitFor(async () => (await end()) === before + 1, {
        timeoutMs: 15_000,
        description: 'the tick written after the restart published by its relay',
      });
      // the group is still waiting for the killed member's session: the write did not wait for it
      expect(joined).toBe(false);
    } finally {
      await admin.disconnect();
    }

    await runtime.consumerGroupJoined();
    expect((await runtime.health()).consumerGroup).toBe('joined');
    await waitFor(async () => (await applied(s!)).length === 21, {
      timeoutMs: 60_000,
      description: 'every tick, and the one written after the restart, applied once the group is joined',
    });
    const rows = await applied(s);
    expect(new Set(rows.map((r) => r.message_id)).size).toBe(21);
  }, 180_000);
});
