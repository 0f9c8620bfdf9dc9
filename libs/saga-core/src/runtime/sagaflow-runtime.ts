import {
  createCodec,
  hopHistogram,
  MessageCatalog,
  OutboxNotifier,
  OutboxRelay,
  OutboxWriter,
  outboxMigrations,
  runMigrations,
  watchConnectionErrors,
  type MessageCodec,
} from '@sagaflow/outbox-relay';
import { Kafka, logLevel, type Consumer, type ConsumerRunConfig, type LogEntry } from 'kafkajs';
import { Pool } from 'pg';
import {
  isResolvedConfig,
  parseSagaflowConfig,
  type ResolvedSagaflowConfig,
  type SagaflowConfig,
} from '../config/sagaflow-config';
import { DefinitionPublished } from '../lifecycle/definition-message';
import { operatorCommandTypes } from '../lifecycle/operator-commands';
import { OperatorCommandConsumer } from '../operator/operator-command-consumer';
import { consumeBatch } from '../consume/consume-batch';
import type { InProcessDelivery } from '../consume/deliver-in-process';
import { RecentIds } from '../consume/recent-ids';
import { reportInProcess } from '../consume/report-in-process';
import { TransactionGate } from '../consume/transaction-gate';
import {
  hooksAsReactions,
  transitionHooksFrom,
  validateTransitionHooks,
  type TransitionHook,
} from '../consume/transition-hooks';
import { SagaTransition } from '../lifecycle/saga-lifecycle-message';
import { SagaTransitions } from '../lifecycle/saga-transitions-message';
import { sagaMigrations } from '../migrations/saga-migrations';
import { sagaflowJsonLogger, type SagaflowLogger } from '../observability/json-logger';
import { SagaflowMetrics } from '../observability/sagaflow-metrics';
import { checkHealth, type ConsumerGroupState, type SagaflowHealthReport } from './check-health';
import { DeadLetterPublisher } from './dead-letter';
import { DeadlineScheduler } from './deadline-scheduler';
import { InboxRetention } from './inbox-retention';
import { SagaQueries } from '../query/saga-queries';
import { ensureSagaflowTopics } from './ensure-sagaflow-topics';
import { HandlerConsumer } from './handler-consumer';
import { handlersOf, validateHandlers, type MessageHandlerRegistration } from './message-handler';
import { definitionEvents, publishDefinitions } from './publish-definitions';
import type { ReactionCycleReport } from '../reactions/check-reaction-cycles';
import { reactionCycleGauge } from '../reactions/reaction-cycle-metric';
import { startCycleCheck } from '../reactions/start-cycle-check';
import type { RecordConsumer } from './record-consumer';
import { rejoinOnLostCoordinator } from './rejoin-on-lost-coordinator';
import { SagaConsumer } from './saga-consumer';
import { SagaRegistry } from './saga-registry';
import { SagaflowTransactions } from './sagaflow-transactions';
import { untilTopicsKnown } from './until-topics-known';
import { VersionGapClock } from '../consume/version-gap-clock';

/** What a service runs: saga objects, participant/reaction objects, and low-level handlers (the Nest transport's). */
export interface SagaflowRegistrations {
  /** Objects of `@Saga` classes (one per type and version). */
  sagas?: readonly object[];
  /** Objects with `@CommandHandler`/`@OnEvent` methods. */
  participants?: readonly object[];
  /** Handlers registered directly (the Nest transport turns `@EventPattern` handlers into these). */
  handlers?: readonly MessageHandlerRegistration[];
}

/**
 * The Sagaflow runtime of one service, without Nest (the module wraps it): migrations, the consumer group
 * (inbox, one transaction per message and consumer, retries in fresh transactions, dead letters), the
 * deadline scheduler, definitions published at start-up, and the embedded outbox relay.
 * @example
 * const runtime = new SagaflowRuntime({ service: 'inventory-service', databaseUrl, kafka: { brokers },
 *   codec: { kind: 'json' }, catalog: [ReserveStock, StockReserved] });
 * await runtime.start({ sagas: [new OrderFulfilment()], participants: [new StockHandlers()] });
 * // …
 * await runtime.stop();
 */
