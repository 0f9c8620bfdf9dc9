import type { SagaflowLogger } from '../observability/json-logger';

const lostCoordinatorNames = new Set([
  'KafkaJSBrokerNotFound',
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSGroupCoordinatorNotFound',
]);
const lostCoordinatorTypes = new Set(['NOT_COORDINATOR_FOR_GROUP', 'GROUP_COORDINATOR_NOT_AVAILABLE']);

/**
 * Whether a failed offset commit says the consumer group's coordinator is gone (its broker died, or the
 * coordination moved to another broker), looking through kafkajs's `cause` chain.
 */
export function lostCoordinator(error: unknown): boolean {
  for (
    let e = error as { name?: string; type?: string; cause?: unknown } | undefined, depth = 0;
    e && depth < 5;
    depth++
  ) {
    if (lostCoordinatorNames.has(e.name ?? '') || lostCoordinatorTypes.has(e.type ?? '')) return true;
    e = e.cause as typeof e;
  }
  return false;
}

/**
 * Wraps an offset commit so that a commit failing because the group coordinator is gone makes the
 * consumer leave and join the group again (once at a time, outside the batch in flight), instead of
 * addressing the dead broker for good.
 *
 * Why: kafkajs keeps the coordinator it found when it joined. When that broker is killed, every later
 * commit and heartbeat is sent to the same node id ("Broker 1 not found in the cached metadata"), the
 * group evicts the member after its session timeout, and nothing in kafkajs looks the coordinator up
 * again until the consumer restarts. A rejoin finds the new coordinator. Redelivery meanwhile is harmless
 * (the inbox). See docs/decisions/0046-replication-follows-the-cluster.md.
 */
export function rejoinOnLostCoordinator(options: {
  commit: (topic: string, partition: number, offset: string) => Promise<void>;
  /** Stops the consumer and runs it again; resolves when it runs. */
  rejoin: () => Promise<void>;
  logger: SagaflowLogger;
}): (topic: string, partition: number, offset: string) => Promise<void> {
  let rejoining = false;
  return async (topic, partition, offset) => {
    try {
      await options.commit(topic, partition, offset);
    } catch (error) {
      if (lostCoordinator(error) && !rejoining) {
        rejoining = true;
        options.logger.warn('consumer group coordinator lost; rejoining the group', {
          topic,
          partition,
          error,
        });
        // not awaited: stopping the consumer waits for the batch this commit belongs to
        setImmediate(() => {
          options
            .rejoin()
            .catch((e: unknown) => options.logger.error('rejoining the consumer group failed', { error: e }))
            .finally(() => (rejoining = false));
        });
      }
      throw error;
    }
  };
}
