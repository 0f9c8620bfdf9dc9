import { ensureTopics, type TopicCreation } from '@sagaflow/outbox-relay';
import { ConfigResourceTypes, type Kafka } from 'kafkajs';
import { definitionsTopic } from '../lifecycle/definition-message';
import { lifecycleTopic } from '../lifecycle/saga-lifecycle-message';
import { untilTopicsKnown } from './until-topics-known';

/**
 * Creates the topics the service consumes and the framework's own: `sagaflow.lifecycle`, and
 * `sagaflow.definitions` compacted (set again when it exists, in case something created it plain).
 * `topics` is the partition count (as before) or every topic setting; replication follows the cluster's
 * size unless set (3 replicas, `min.insync.replicas` 2 on three brokers).
 */
export async function ensureSagaflowTopics(
  kafka: Kafka,
  consumed: readonly string[],
  topics: TopicCreation | number | undefined,
): Promise<void> {
  const settings: TopicCreation = typeof topics === 'number' ? { numPartitions: topics } : { ...topics };
  const replication = {
    ...(settings.replicationFactor === undefined ? {} : { replicationFactor: settings.replicationFactor }),
    ...(settings.minInsyncReplicas === undefined ? {} : { minInsyncReplicas: settings.minInsyncReplicas }),
  };
  await ensureTopics(kafka, [
    ...consumed.map((topic) => ({ topic, ...settings })),
    { topic: lifecycleTopic, ...settings },
    {
      topic: definitionsTopic,
      ...replication,
      configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
    },
  ]);
  const admin = kafka.admin();
  await admin.connect();
  try {
    const described = await untilTopicsKnown(() =>
      admin.describeConfigs({
        includeSynonyms: false,
        resources: [
          { type: ConfigResourceTypes.TOPIC, name: definitionsTopic, configNames: ['cleanup.policy'] },
        ],
      }),
    );
    const policy = described.resources[0]?.configEntries.find(
      (e) => e.configName === 'cleanup.policy',
    )?.configValue;
    if (policy !== 'compact') {
      await admin.alterConfigs({
        validateOnly: false,
        resources: [
          {
            type: ConfigResourceTypes.TOPIC,
            name: definitionsTopic,
            configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
          },
        ],
      });
    }
  } finally {
    await admin.disconnect();
  }
}
