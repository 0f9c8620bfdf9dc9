import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type Consumer } from 'kafkajs';

const terminalTypes = new Set(['order.OrderApproved', 'order.OrderRejected']);

/**
 * Records when each saga's terminal event (OrderApproved / OrderRejected) arrives on `order.events`, per
 * partition: progress as a user sees it, after every consumer group and relay on the way. Headers only.
 */
export class ProgressProbe {
  private readonly times = new Map<number, number[]>();
  private consumer: Consumer | undefined;

  constructor(private readonly brokers: readonly string[]) {}

  /** Joins a group of its own at the end of `order.events`; resolves once consuming. */
  async start(): Promise<void> {
    const kafka = new Kafka({
      clientId: 'bench-failover',
      brokers: [...this.brokers],
      logLevel: logLevel.NOTHING,
    });
    const consumer = kafka.consumer({
      groupId: `bench-failover-${randomBytes(4).toString('hex')}`,
      maxWaitTimeInMs: 50,
    });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: ['order.events'], fromBeginning: false });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.run({
      eachBatch: async ({ batch }) => {
        const now = performance.now();
        for (const m of batch.messages) {
          if (!terminalTypes.has(m.headers?.['message-type']?.toString() ?? '')) continue;
          const list = this.times.get(batch.partition) ?? [];
          list.push(now);
          this.times.set(batch.partition, list);
        }
      },
    });
    await joined;
  }

  /** Terminal-event arrival times (performance.now()) per partition, so far. */
  snapshot(): Map<number, readonly number[]> {
    return new Map([...this.times].map(([p, t]) => [p, [...t]]));
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}

/**
 * Time without progress around a disruption at `at`: per partition, the longest gap between consecutive
 * terminal events that ends after `at` and starts before `until` (the gap the disruption opened, or the
 * wait for the first event after it); the largest over the partitions that had events before `at`.
 */
export function pauseAfter(times: Map<number, readonly number[]>, at: number, until: number): number {
  let worst = 0;
  for (const list of times.values()) {
    const before = list.filter((t) => t <= at);
    if (before.length === 0) continue;
    const window = [before[before.length - 1]!, ...list.filter((t) => t > at && t <= until)];
    if (window.length === 1) {
      worst = Math.max(worst, until - window[0]!); // nothing since: at least this long
      continue;
    }
    for (let i = 1; i < window.length; i++) worst = Math.max(worst, window[i]! - window[i - 1]!);
  }
  return worst;
}

/** The longest gap on any partition within [from, to]: the noise floor of the steady state. */
export function steadyMaxGap(times: Map<number, readonly number[]>, from: number, to: number): number {
  let worst = 0;
  for (const list of times.values()) {
    const w = list.filter((t) => t >= from && t <= to);
    for (let i = 1; i < w.length; i++) worst = Math.max(worst, w[i]! - w[i - 1]!);
  }
  return worst;
}
