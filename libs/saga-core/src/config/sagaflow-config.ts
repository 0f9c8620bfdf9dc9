import {
  ConfigError,
  MessageCatalog,
  parseConfig,
  type AnyMessageType,
  type MessageType,
} from '@sagaflow/outbox-relay';
import { z } from 'zod';
import { toMilliseconds, type Duration } from '../declaration/duration';
import type { SagaflowLogger, LogLevel } from '../observability/json-logger';

/** Retry of one message before it is dead-lettered; every attempt runs in a fresh transaction. */
export interface ConsumerRetryOptions {
  /** Attempts in all, the first included (default 5). */
  attempts?: number;
  /** Pause before the second attempt (default 100ms); doubles each time. */
  initialBackoff?: Duration;
  /** Upper bound of the pause (default 5s). */
  maxBackoff?: Duration;
}

/** What {@link SagaflowModule.forRoot} and {@link SagaflowRuntime} take. */
export interface SagaflowConfig {
  /** The service name: the `source` header of what it writes, and its consumer group. */
  service: string;
  /** `postgres://…` of the service's own database (outbox, inbox, saga instances, deadlines). */
  databaseUrl: string;
  kafka: { brokers: string[]; clientId?: string };
  /** Avro through a Confluent-compatible registry, or plain JSON; chosen here, never silently. */
  codec: { kind: 'avro'; registryUrl: string } | { kind: 'json' };
  /** Every message type the service writes or reads. */
  catalog: readonly AnyMessageType[];
  /**
   * The embedded outbox relay publishing this service's outbox (default enabled). `retention`: how long
   * published rows are kept for inspection (default: the relay's, deleted once acknowledged).
   */
  relay?: { enabled?: boolean; retention?: Duration };
  consumer?: {
    /**
     * Keys handled in parallel per partition on the isolated path, where a record that failed in its batch
     * retries alone (default 16). One key is always handled in order.
     */
    concurrency?: number;
    /** Most records of a fetched batch applied in one transaction (default 250). */
    maxRecordsPerTransaction?: number;
    /**
     * Consuming transactions (batches, isolated records, fired deadlines) open at once in this process
     * (default 1): more can deadlock on hot rows, which PostgreSQL breaks only after `deadlock_timeout`.
     */
    concurrentTransactions?: number;
    /** Partitions handled in parallel (default 4). */
    partitionsConsumedConcurrently?: number;
    /** Retry of participants' and reactions' messages; sagas use their own `@Saga({ retry })`. */
    retry?: ConsumerRetryOptions;
    /**
     * How long a message keeps retrying optimistic-concurrency conflicts (another transaction changed its
     * saga instance first) after its first one, before it is dead-lettered (default 30s, at most 1h).
     * Conflicts do not use up `retry.attempts`: parallel replies to one saga conflict, and each of them is
     * fine (docs/decisions/0074).
     */
    conflictTimeout?: Duration;
    /**
     * How long a message for a saga instance whose definition version this replica lacks (a replica of a
     * newer release started it, during a rolling deploy) is held — retried with backoff, logged and
     * counted as a version gap — before it is dead-lettered with `DEFINITION_VERSION_GAP` (default 5m, at
     * most 1h). A rebalance ends the hold uncommitted, so a replica that has the version takes the message
     * (docs/decisions/0069).
     */
    versionGapTimeout?: Duration;
    /** Consumer group id (default: the service name). */
    groupId?: string;
    /** Kafka session timeout (default 30s). */
    sessionTimeout?: Duration;
    /** Kafka heartbeat interval (default 3s); must be under a third of sessionTimeout. */
    heartbeatInterval?: Duration;
    /** A new consumer group starts at the earliest offset (default true: nothing before start-up is skipped). */
    fromBeginning?: boolean;
    /**
     * A message emitted in a consuming transaction is also applied, in that same transaction, by this
     * service's own consumers that want it (default false): a saga and a step handled by its own service
     * cost no Kafka round trip. The message is still published; its Kafka copy is then a duplicate. It may
     * overtake records of the same key still on their way through Kafka (docs/decisions/0067).
     */
    deliverInProcess?: boolean;
  };
  deadlines?: {
    /** How often the scheduler looks for due deadlines (default 1s). */
    pollInterval?: Duration;
    /** Due deadlines fired per poll at most (default 100). */
    batchSize?: number;
    /** Run the scheduler in this process (default true). */
    enabled?: boolean;
  };
  /**
   * How long the inbox keeps the row of each applied message, by which a redelivery is recognised
   * (docs/decisions/0071). `retention` (default 168h, Kafka's default `retention.ms`; at least 1h) must
   * outlast every redelivery: a message redelivered after its row was deleted is applied again. Set it to
   * at least the consumed topics' `retention.ms` when a consumer group may start over from the earliest
   * offset (its offsets expired, or were reset). `'forever'` keeps every row. Expired rows are deleted
   * every `cleanupInterval` (default 5m), in chunks.
   */
  inbox?: { retention?: Duration | 'forever'; cleanupInterval?: Duration };
  /** Default policy when no saga instance correlates, for handlers that declare none (default `'fault'`). */
  onMissingInstance?: 'fault' | 'discard';
  /** Connections in the service's pool (default 20). */
  database?: { poolSize?: number };
  /**
   * How Sagaflow creates missing topics: partitions (default: the broker's `num.partitions`), replicas
   * (default min(brokers, 3)) and `min.insync.replicas` (default 2 on three replicas or more, else 1),
   * the defaults read from the cluster's metadata when the topics are created.
   */
  topics?: { numPartitions?: number; replicationFactor?: number; minInsyncReplicas?: number };
  /** Where logs go; JSON lines on stdout by default. */
  logger?: SagaflowLogger;
  /** Level of the default logger (default `info`). */
  logLevel?: LogLevel;
}

