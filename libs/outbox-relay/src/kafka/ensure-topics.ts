import type { Kafka } from 'kafkajs';

/** A topic {@link ensureTopics} makes sure of. */
export interface TopicSpec {
  topic: string;
  /** Broker default when omitted. */
  numPartitions?: number;
  configEntries?: { name: string; value: string }[];
}

/**
 * Creates the topics that do not exist yet and waits for their leaders. Idempotent: topics another
 * process creates at the same moment (TOPIC_ALREADY_EXISTS) count as created. Existing topics are left as
 * they are, partitions included.
 */
export async function ensureTopics(kafka: Kafka, topics: readonly TopicSpec[]): Promise<void> {
  if (topics.length === 0) return;
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = dedupe(topics).filter((t) => !existing.has(t.topic));
    if (missing.length === 0) return;
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((t) => ({
          topic: t.topic,
          ...(t.numPartitions === undefined ? {} : { numPartitions: t.numPartitions }),
          ...(t.configEntries === undefined ? {} : { configEntries: t.configEntries }),
        })),
      });
    } catch (error) {
      if (!onlyAlreadyExists(error)) throw error;
    }
  } finally {
    await admin.disconnect();
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
