import { Kafka, logLevel } from 'kafkajs';
import { waitFor } from '@sagaflow/stack';
import { sagaServices } from './system-services';

/**
 * Every topic the demo system writes: its services' events and commands (and their dead letters), the
 * saga lifecycle, the definitions, the services' operator command topics and the monitor's audit topic.
 */
export const systemTopicPattern =
  /^(?:sagaflow\.(?:lifecycle|definitions|audit|(?:order|inventory|payment)-service\.operator)|(?:order|inventory|payment)\.(?:events|commands)(?:\.dlt)?)$/;

/**
 * Empties the broker of the demo system's previous run before a run with fresh databases: its topics are
 * deleted (and with them the offsets the groups committed on them) and its consumer groups removed. A
 * run's databases, groups and topics belong together: a new run that kept the old topics consumed the
 * previous run's unfinished records against databases that never saw their sagas and dead-lettered them
 * (`NO_SAGA_INSTANCE`), and its monitor showed those sagas stuck forever (issue 11 item 15).
 * @returns the topics deleted.
 */
export async function emptySystemTopics(brokers: readonly string[]): Promise<string[]> {
  const kafka = new Kafka({
    clientId: 'sagaflow-demo-system',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.listGroups();
    // each service's group is its name; the monitor's is its MONITOR_GROUP_ID default
    const ours = new Set<string>([...sagaServices, 'sagaflow-monitor']);
    const stale = groups.map((g) => g.groupId).filter((id) => ours.has(id));
    // the system's processes are stopped (the lock is held), so its groups are empty and can go
    if (stale.length > 0) await admin.deleteGroups(stale).catch(() => undefined);
    const topics = (await admin.listTopics()).filter((t) => systemTopicPattern.test(t));
    if (topics.length === 0) return [];
    await admin.deleteTopics({ topics, timeout: 30_000 });
    // deletion is asynchronous: the services create the topics again at start, which fails while the
    // old ones are still being deleted
    await waitFor(async () => (await admin.listTopics()).every((t) => !topics.includes(t)), {
      timeoutMs: 60_000,
      intervalMs: 200,
      description: `deletion of ${topics.join(', ')}`,
    });
    return topics;
  } finally {
    await admin.disconnect();
  }
}