export class SagaflowRuntime {
  /** The settings in force (validated, frozen). */
  readonly config: ResolvedSagaflowConfig;
  readonly metrics: SagaflowMetrics;
  readonly logger: SagaflowLogger;
  /** The service's connection pool (its own database). */
  readonly pool: Pool;
  /** Business transactions with the outbox, for code that does not handle a message (HTTP handlers). */
  readonly transactions: SagaflowTransactions;
  /** The catalog plus the framework's own message types. */
  readonly catalog: MessageCatalog;
  private readonly kafka: Kafka;
  private readonly codec: MessageCodec;
  private readonly writer: OutboxWriter;
  private readonly relay: OutboxRelay | undefined;
  private readonly notifier: OutboxNotifier;
  private readonly abort = new AbortController();
  private consumer: Consumer | undefined;
  private scheduler: DeadlineScheduler | undefined;
  private hostedSagaTypes: ReadonlySet<string> | undefined;
  /** Reads the sagas this service hosts (status, state, current steps) from its database. */
  readonly queries: SagaQueries;
  private inboxRetention: InboxRetention | undefined;
  private deadLetters: DeadLetterPublisher | undefined;
  private state: 'new' | 'starting' | 'running' | 'stopped' = 'new';
  private group: ConsumerGroupState = 'not-used';
  private groupJoined: Promise<void> = Promise.resolve();
  private cycleCheck: Promise<ReactionCycleReport> | undefined;

  /** @throws ConfigError naming the setting, the rule and the value; nothing has connected yet. */
  constructor(config: SagaflowConfig | ResolvedSagaflowConfig) {
    this.config = isResolvedConfig(config) ? config : parseSagaflowConfig(config);
    const c = this.config;
    this.logger = c.logger ?? sagaflowJsonLogger({ level: c.logLevel, service: c.service });
    this.metrics = new SagaflowMetrics();
    this.catalog = new MessageCatalog([
      ...c.catalog.all(),
      SagaTransition,
      SagaTransitions,
      DefinitionPublished,
      // what the saga monitor sends this service (docs/decisions/0076)
      ...Object.values(operatorCommandTypes(c.service)),
    ]);
    this.pool = new Pool({
      connectionString: c.databaseUrl,
      max: c.database.poolSize,
      application_name: c.service,
    });
    watchConnectionErrors(this.pool, (message, error) => this.logger.warn(message, { error }));
    this.writer = new OutboxWriter({ source: c.service, catalog: this.catalog });
    this.notifier = new OutboxNotifier(this.pool, {
      onError: (error) => this.logger.debug('could not notify the relay; its poll finds the rows', { error }),
    });
    this.transactions = new SagaflowTransactions(this.pool, this.writer, () => this.committed());
    this.queries = new SagaQueries(this.pool, () => this.hostedSagaTypes);
    this.codec = createCodec(c.codec);
    this.kafka = new Kafka({
      clientId: c.kafka.clientId,
      brokers: [...c.kafka.brokers],
      connectionTimeout: 3_000,
      requestTimeout: 30_000,
      logLevel: logLevel.WARN,
      logCreator: () => (entry: LogEntry) => this.kafkaLog(entry),
    });
    this.relay = c.relay.enabled
      ? new OutboxRelay({
          databaseUrl: c.databaseUrl,
          brokers: [...c.kafka.brokers],
          codec: c.codec,
          catalog: this.catalog,
          clientId: `${c.kafka.clientId}-relay`,
          logger: this.logger,
          metricsRegistry: this.metrics.registry,
          createTopics: c.topics, // partitions and replication (issue 15)
          ...(c.relay.retentionMs === undefined ? {} : { retentionMs: c.relay.retentionMs }),
        })
      : undefined;
  }