/** The configuration after validation: complete, typed, frozen. Durations are milliseconds. */
export interface ResolvedSagaflowConfig {
  readonly service: string;
  readonly databaseUrl: string;
  readonly kafka: { readonly brokers: readonly string[]; readonly clientId: string };
  readonly codec: { readonly kind: 'avro'; readonly registryUrl: string } | { readonly kind: 'json' };
  readonly catalog: MessageCatalog;
  readonly relay: { readonly enabled: boolean; readonly retentionMs?: number };
  readonly consumer: {
    readonly concurrency: number;
    readonly maxRecordsPerTransaction: number;
    readonly concurrentTransactions: number;
    readonly partitionsConsumedConcurrently: number;
    readonly retry: {
      readonly attempts: number;
      readonly initialBackoffMs: number;
      readonly maxBackoffMs: number;
    };
    readonly conflictTimeoutMs: number;
    readonly versionGapTimeoutMs: number;
    readonly groupId: string;
    readonly sessionTimeoutMs: number;
    readonly heartbeatIntervalMs: number;
    readonly fromBeginning: boolean;
    readonly deliverInProcess: boolean;
  };
  readonly deadlines: {
    readonly pollIntervalMs: number;
    readonly batchSize: number;
    readonly enabled: boolean;
  };
  /** `retentionMs` undefined: rows are kept forever. */
  readonly inbox: { readonly retentionMs?: number; readonly cleanupIntervalMs: number };
  readonly onMissingInstance: 'fault' | 'discard';
  readonly database: { readonly poolSize: number };
  readonly topics: {
    readonly numPartitions?: number;
    readonly replicationFactor?: number;
    readonly minInsyncReplicas?: number;
  };
  readonly logger?: SagaflowLogger;
  readonly logLevel: LogLevel;
}

const duration = z.union([z.number(), z.string()]).refine((v) => {
  try {
    toMilliseconds(v as Duration, '');
    return true;
  } catch {
    return false;
  }
}, 'must be a positive duration such as 250ms, 30s or 5m');
const ms = (v: unknown, fallback: number): number =>
  v === undefined ? fallback : toMilliseconds(v as Duration, '');
const positiveInt = (max: number) => z.number().int().min(1).max(max);

