import type { Admin } from 'kafkajs';
import type { MonitorLogger } from '../logging/monitor-logger';

/**
 * Warns when the monitor's consumer group already has members as this monitor joins: monitors in one
 * group split the partitions between them, which is right only when they write one database (the
 * projection of each partition then lives where every monitor reads it). With a database each, every
 * monitor shows part of the system. Kafka cannot tell which is the case, so this warns, naming the group
 * and the members, and goes on. A failed look is logged and does not stop the start.
 * @returns the number of members found.
 */
export async function warnOfGroupMembers(
  admin: Admin,
  groupId: string,
  logger: MonitorLogger,
): Promise<number> {
  try {
    const { groups } = await admin.describeGroups([groupId]);
    const members = groups.find((g) => g.groupId === groupId)?.members ?? [];
    if (members.length > 0)
      logger.log(
        'warn',
        `consumer group ${groupId} already has ${members.length} member(s): monitors in one group split the partitions, so they must share one database (DATABASE_URL), or each shows only part of the system; give a monitor with its own database its own MONITOR_GROUP_ID`,
        { groupId, members: members.map((m) => `${m.clientId}@${m.clientHost}`) },
      );
    return members.length;
  } catch (error) {
    logger.log('warn', 'could not read the consumer group before joining it', {
      groupId,
      error: String(error),
    });
    return 0;
  }
}
