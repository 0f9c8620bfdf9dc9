import type { Admin, Kafka } from 'kafkajs';
import { ConfigError } from '../errors/sagaflow-error';
import { topicReplication, type ReplicationSettings } from './topic-replication';

/** A topic {@link ensureTopics} makes sure of. */
export interface TopicSpec extends ReplicationSettings {
  topic: string;
  /** Broker default when omitted. */
  numPartitions?: number;
  configEntries?: { name: string; value: string }[];
}

/**
 * Creates the topics that do not exist yet and waits for their leaders. Idempotent: topics another
 * process creates at the same moment (TOPIC_ALREADY_EXISTS) count as created. Existing topics are left as
 * they are, partitions and replication included. Replication follows the cluster's size (read from its
 * metadata) unless the spec sets it: 3 replicas and `min.insync.replicas` 2 on three brokers or more.
 * @throws ConfigError when a spec asks for more replicas than the cluster has.
 */
export async function ensureTopics(kafka: Kafka, topics: readonly TopicSpec[]): Promise<void> {
  if (topics.length === 0) return;
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = dedupe(topics).filter((t) => !existing.has(t.topic));
    if (missing.length === 0) return;
    const brokerCount = (await admin.describeCluster()).brokers.length;
    try {
      await admin.createTopics({
        // kafkajs's own wait gives up on UNKNOWN_TOPIC_OR_PARTITION, which a cluster's other brokers
        // answer until the new topic's metadata reaches them: wait here instead
        waitForLeaders: false,
        topics: missing.map((t) => {
          const r = replicationOf(t, brokerCount);
          const entries = t.configEntries ?? [];
          return {
            topic: t.topic,
            ...(t.numPartitions === undefined ? {} : { numPartitions: t.numPartitions }),
            replicationFactor: r.replicationFactor,
            configEntries: entries.some((e) => e.name === 'min.insync.replicas')
              ? entries
              : [...entries, { name: 'min.insync.replicas', value: String(r.minInsyncReplicas) }],
          };
        }),
      });
    } catch (error) {
      if (!onlyAlreadyExists(error)) throw error;
    }
    await waitForLeaders(
      admin,
      missing.map((t) => t.topic),
    );
  } finally {
    await admin.disconnect();
  }
}

const leaderDeadlineMs = 30_000;
const notYet = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE', 'NOT_LEADER_FOR_PARTITION']);

/** Polls metadata until every partition of `topics` has a leader, on whichever broker answers. */
async function waitForLeaders(admin: Admin, topics: readonly string[]): Promise<void> {
  const deadline = Date.now() + leaderDeadlineMs;
  for (;;) {
    try {
      const meta = await admin.fetchTopicMetadata({ topics: [...topics] });
      const led = meta.topics.every(
        (t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0),
      );
      if (led && meta.topics.length === topics.length) return;
    } catch (error) {
      if (!notYet.has((error as { type?: string }).type ?? '') || Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline)
      throw new Error(`topics ${topics.join(', ')} have no leader after ${leaderDeadlineMs} ms`);
    await new Promise((r) => setTimeout(r, 100)); // metadata reaches every broker within a few hundred ms
  }
}

function replicationOf(t: TopicSpec, brokerCount: number): ReturnType<typeof topicReplication> {
  try {
    return topicReplication(brokerCount, t);
  } catch (error) {
    throw new ConfigError(`topic ${t.topic}: ${(error as Error).message}`, { topic: t.topic });
  }
}

function dedupe(topics: readonly TopicSpec[]): TopicSpec[] {
  return [...new Map(topics.map((t) => [t.topic, t])).values()];
}

function onlyAlreadyExists(error: unknown): boolean {
  const e = error as { type?: string; errors?: { type?: string }[] };
  if (e.type === 'TOPIC_ALREADY_EXISTS') return true;
  return (
    Array.isArray(e.errors) && e.errors.length > 0 && e.errors.every((x) => x.type === 'TOPIC_ALREADY_EXISTS')
  );
}
