import type { AddressInfo } from 'node:net';
import {
  AvroRegistryCodec,
  ensureTopics,
  runMigrations,
  watchConnectionErrors,
} from '@sagaflow/outbox-relay';
import { OperatorActions } from './actions/operator-actions';
import { Kafka } from 'kafkajs';
import { Pool } from 'pg';
import { accessWarnings, loopbackOrHost } from './config/access-warnings';
import type { MonitorConfig } from './config/monitor-config';
import { monitorMigrations } from './db/monitor-migrations';
import { resetProjection } from './db/reset-projection';
import { RecordDecoder } from './decode/record-decoder';
import { createMonitorServer } from './http/monitor-server';
import { LiveUpdates } from './http/live-updates';
import { consumerLag, type PartitionLag } from './kafka/consumer-lag';
import { kafkaLogCreator, ProjectionConsumer } from './kafka/projection-consumer';
import { readTopicsNamedByDefinitions } from './kafka/topics-named-by-definitions';
import { warnOfGroupMembers } from './kafka/warn-of-group-members';
import { jsonLogger, type MonitorLogger } from './logging/monitor-logger';
import { MonitorMetrics } from './metrics/monitor-metrics';
import type { AppliedBatch } from './projection/apply-batch';
import { sagasByIds } from './query/list-sagas';
import { statusCounts } from './query/stats';

/** Options of {@link startMonitor}. */
export interface StartMonitorOptions {
  /** Drop the projection and replay every topic from its earliest offset. */
  rebuild?: boolean;
  logger?: MonitorLogger;
}

/** A started monitor. */
export interface RunningMonitor {
  /** Base URL of the HTTP server, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  /** The projection's database pool (read it, do not write). */
  readonly pool: Pool;
  /** Topics being consumed. */
  topics(): string[];
  /** Records on Kafka not yet applied, summed over every partition. */
  lag(): Promise<number>;
  /** Stops consuming, serving and connecting, in that order. */
  stop(): Promise<void>;
}

/**
 * Starts the monitor: migrations (after dropping everything when rebuilding), metrics seeded from the
 * projection, the HTTP server, then the consumer.
 * @example
 * const monitor = await startMonitor(parseMonitorConfig(process.env, join(__dirname, 'ui')));
 */
