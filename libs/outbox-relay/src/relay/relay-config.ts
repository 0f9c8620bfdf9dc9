import { hostname } from 'node:os';
import { Registry } from 'prom-client';
import { z } from 'zod';
import { parseConfig } from '../config/parse-config';
import type { CodecConfig } from '../codec/create-codec';
import type { MessageCodec } from '../codec/message-codec';
import { jsonLogger, type LogLevel, type RelayLogger } from '../logging/relay-logger';
import { MessageCatalog } from '../message/message-catalog';
import type { AnyMessageType, MessageType } from '../message/message-type';

/** What {@link OutboxRelay} takes. Only `databaseUrl`, `brokers`, `codec` and `catalog` are required. */
export interface OutboxRelayConfig {
  /** `postgres://…` of the database whose `sagaflow.outbox` this relay publishes. */
  databaseUrl: string;
  /** Kafka bootstrap brokers, `host:port`. There is no default broker. */
  brokers: readonly string[];
  /** Avro through a registry, JSON, or a codec instance. */
  codec: CodecConfig | MessageCodec;
  /** The message types the relay may publish; a row of another type is set aside. */
  catalog: MessageCatalog | readonly AnyMessageType[];
  /** Kafka client id; default `sagaflow-relay`. */
  clientId?: string;
  /** Most rows per Kafka batch; default 500. */
  batchSize?: number;
  /**
   * Most bytes (keys, values, headers) per Kafka batch; default 1 000 000, under the broker's default
   * `message.max.bytes`. The rows past it wait for the next batch.
   */
  maxBatchBytes?: number;
  /** Fallback poll when no NOTIFY arrives; default 1000 ms. */
  pollIntervalMs?: number;
  /** How often a standby tries to take over; default 1000 ms. */
  leaderRetryMs?: number;
  /** How often the leader checks its lock connection; default 2000 ms. */
  leaderCheckMs?: number;
  /**
   * 0 (default): rows are deleted on acknowledgement, the cheapest for Postgres. Above 0: rows are marked
   * `published_at` and deleted that many ms later (an audit window, at ~8× the write cost per row).
   */
  retentionMs?: number;
  /** How often retention runs; default 60 000 ms. */
  cleanupIntervalMs?: number;
  /** Backoff after a failed batch (broker, registry or database unavailable). */
  backoff?: { initialMs?: number; maxMs?: number };
  /** Kafka client retries inside one send before the relay backs off itself; default 3. */
  sendRetries?: number;
  /** Create the catalog's missing topics when taking leadership; default true. */
  createTopics?: boolean | { numPartitions?: number };
  /** Where logs go; a JSON-lines logger on stdout by default. */
  logger?: RelayLogger;
  /** Level of the default logger; default `info`. */
  logLevel?: LogLevel;
  /** Registry to put the metrics on; the relay's own otherwise (never the global one). */
  metricsRegistry?: Registry;
  /** Names this relay in logs and events; default `<hostname>-<pid>`. */
  relayId?: string;
}

const positiveInt = (max: number) => z.number().int().min(1).max(max);

