import {
  createDatabase,
  dropDatabase,
  uniqueDatabaseName,
  uniqueTopicName,
  type StackEndpoints,
} from '@sagaflow/stack';
import { ensureTopics } from '@sagaflow/outbox-relay';
import { Kafka, logLevel } from 'kafkajs';
import { parseMonitorConfig, type MonitorConfig } from '../../src/config/monitor-config';
import { silentLogger } from '../../src/logging/monitor-logger';
import { startMonitor, type RunningMonitor } from '../../src/monitor';

/** Topics of one suite: the framework's names under a random prefix, so suites never see each other's records. */
export interface SuiteTopics {
  prefix: string;
  lifecycle: string;
  definitions: string;
  orderEvents: string;
  inventoryCommands: string;
  inventoryEvents: string;
  paymentCommands: string;
  paymentEvents: string;
  inventoryCommandsDlt: string;
}

/** A database and topics of its own for one suite, and monitors started on them. */
export interface MonitorEnv {
  kafka: Kafka;
  topics: SuiteTopics;
  databaseUrl: string;
  /** The environment a monitor process of this suite runs with (what {@link config} parses). */
  env(overrides?: Record<string, string>): Record<string, string>;
  config(overrides?: Record<string, string>): MonitorConfig;
  start(overrides?: Record<string, string>, options?: { rebuild?: boolean }): Promise<RunningMonitor>;
  dispose(): Promise<void>;
}

/** Creates the suite's database and topics (3 partitions, so ordering across partitions is exercised). */
export async function createMonitorEnv(stack: StackEndpoints, name: string): Promise<MonitorEnv> {
  const prefix = uniqueTopicName(`mon-${name}`);
  const t = (suffix: string) => `${prefix}.${suffix}`;
  const topics: SuiteTopics = {
    prefix,
    lifecycle: t('sagaflow.lifecycle'),
    definitions: t('sagaflow.definitions'),
    orderEvents: t('order.events'),
    inventoryCommands: t('inventory.commands'),
    inventoryEvents: t('inventory.events'),
    paymentCommands: t('payment.commands'),
    paymentEvents: t('payment.events'),
    inventoryCommandsDlt: t('inventory.commands.dlt'),
  };
  const kafka = new Kafka({
    clientId: `monitor-spec-${name}`,
    brokers: stack.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  await ensureTopics(kafka, [
    ...Object.entries(topics)
      .filter(([k]) => k !== 'prefix' && k !== 'definitions')
      .map(([, topic]) => ({ topic, numPartitions: 3 })),
    { topic: topics.definitions, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
  ]);
  const dbName = uniqueDatabaseName(`monitor_${name}`);
  const databaseUrl = await createDatabase(stack.databaseUrl, dbName);
  const groupId = `${prefix}.monitor`;
  const running = new Set<RunningMonitor>();
  const env = (overrides: Record<string, string> = {}): Record<string, string> => ({
    PORT: '0',
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: stack.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: stack.schemaRegistryUrl,
    MONITOR_TOPIC_PATTERN: `^${prefix.replace(/[.-]/g, '\\$&')}\\.`,
    MONITOR_LIFECYCLE_TOPIC: topics.lifecycle,
    MONITOR_DEFINITIONS_TOPIC: topics.definitions,
    MONITOR_GROUP_ID: groupId,
    MONITOR_TOPIC_REFRESH_MS: '500',
    ...overrides,
  });
  const config = (overrides: Record<string, string> = {}) =>
    parseMonitorConfig(env(overrides), '/nonexistent-ui');
  return {
    kafka,
    topics,
    databaseUrl,
    env,
    config,
    async start(overrides = {}, options = {}) {
      const monitor = await startMonitor(config(overrides), { ...options, logger: silentLogger });
      running.add(monitor);
      const stop = monitor.stop;
      return {
        ...monitor,
        stop: async () => {
          running.delete(monitor);
          await stop();
        },
      };
    },
    async dispose() {
      for (const m of running) await m.stop();
      await dropDatabase(stack.databaseUrl, dbName).catch(() => undefined);
    },
  };
}
