import { startKafkaCluster, waitFor, type KafkaCluster } from '@sagaflow/stack';
import { Kafka, logLevel } from 'kafkajs';
import type { SystemPlacement } from './system-fixture';

/** The demo's topics (and Sagaflow's own) on a cluster: what the failure tests look at. */
export const demoTopics = [
  'order.events',
  'order.commands',
  'inventory.events',
  'inventory.commands',
  'payment.events',
  'payment.commands',
  'sagaflow.lifecycle',
] as const;

/** A three-node KRaft cluster of the file's own (tools/stack cluster mode), for {@link SystemPlacement.kafka}. */
export interface ClusterPlacement {
  kafka: NonNullable<SystemPlacement['kafka']>;
  /** The running cluster (after the file's beforeAll). */
  cluster(): KafkaCluster;
  /** An admin client on the cluster, connected; disconnect it after use. */
  admin(): Promise<ReturnType<Kafka['admin']>>;
  /** Resolves when every partition of `topics` has all its replicas in sync again. */
  waitFullyReplicated(topics: readonly string[], timeoutMs?: number): Promise<void>;
  /** The node leading the most partitions of `topics`. */
  busiestLeader(topics: readonly string[]): Promise<number>;
}

/**
 * Starts a three-node cluster (ports 19092–19097, clear of the shared broker on 9092) before the
 * file's system and stops it after.
 */
export function clusterPlacement(): ClusterPlacement {
  let cluster: KafkaCluster | undefined;
  const current = () => {
    if (!cluster) throw new Error('the cluster is not started yet');
    return cluster;
  };
  const admin = async () => {
    const a = new Kafka({
      clientId: 'sagaflow-cluster-check',
      brokers: [...current().brokers],
      logLevel: logLevel.NOTHING,
    }).admin();
    await a.connect();
    return a;
  };
  const partitions = async (topics: readonly string[]) => {
    const a = await admin();
    try {
      return (await a.fetchTopicMetadata({ topics: [...topics] })).topics.flatMap((t) => t.partitions);
    } finally {
      await a.disconnect();
    }
  };
  return {
    kafka: {
      start: async () => [...(cluster = await startKafkaCluster()).brokers],
      close: async () => void (await cluster?.close()),
    },
    cluster: current,
    admin,
    waitFullyReplicated: async (topics, timeoutMs = 120_000) => {
      await waitFor(async () => (await partitions(topics)).every((p) => p.isr.length === p.replicas.length), {
        timeoutMs,
        intervalMs: 500,
        description: `every replica of ${topics.join(', ')} to be in sync`,
      });
    },
    busiestLeader: async (topics) => {
      const count = new Map<number, number>();
      for (const p of await partitions(topics)) count.set(p.leader, (count.get(p.leader) ?? 0) + 1);
      return [...count.entries()].sort((a, b) => b[1] - a[1])[0]![0];
    },
  };
}