const schema = z.strictObject({
  databaseUrl: z
    .string()
    .refine((v) => /^postgres(ql)?:\/\/.+/.test(v), 'must be a postgres:// or postgresql:// URL'),
  brokers: z
    .array(z.string().regex(/^[^\s:,]+:\d{1,5}$/, 'each broker must be host:port'))
    .min(1, 'must name at least one broker'),
  codec: z.union([
    z.strictObject({ kind: z.literal('avro'), registryUrl: z.url({ protocol: /^https?$/ }) }),
    z.strictObject({ kind: z.literal('json') }),
    z.custom<MessageCodec>(
      (v) =>
        typeof (v as MessageCodec)?.encode === 'function' &&
        typeof (v as MessageCodec)?.contentType === 'string',
      "must be { kind: 'avro', registryUrl }, { kind: 'json' } or a MessageCodec",
    ),
  ]),
  catalog: z.union([
    z.instanceof(MessageCatalog),
    z
      .array(
        z.custom<MessageType>(
          (v) => typeof (v as MessageType)?.name === 'string' && !!(v as MessageType).avroType,
        ),
      )
      .min(1, 'must hold at least one message type'),
  ]),
  clientId: z.string().min(1).default('sagaflow-relay'),
  batchSize: positiveInt(10_000).default(500),
  maxBatchBytes: z.number().int().min(1024).max(100_000_000).default(1_000_000),
  pollIntervalMs: positiveInt(600_000).default(1000),
  leaderRetryMs: positiveInt(600_000).default(1000),
  leaderCheckMs: positiveInt(600_000).default(2000),
  retentionMs: z.number().int().min(0).max(31_536_000_000).default(0),
  cleanupIntervalMs: positiveInt(86_400_000).default(60_000),
  backoff: z
    .strictObject({ initialMs: positiveInt(600_000).default(200), maxMs: positiveInt(3_600_000).default(10_000) })
    .refine((b) => b.maxMs >= b.initialMs, {
      message: 'maxMs cannot be less than initialMs',
      path: ['maxMs'],
    })
    .default({ initialMs: 200, maxMs: 10_000 }),
  sendRetries: z.number().int().min(1).max(100).default(3),
  createTopics: z
    .union([z.boolean(), z.strictObject({ numPartitions: positiveInt(10_000).optional() })])
    .default(true),
  logger: z
    .custom<RelayLogger>(
      (v) =>
        ['debug', 'info', 'warn', 'error'].every(
          (m) => typeof (v as Record<string, unknown>)?.[m] === 'function',
        ),
      'must have debug, info, warn and error methods',
    )
    .optional(),
  logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  metricsRegistry: z.instanceof(Registry).optional(),
  relayId: z.string().min(1).optional(),
});

/** The relay's settings after validation: complete, typed and frozen. */
export interface ResolvedRelayConfig {
  readonly databaseUrl: string;
  readonly brokers: readonly string[];
  readonly codec: CodecConfig | MessageCodec;
  readonly catalog: MessageCatalog;
  readonly clientId: string;
  readonly batchSize: number;
  readonly maxBatchBytes: number;
  readonly pollIntervalMs: number;
  readonly leaderRetryMs: number;
  readonly leaderCheckMs: number;
  readonly retentionMs: number;
  readonly cleanupIntervalMs: number;
  readonly backoff: { readonly initialMs: number; readonly maxMs: number };
  readonly sendRetries: number;
  readonly createTopics: false | { readonly numPartitions?: number };
  readonly logger: RelayLogger;
  readonly metricsRegistry: Registry;
  readonly relayId: string;
}

/**
 * Validates a relay configuration once, before anything connects.
 * @throws ConfigError naming the setting, the rule and the value, e.g.
 * "OutboxRelay config: batchSize must be at most 10000 (got 20000)".
 */
export function parseRelayConfig(config: OutboxRelayConfig): ResolvedRelayConfig {
  const c = parseConfig(schema, config, 'OutboxRelay config');
  const catalog = c.catalog instanceof MessageCatalog ? c.catalog : new MessageCatalog(c.catalog);
  return Object.freeze({
    ...c,
    brokers: Object.freeze([...c.brokers]),
    catalog,
    backoff: Object.freeze({ ...c.backoff }),
    createTopics:
      c.createTopics === true
        ? Object.freeze({})
        : c.createTopics === false
          ? false
          : Object.freeze({ ...c.createTopics }),
    logger: c.logger ?? jsonLogger({ level: c.logLevel }),
    metricsRegistry: c.metricsRegistry ?? new Registry(),
    relayId: c.relayId ?? `${hostname()}-${process.pid}`,
  }) as ResolvedRelayConfig;
}

// zod's messages start with a capital ("Too big: expected…"); ours read as one sentence after the setting
