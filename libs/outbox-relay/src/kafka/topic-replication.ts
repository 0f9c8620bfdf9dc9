/** Replication a topic is created with; each omitted setting follows the cluster's size. */
export interface ReplicationSettings {
  /** Replicas per partition; default min(brokers, 3). */
  replicationFactor?: number;
  /** `min.insync.replicas`; default 2 when there are 3 or more replicas, else 1. */
  minInsyncReplicas?: number;
}

/**
 * The replication factor and `min.insync.replicas` for a new topic on a cluster of `brokerCount`
 * brokers: 3 and 2 on three brokers or more (one broker may fail without losing an acknowledged write
 * or stopping writers), 1 and 1 on a single broker. Explicit settings win.
 * @throws Error when the settings cannot be met by the cluster or contradict each other.
 */
export function topicReplication(
  brokerCount: number,
  settings: ReplicationSettings = {},
): { replicationFactor: number; minInsyncReplicas: number } {
  const replicationFactor = settings.replicationFactor ?? Math.max(1, Math.min(brokerCount, 3));
  const minInsyncReplicas = settings.minInsyncReplicas ?? (replicationFactor >= 3 ? 2 : 1);
  if (replicationFactor > brokerCount)
    throw new Error(
      `replicationFactor (${replicationFactor}) is more than the ${brokerCount} broker(s) the cluster has`,
    );
  if (minInsyncReplicas > replicationFactor)
    throw new Error(
      `minInsyncReplicas (${minInsyncReplicas}) must not exceed replicationFactor (${replicationFactor}): no write could be acknowledged`,
    );
  return { replicationFactor, minInsyncReplicas };
}
