import { logLevel, type Consumer, type EachBatchPayload, type Kafka } from 'kafkajs';
import { faultPoint } from '@sagaflow/outbox-relay';
import type { Pool } from 'pg';
import type { RecordDecoder } from '../decode/record-decoder';
import type { MonitorLogger } from '../logging/monitor-logger';
import { applyBatch, isTransientDbError, type AppliedBatch } from '../projection/apply-batch';
import { projectMessage } from '../projection/projected-message';
import { isMonitoredTopic, type TopicRoles } from './monitored-topics';

/** Options of {@link ProjectionConsumer}. */
export interface ProjectionConsumerOptions {
  kafka: Kafka;
  pool: Pool;
  decoder: RecordDecoder;
  groupId: string;
  roles: TopicRoles;
  topicRefreshMs: number;
  logger: MonitorLogger;
  /**
   * Topics consumed although the pattern does not match them: those the published definitions name, so
   * a service added to the system is watched without a restart or a new pattern (issue 11 item 13).
   */
  namedTopics?: () => Promise<ReadonlySet<string>>;
  /** Called after each committed batch that applied records. Must not throw. */
  onApplied: (topic: string, batch: AppliedBatch) => void;
}

/**
 * Feeds every monitored topic into the projection. Offsets live in the monitor's database and are
 * never committed to Kafka (docs/decisions/0020): the group only spreads partitions, and each batch
 * starts wherever Kafka hands it, the projection skipping what it already has and seeking past it.
 * Topics are matched by name, or named by a published definition, and the list re-read every
 * `topicRefreshMs`, because kafkajs resolves a regex subscription once: a new topic restarts the consumer
 * with it added.
 */
export class ProjectionConsumer {
  private consumer: Consumer | undefined;
  private readonly subscribed = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly options: ProjectionConsumerOptions) {}

  /** Topics being consumed. */
  topics(): string[] {
    return [...this.subscribed].sort();
  }

  /** Subscribes to the monitored topics that exist and starts consuming; later topics join by themselves. */
  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => {
      this.refreshing = this.refreshing
        .then(() => this.refresh())
        .catch((error: unknown) =>
          this.options.logger.log('warn', 'could not refresh the topic list', { error: String(error) }),
        );
    }, this.options.topicRefreshMs);
  }

  /** Stops consuming; an in-flight batch finishes (and commits) first. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.refreshing.catch(() => undefined);
    const c = this.consumer;
    this.consumer = undefined;
    await c?.disconnect();
  }

  private async refresh(): Promise<void> {
    if (this.stopped) return;
    const admin = this.options.kafka.admin();
    await admin.connect();
    let found: string[];
    try {
      const named = (await this.options.namedTopics?.()) ?? new Set<string>();
      found = (await admin.listTopics()).filter(
        (t) => isMonitoredTopic(t, this.options.roles) || (named.has(t) && !t.startsWith('__')),
      );
    } finally {
      await admin.disconnect();
    }
    const added = found.filter((t) => !this.subscribed.has(t));
    if (added.length === 0 || this.stopped) return;
    this.options.logger.log('info', 'consuming new topics', { topics: added });
    if (this.consumer) await this.consumer.stop();
    else {
      this.consumer = this.options.kafka.consumer({
        groupId: this.options.groupId,
        // a lone monitor should not wait long for a peer that left without saying so
        sessionTimeout: 10_000,
        heartbeatInterval: 1_000,
        maxBytesPerPartition: 2 * 1024 * 1024,
      });
      await this.consumer.connect();
    }
    // the monitor never commits offsets to Kafka, so "from beginning" is where an unassigned partition starts
    await this.consumer.subscribe({ topics: added, fromBeginning: true });
    for (const t of added) this.subscribed.add(t);
    await this.consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: 3,
      eachBatch: (payload) => this.eachBatch(payload),
    });
  }

  private async eachBatch({
    batch,
    heartbeat,
    resolveOffset,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> {
    if (!isRunning() || isStale() || batch.messages.length === 0) return;
    const { topic, partition } = batch;
    const projected = await Promise.all(
      batch.messages.map(async (m) => {
        const ct = m.headers?.['content-type'];
        const contentType = ct === undefined ? undefined : (Array.isArray(ct) ? ct[0] : ct)?.toString();
        return projectMessage(topic, partition, m, await this.options.decoder.decode(m.value, contentType));
      }),
    );
    const applied = await withDbRetries(() =>
      applyBatch(this.options.pool, this.options.roles, topic, partition, projected),
    );
    faultPoint('monitor.after-commit-before-offset');
    if (applied.skipped) {
      this.options.logger.log('warn', 'records were deleted before the monitor read them', {
        topic,
        partition,
        ...applied.skipped,
      });
    }
    if (applied.seekTo !== null) {
      this.consumer?.seek({ topic, partition, offset: applied.seekTo });
      return;
    }
    resolveOffset(batch.lastOffset());
    await heartbeat();
    if (applied.applied > 0) this.options.onApplied(topic, applied);
  }
}

async function withDbRetries<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!isTransientDbError(error) || attempt >= 5) throw error;
    }
  }
}

/** kafkajs's own logs, routed to the monitor's logger at warn and above. */
export function kafkaLogCreator(logger: MonitorLogger) {
  return () =>
    ({ level, log }: { level: number; log: { message: string } & Record<string, unknown> }) => {
      if (level > logLevel.WARN) return;
      const { message, timestamp: _t, logger: _l, ...fields } = log;
      logger.log(level === logLevel.ERROR ? 'error' : 'warn', `kafkajs: ${message}`, fields);
    };
}