const schema = z.strictObject({
  service: z
    .string()
    .regex(
      /^[a-z][a-z0-9-]{0,62}$/,
      'must be a lower-case name like inventory-service (letters, digits, dashes)',
    ),
  databaseUrl: z
    .string()
    .refine((v) => /^postgres(ql)?:\/\/.+/.test(v), 'must be a postgres:// or postgresql:// URL'),
  kafka: z.strictObject({
    brokers: z
      .array(z.string().regex(/^[^\s:,]+:\d{1,5}$/, 'each broker must be host:port'))
      .min(1, 'must name at least one broker (there is no default broker)'),
    clientId: z.string().min(1).optional(),
  }),
  codec: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('avro'), registryUrl: z.url({ protocol: /^https?$/ }) }),
    z.strictObject({ kind: z.literal('json') }),
  ]),
  catalog: z
    .array(
      z.custom<MessageType>(
        (v) =>
          typeof (v as MessageType)?.name === 'string' && typeof (v as MessageType)?.validate === 'function',
        'must hold message types made by defineMessage',
      ),
    )
    .min(1, 'must hold at least one message type'),
  relay: z
    .strictObject({ enabled: z.boolean().default(true), retention: duration.optional() })
    .default({ enabled: true }),
  consumer: z
    .strictObject({
      concurrency: positiveInt(1000).default(16),
      maxRecordsPerTransaction: positiveInt(10_000).default(250),
      concurrentTransactions: positiveInt(1000).default(1),
      partitionsConsumedConcurrently: positiveInt(1000).default(4),
      retry: z
        .strictObject({
          attempts: positiveInt(1000).default(5),
          initialBackoff: duration.optional(),
          maxBackoff: duration.optional(),
        })
        .default({ attempts: 5 }),
      conflictTimeout: duration.optional(),
      versionGapTimeout: duration.optional(),
      groupId: z.string().min(1).optional(),
      sessionTimeout: duration.optional(),
      heartbeatInterval: duration.optional(),
      fromBeginning: z.boolean().default(true),
      deliverInProcess: z.boolean().default(false),
    })
    .default({
      concurrency: 16,
      maxRecordsPerTransaction: 250,
      concurrentTransactions: 1,
      partitionsConsumedConcurrently: 4,
      retry: { attempts: 5 },
      fromBeginning: true,
      deliverInProcess: false,
    }),
  deadlines: z
    .strictObject({
      pollInterval: duration.optional(),
      batchSize: positiveInt(10_000).default(100),
      enabled: z.boolean().default(true),
    })
    .default({ batchSize: 100, enabled: true }),
  inbox: z
    .strictObject({
      retention: z.union([z.literal('forever'), duration]).optional(),
      cleanupInterval: duration.optional(),
    })
    .default({}),
  onMissingInstance: z.enum(['fault', 'discard']).default('fault'),
  database: z.strictObject({ poolSize: positiveInt(1000).default(20) }).default({ poolSize: 20 }),
  topics: z
    .strictObject({
      numPartitions: positiveInt(10_000).optional(),
      replicationFactor: positiveInt(32).optional(),
      minInsyncReplicas: positiveInt(32).optional(),
    })
    .refine(
      (t) => !t.minInsyncReplicas || !t.replicationFactor || t.minInsyncReplicas <= t.replicationFactor,
      {
        message: 'cannot be more than replicationFactor (no write could be acknowledged)',
        path: ['minInsyncReplicas'],
      },
    )
    .default({}),
  logger: z
    .custom<SagaflowLogger>(
      (v) =>
        ['debug', 'info', 'warn', 'error'].every(
          (m) => typeof (v as Record<string, unknown>)?.[m] === 'function',
        ),
      'must have debug, info, warn and error methods',
    )
    .optional(),
  logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

/**
 * Validates the configuration once, before anything connects.
 * @throws ConfigError naming the setting, the rule and the value, e.g.
 * "Sagaflow config: consumer.concurrency must be at least 1 (got 0)".
 */
