import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type Consumer } from 'kafkajs';

const terminalTypes = new Set(['order.OrderApproved', 'order.OrderRejected']);

/**
 * Learns when each order ends by reading `order.events` (key = order id, header `message-type`): the
 * moment a client subscribed to the order's events would know. Nothing is decoded, so watching costs
 * little. Only records that arrive after {@link TerminalWatcher.start} count.
 */
export class TerminalWatcher {
  private readonly ended = new Map<string, { at: number; type: string }>();
  private readonly waiters = new Map<string, () => void>();
  private consumer: Consumer | undefined;

  constructor(private readonly brokers: string[]) {}

  /** Joins a consumer group of its own at the end of `order.events`; resolves once it is consuming. */
  async start(): Promise<void> {
    const kafka = new Kafka({ clientId: 'bench-sagas', brokers: this.brokers, logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({
      groupId: `bench-sagas-${randomBytes(4).toString('hex')}`,
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
          const type = m.headers?.['message-type']?.toString();
          const key = m.key?.toString();
          if (!type || !key || !terminalTypes.has(type) || this.ended.has(key)) continue;
          this.ended.set(key, { at: now, type });
          this.waiters.get(key)?.();
          this.waiters.delete(key);
        }
      },
    });
    await joined;
  }

  /** Resolves with the time (performance.now()) `orderId` was seen ending. */
  whenEnded(orderId: string): Promise<number> {
    const seen = this.ended.get(orderId);
    if (seen) return Promise.resolve(seen.at);
    return new Promise((resolve) => this.waiters.set(orderId, () => resolve(this.ended.get(orderId)!.at)));
  }

  /** Approved / rejected counts of the given orders. */
  outcomes(orderIds: readonly string[]): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const id of orderIds) {
      const type = this.ended.get(id)?.type ?? 'pending';
      counts[type] = (counts[type] ?? 0) + 1;
    }
    return counts;
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}