  /**
   * Validates every declaration, then migrates the database, creates topics, publishes the definitions,
   * starts the relay, the consumer group and the deadline scheduler.
   * @throws DefinitionError naming the class and method of a misdeclared saga or handler (before connecting).
   */
  async start(registrations: SagaflowRegistrations = {}): Promise<void> {
    if (this.state !== 'new')
      throw new Error(`SagaflowRuntime of ${this.config.service} was already started`);
    this.state = 'starting';
    const c = this.config;
    const registry = new SagaRegistry(registrations.sagas ?? [], this.catalog, c.onMissingInstance);
    this.hostedSagaTypes = new Set(registry.definitions().map((d) => d.type));
    const handlers = [...handlersOf(registrations.participants ?? []), ...(registrations.handlers ?? [])];
    validateHandlers(handlers, this.catalog);
    const hooks = transitionHooksFrom(registrations.participants ?? []);
    validateTransitionHooks(hooks, new Set(registry.definitions().map((d) => d.type)), this.catalog);
    const bySagaType = new Map<string, TransitionHook[]>();
    for (const h of hooks) bySagaType.set(h.sagaType, [...(bySagaType.get(h.sagaType) ?? []), h]);
    const outcomeHooks = { service: c.service, bySagaType };
    // the published reactions and the cycle check see the in-process followers as reactions to the lifecycle
    const declared = [...handlers, ...hooksAsReactions(hooks)];

    const consumers = new Map<string, RecordConsumer[]>();
    const add = (type: string, consumer: RecordConsumer) =>
      consumers.set(type, [...(consumers.get(type) ?? []), consumer]);
    for (const sagaType of new Set(registry.definitions().map((d) => d.type))) {
      const consumer = new SagaConsumer(c.service, sagaType, registry, outcomeHooks);
      for (const type of registry.handledMessageTypes())
        if (registry.typesHandling(type).includes(sagaType)) add(type, consumer);
    }
    if (registry.definitions().length > 0) {
      // a service that hosts sagas takes its operator's cancel and resume on its own operator topic
      const operator = new OperatorCommandConsumer(c.service, registry, c.consumer.retry, outcomeHooks);
      for (const type of Object.values(operatorCommandTypes(c.service))) add(type.name, operator);
    }
    for (const h of handlers) add(h.messageType.name, new HandlerConsumer(c.service, h, c.consumer.retry));
    const topics = [...new Set([...consumers.keys()].map((name) => this.catalog.get(name).topic))].sort();
    const inProcess: InProcessDelivery | undefined = c.consumer.deliverInProcess
      ? {
          service: c.service,
          consumers,
          codec: this.codec,
          // a copy arrives within moments; 100k ids cover minutes of the fastest traffic seen here
          applied: new RecentIds(100_000),
          ...reportInProcess({ logger: this.logger, metrics: this.metrics }),
        }
      : undefined;
    if (inProcess) this.transactions.deliverInProcess(inProcess);

    await runMigrations(this.pool, [outboxMigrations, sagaMigrations]);
    await ensureSagaflowTopics(this.kafka, topics, c.topics);
    await publishDefinitions(this.pool, this.writer, c.service, registry.definitions(), declared);
    this.committed();
    await this.relay?.start();

    const gate = new TransactionGate(c.consumer.concurrentTransactions);
    this.deadLetters = new DeadLetterPublisher(this.kafka, c.topics);
    if (topics.length > 0) {
      const consumer = this.kafka.consumer({
        groupId: c.consumer.groupId,
        sessionTimeout: c.consumer.sessionTimeoutMs,
        heartbeatInterval: c.consumer.heartbeatIntervalMs,
        allowAutoTopicCreation: false,
      });
      this.consumer = consumer;
      await consumer.connect();
      // KafkaJS leaves its target topics as they were when a subscribe fails, so it can be asked again
      await untilTopicsKnown(() => consumer.subscribe({ topics, fromBeginning: c.consumer.fromBeginning }));
      const runConfig: ConsumerRunConfig = {
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: c.consumer.partitionsConsumedConcurrently,
        eachBatch: consumeBatch({
          service: c.service,
          pool: this.pool,
          writer: this.writer,
          codec: this.codec,
          catalog: this.catalog,
          consumers,
          deadLetters: this.deadLetters,
          logger: this.logger,
          metrics: this.metrics,
          hops: hopHistogram(this.metrics.registry),
          retry: c.consumer.retry,
          conflictTimeoutMs: c.consumer.conflictTimeoutMs,
          versionGapTimeoutMs: c.consumer.versionGapTimeoutMs,
          versionGaps: new VersionGapClock(),
          maxRecordsPerTransaction: c.consumer.maxRecordsPerTransaction,
          gate,
          concurrency: c.consumer.concurrency,
          heartbeatIntervalMs: c.consumer.heartbeatIntervalMs,
          signal: this.abort.signal,
          // issue 15: a commit that finds the group coordinator's broker dead rejoins the group
          commit: rejoinOnLostCoordinator({
            commit: (topic, partition, offset) => consumer.commitOffsets([{ topic, partition, offset }]),
            rejoin: async () => {
              if (this.state !== 'running') return;
              await consumer.stop();
              if (this.state === 'running') await consumer.run(runConfig);
            },
            logger: this.logger,
          }),
          committed: () => this.committed(),
          ...(inProcess ? { inProcess } : {}),
        }),
      };
      this.group = 'joining';
      this.groupJoined = new Promise<void>((joined) => {
        consumer.on(consumer.events.GROUP_JOIN, () => {
          if (this.group === 'joining')
            this.logger.info('consumer group joined', { groupId: c.consumer.groupId });
          this.group = 'joined';
          joined();
        });
      });
      // Joining waits for the group to rebalance, and after a kill -9 the group first waits out the dead
      // member's session timeout: HTTP and outbox writes must not wait with it (issue 11 item 16, decision
      // 0081). kafkajs retries a failed join itself; what reaches here is logged, never unhandled.
      consumer
        .run(runConfig)
        .catch((error: unknown) => this.logger.error('consumer group could not be joined', { error }));
    }
    if (c.deadlines.enabled && registry.definitions().length > 0) {
      this.scheduler = new DeadlineScheduler({
        pool: this.pool,
        registry,
        writer: this.writer,
        pollIntervalMs: c.deadlines.pollIntervalMs,
        batchSize: c.deadlines.batchSize,
        logger: this.logger,
        metrics: this.metrics,
        hooks: outcomeHooks,
        committed: () => this.committed(),
        gate,
        versionGapTimeoutMs: c.consumer.versionGapTimeoutMs,
      });
      this.scheduler.start();
    }
    if (c.inbox.retentionMs !== undefined) {
      this.inboxRetention = new InboxRetention({
        pool: this.pool,
        retentionMs: c.inbox.retentionMs,
        intervalMs: c.inbox.cleanupIntervalMs,
        logger: this.logger,
        metrics: this.metrics,
      });
      this.inboxRetention.start();
    }
    this.state = 'running';
    // beside start-up, not before it: a slow read of sagaflow.definitions must not delay readiness
    const cycles = reactionCycleGauge(this.metrics.registry);
    this.cycleCheck = startCycleCheck(definitionEvents(c.service, registry.definitions(), declared), {
      service: c.service,
      clientId: c.kafka.clientId,
      kafka: this.kafka,
      codec: this.codec,
      logger: this.logger,
      signal: this.abort.signal,
    }).then((report) => {
      cycles.set(report.cycles.length);
      return report;
    });
    this.logger.info('sagaflow started', {
      groupId: c.consumer.groupId,
      topics,
      sagas: registry.definitions().map((d) => `${d.type}@${d.version}`),
      handlers: handlers.map((h) => `${h.origin}(${h.messageType.name})`),
      transitionHooks: hooks.map((h) => `${h.origin}(${h.sagaType})`),
      relay: this.relay !== undefined,
    });
  }