export async function startMonitor(
  config: MonitorConfig,
  options: StartMonitorOptions = {},
): Promise<RunningMonitor> {
  const logger = options.logger ?? jsonLogger();
  const pool = new Pool({
    connectionString: config.databaseUrl,
    max: 10,
    application_name: 'sagaflow-monitor',
  });
  watchConnectionErrors(pool, (message, error) => logger.log('warn', message, { error: String(error) }));
  const cleanup: (() => Promise<unknown>)[] = [() => pool.end()];
  try {
    if (options.rebuild) {
      logger.log(
        'info',
        'rebuilding: dropping the projection; every topic is replayed from its earliest offset',
      );
      await resetProjection(pool);
    }
    await runMigrations(pool, [monitorMigrations]);

    const kafka = new Kafka({
      clientId: 'sagaflow-monitor',
      brokers: [...config.kafkaBrokers],
      logCreator: kafkaLogCreator(logger),
    });
    const admin = kafka.admin();
    await admin.connect();
    cleanup.unshift(() => admin.disconnect());

    const consumer = new ProjectionConsumer({
      kafka,
      pool,
      decoder: new RecordDecoder(config.schemaRegistryUrl),
      groupId: config.groupId,
      roles: config.topics,
      topicRefreshMs: config.topicRefreshMs,
      namedTopics: () => readTopicsNamedByDefinitions(pool),
      logger,
      // called only once consuming has started, after everything below exists
      onApplied: (topic, batch) => onApplied(topic, batch),
    });
    const lag = cached(() => consumerLag(admin, pool, consumer.topics()), 2000);
    const metrics = new MonitorMetrics({ pool, stuckAfterMs: config.stuckAfterMs, lag });
    await metrics.seed(pool);

    const live = new LiveUpdates(
      async (ids) => ({
        counts: await statusCounts(pool, new Date(), config.stuckAfterMs),
        sagas: await sagasByIds(pool, ids, new Date(), config.stuckAfterMs),
      }),
      (error) => logger.log('warn', 'live update failed', { error: String(error) }),
    );
    cleanup.unshift(async () => live.close());

    const onApplied = (topic: string, batch: AppliedBatch): void => {
      metrics.onApplied(topic, batch);
      live.changed(batch.sagas.map((s) => s.sagaId));
      if (batch.deadLetterCorrelationIds.length > 0) {
        pool
          .query<{ saga_id: string }>(
            `select saga_id from monitor.saga where correlation_id = any($1::text[])`,
            [batch.deadLetterCorrelationIds],
          )
          .then((r) => live.changed(r.rows.map((x) => x.saga_id)))
          .catch((error: unknown) => logger.log('warn', 'live update failed', { error: String(error) }));
      }
    };

    // operating is off unless an operator token is configured: then, and only then, the monitor writes to Kafka
    let actions: OperatorActions | undefined;
    if (config.operatorToken !== undefined) {
      const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      cleanup.unshift(() => producer.disconnect());
      const ensured = new Map<string, Promise<void>>();
      const ensureTopic = (topic: string): Promise<void> => {
        let p = ensured.get(topic);
        if (!p) {
          p = ensureTopics(kafka, [{ topic }]);
          p.catch(() => ensured.delete(topic));
          ensured.set(topic, p);
        }
        return p;
      };
      actions = new OperatorActions({
        pool,
        kafka,
        producer,
        codec: new AvroRegistryCodec({ registryUrl: config.schemaRegistryUrl }),
        auditTopic: config.auditTopic,
        frameworkPrefix: config.frameworkPrefix,
        ensureTopic,
        logger,
      });
    }

    const server = createMonitorServer({
      actions,
      pool,
      registry: metrics.registry,
      live,
      logger,
      lag,
      topics: () => consumer.topics(),
      stuckAfterMs: config.stuckAfterMs,
      flowStallMs: config.flowStallMs,
      statsWindowMs: config.statsWindowMs,
      tokens: { read: config.token, operate: config.operatorToken },
      uiDir: config.uiDir,
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, resolve);
    });
    cleanup.unshift(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          // event streams never end by themselves
          server.closeAllConnections();
        }),
    );
    const port = (server.address() as AddressInfo).port;

    cleanup.unshift(() => consumer.stop());
    await warnOfGroupMembers(admin, config.groupId, logger);
    await consumer.start();
    logger.log('info', 'saga monitor started', {
      host: config.host,
      port,
      topics: consumer.topics(),
      groupId: config.groupId,
      auth: config.token !== undefined,
      operatorActions: config.operatorToken !== undefined,
    });
    for (const warning of accessWarnings(config)) logger.log('warn', warning);

    return {
      url: `http://${loopbackOrHost(config.host)}:${port}`,
      pool,
      topics: () => consumer.topics(),
      lag: async () => (await consumerLag(admin, pool, consumer.topics())).reduce((n, l) => n + l.lag, 0),
      stop: () => runAll(cleanup),
    };
  } catch (error) {
    await runAll(cleanup);
    throw error;
  }
}

async function runAll(steps: (() => Promise<unknown>)[]): Promise<void> {
  for (const step of steps.splice(0)) await step().catch(() => undefined);
}

function cached(fn: () => Promise<PartitionLag[]>, ttlMs: number): () => Promise<PartitionLag[]> {
  let at = 0;
  let value: Promise<PartitionLag[]> | undefined;
  return () => {
    if (!value || Date.now() - at > ttlMs) {
      at = Date.now();
      value = fn();
      value.catch(() => (value = undefined));
    }
    return value;
  };
}