export function parseSagaflowConfig(config: SagaflowConfig): ResolvedSagaflowConfig {
  const c = parseConfig(schema, config, 'Sagaflow config');
  const retry = {
    attempts: c.consumer.retry.attempts,
    initialBackoffMs: ms(c.consumer.retry.initialBackoff, 100),
    maxBackoffMs: ms(c.consumer.retry.maxBackoff, 5_000),
  };
  if (retry.maxBackoffMs < retry.initialBackoffMs) {
    throw new ConfigError(
      `Sagaflow config: consumer.retry.maxBackoff cannot be less than its initialBackoff (got ${retry.maxBackoffMs} ms < ${retry.initialBackoffMs} ms)`,
      { setting: 'consumer.retry.maxBackoff' },
    );
  }
  const conflictTimeoutMs = ms(c.consumer.conflictTimeout, 30_000);
  if (conflictTimeoutMs > 3_600_000) {
    throw new ConfigError(
      `Sagaflow config: consumer.conflictTimeout must be at most 1h (got ${conflictTimeoutMs} ms): the later messages of the key wait meanwhile`,
      { setting: 'consumer.conflictTimeout' },
    );
  }
  const versionGapTimeoutMs = ms(c.consumer.versionGapTimeout, 300_000);
  if (versionGapTimeoutMs > 3_600_000) {
    throw new ConfigError(
      `Sagaflow config: consumer.versionGapTimeout must be at most 1h (got ${versionGapTimeoutMs} ms): the later messages of the key wait meanwhile`,
      { setting: 'consumer.versionGapTimeout' },
    );
  }
  const sessionTimeoutMs = ms(c.consumer.sessionTimeout, 30_000);
  const heartbeatIntervalMs = ms(c.consumer.heartbeatInterval, 3_000);
  if (heartbeatIntervalMs * 3 > sessionTimeoutMs) {
    throw new ConfigError(
      `Sagaflow config: consumer.heartbeatInterval (${heartbeatIntervalMs} ms) must be at most a third of consumer.sessionTimeout (${sessionTimeoutMs} ms), or a slow heartbeat evicts the consumer from its group`,
      { setting: 'consumer.heartbeatInterval' },
    );
  }
  const inboxRetentionMs =
    c.inbox.retention === 'forever' ? undefined : ms(c.inbox.retention, defaultInboxRetentionMs);
  if (inboxRetentionMs !== undefined && inboxRetentionMs < 3_600_000) {
    throw new ConfigError(
      `Sagaflow config: inbox.retention must be at least 1h, or 'forever' (got ${inboxRetentionMs} ms): a message redelivered after a crash or a rebalance must still find its inbox row, or it is applied twice`,
      { setting: 'inbox.retention' },
    );
  }
  let catalog: MessageCatalog;
  try {
    catalog = new MessageCatalog(c.catalog);
  } catch (error) {
    throw new ConfigError(`Sagaflow config: catalog ${(error as Error).message.replace(/^\[\w+\] /, '')}`, {
      setting: 'catalog',
    });
  }
  return deepFreeze({
    service: c.service,
    databaseUrl: c.databaseUrl,
    kafka: { brokers: [...c.kafka.brokers], clientId: c.kafka.clientId ?? c.service },
    codec: c.codec,
    catalog,
    relay:
      c.relay.retention === undefined
        ? { enabled: c.relay.enabled }
        : { enabled: c.relay.enabled, retentionMs: ms(c.relay.retention, 0) },
    consumer: {
      concurrency: c.consumer.concurrency,
      maxRecordsPerTransaction: c.consumer.maxRecordsPerTransaction,
      concurrentTransactions: c.consumer.concurrentTransactions,
      partitionsConsumedConcurrently: c.consumer.partitionsConsumedConcurrently,
      retry,
      conflictTimeoutMs,
      versionGapTimeoutMs,
      groupId: c.consumer.groupId ?? c.service,
      sessionTimeoutMs,
      heartbeatIntervalMs,
      fromBeginning: c.consumer.fromBeginning,
      deliverInProcess: c.consumer.deliverInProcess,
    },
    deadlines: {
      pollIntervalMs: ms(c.deadlines.pollInterval, 1_000),
      batchSize: c.deadlines.batchSize,
      enabled: c.deadlines.enabled,
    },
    inbox: {
      ...(inboxRetentionMs === undefined ? {} : { retentionMs: inboxRetentionMs }),
      cleanupIntervalMs: ms(c.inbox.cleanupInterval, 300_000),
    },
    onMissingInstance: c.onMissingInstance,
    database: c.database,
    topics: c.topics,
    logger: c.logger,
    logLevel: c.logLevel,
  });
}

/** Kafka's default `retention.ms` (7 days): the inbox keeps a row at least as long as the broker keeps its record. */
const defaultInboxRetentionMs = 168 * 3_600_000;

/** Whether `value` is already a parsed configuration (so a runtime can take either). */
export function isResolvedConfig(
  value: SagaflowConfig | ResolvedSagaflowConfig,
): value is ResolvedSagaflowConfig {
  return value.catalog instanceof MessageCatalog;
}

function deepFreeze<T extends object>(value: T): T {
  for (const v of Object.values(value)) {
    // the catalog and the logger are objects with behaviour: leave them alone
    if (v && typeof v === 'object' && !(v instanceof MessageCatalog) && !('info' in v))
      deepFreeze(v as object);
  }
  return Object.freeze(value);
}
