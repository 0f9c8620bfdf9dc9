import { ensureTopics } from '@sagaflow/outbox-relay';
import { ConfigResourceTypes, type Kafka } from 'kafkajs';
import { definitionsTopic } from '../lifecycle/definition-message';
import { lifecycleTopic } from '../lifecycle/saga-lifecycle-message';

/**
 * Creates the topics the service consumes and the framework's own: `sagaflow.lifecycle`, and
 * `sagaflow.definitions` compacted (set again when it exists, in case something created it plain).
 */
export async function ensureSagaflowTopics(
  kafka: Kafka,
  consumed: readonly string[],
  numPartitions: number | undefined,
): Promise<void> {
  const partitions = numPartitions === undefined ? {} : { numPartitions };
  await ensureTopics(kafka, [
    ...consumed.map((topic) => ({ topic, ...partitions })),
    { topic: lifecycleTopic, ...partitions },
    { topic: definitionsTopic, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
  ]);
  const admin = kafka.admin();
  await admin.connect();
  try {
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [
        { type: ConfigResourceTypes.TOPIC, name: definitionsTopic, configNames: ['cleanup.policy'] },
      ],
    });
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