  /** Stops consuming (messages in flight finish; a retry in progress is abandoned, uncommitted), then the scheduler, the relay and the pool. */
  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    this.abort.abort();
    await this.cycleCheck;
    await this.scheduler?.stop();
    await this.inboxRetention?.stop();
    await this.consumer
      ?.disconnect()
      .catch((error: unknown) => this.logger.warn('consumer disconnect failed', { error }));
    await this.deadLetters?.close().catch(() => undefined);
    await this.relay?.stop();
    this.notifier.close();
    await this.pool.end();
    this.logger.info('sagaflow stopped', {});
  }

  /** Probes the database, the broker and the registry, and says whether the consumer group has been joined. */
  async health(): Promise<SagaflowHealthReport> {
    const report = await checkHealth(
      this.pool,
      this.kafka,
      this.config.codec.kind === 'avro' ? this.config.codec.registryUrl : undefined,
    );
    return { ...report, consumerGroup: this.group };
  }

  /**
   * Resolves once the consumer has joined its group the first time (at once when the service consumes
   * nothing). {@link start} does not wait for it: a group that waits out a dead member's session would keep
   * the service's HTTP and outbox writes down with it.
   */
  consumerGroupJoined(): Promise<void> {
    return this.groupJoined;
  }

  /**
   * The start-up check for reaction cycles (docs/decisions/0034): the cycles this service is on in the
   * combined declared graph of `sagaflow.definitions` plus its own definitions, each also logged as a
   * warning and counted in `sagaflow_reaction_cycles`. Resolves once the check finished; never rejects.
   * @throws Error when the runtime was not started.
   */
  reactionCycles(): Promise<ReactionCycleReport> {
    if (!this.cycleCheck) throw new Error(`SagaflowRuntime of ${this.config.service} was not started`);
    return this.cycleCheck;
  }

  /** Whether the embedded relay is this database's publishing leader right now (false when disabled). */
  isRelayLeader(): boolean {
    return this.relay?.isLeader() ?? false;
  }

  /**
   * After a commit that wrote to the outbox: the embedded relay, when it leads, reads at once; otherwise the
   * leader (another instance of the service, or a separate relay) gets a NOTIFY sent outside the
   * transaction (docs/decisions/0040).
   */
  private committed(): void {
    if (this.relay?.isLeader()) this.relay.wake();
    else this.notifier.notify();
  }

  private kafkaLog(entry: LogEntry): void {
    const { message, ...rest } = entry.log;
    const fields = { kafka: entry.namespace, ...rest };
    if (entry.level <= logLevel.ERROR) this.logger.error(message, fields);
    else if (entry.level === logLevel.WARN) this.logger.warn(message, fields);
  }
}
