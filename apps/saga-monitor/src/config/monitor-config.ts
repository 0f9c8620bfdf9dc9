import { ConfigError } from '@sagaflow/outbox-relay';
import { z } from 'zod';
import { redactSecrets } from './redact';
import {
  defaultTopicPattern,
  DEFINITIONS_TOPIC,
  LIFECYCLE_TOPIC,
  type TopicRoles,
} from '../kafka/monitored-topics';

/** The monitor's settings, parsed once from the environment and frozen. */
export interface MonitorConfig {
  /** HTTP port of the API, UI and /metrics; 0 picks a free one (tests). */
  readonly port: number;
  /** Interface the HTTP server binds; loopback unless `MONITOR_HOST` says otherwise. */
  readonly host: string;
  /** The monitor's own PostgreSQL database; the projection lives in its schema `monitor`. */
  readonly databaseUrl: string;
  readonly kafkaBrokers: readonly string[];
  /** Confluent-compatible registry base URL, used to decode Avro values by their schema id. */
  readonly schemaRegistryUrl: string;
  /** Which topics are read; the defaults are DESIGN.md's names. Overridable to watch a namespaced deployment. */
  readonly topics: TopicRoles;
  /** Kafka consumer group; offsets are kept in the monitor's database, the group only spreads partitions. */
  readonly groupId: string;
  /** A non-terminal saga with no transition for this long is stuck. */
  readonly stuckAfterMs: number;
  /** A choreographed flow whose declared reaction has not happened this long after its trigger is stalled. */
  readonly flowStallMs: number;
  /** How often the topic list is re-read, so new `*.events`/`*.commands`/`*.dlt` topics get consumed. */
  readonly topicRefreshMs: number;
  /** Window over which /api/stats computes throughput. */
  readonly statsWindowMs: number;
  /** When set, every data endpoint requires `Authorization: Bearer <token>`. */
  readonly token: string | undefined;
  /**
   * When set, operator actions (retry, discard, resume, cancel) are possible with
   * `Authorization: Bearer <operatorToken>`; unset, every action is refused with 403.
   */
  readonly operatorToken: string | undefined;
  /** Topic every operator action is recorded on (the framework prefix + `sagaflow.audit`). */
  readonly auditTopic: string;
  /** The framework prefix of the lifecycle topic, for naming `<prefix>sagaflow.<service>.operator`. */
  readonly frameworkPrefix: string;
  /** Directory of the built web UI (Vite output). */
  readonly uiDir: string;
}

const positiveInt = (name: string, fallback: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) {
        ctx.addIssue({ code: 'custom', message: `${name} must be a non-negative integer; got "${v}"` });
        return z.NEVER;
      }
      return n;
    });

const url = (name: string, protocols: readonly string[]) =>
  z.string({ error: `${name} is required` }).refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    { message: `${name} must be a URL (${protocols.join(' or ')})` },
  );

const secret = (name: string) =>
  z
    .string()
    .optional()
    .transform((v) => (v === '' ? undefined : v))
    .refine((v) => v === undefined || v.length >= 16, {
      message: `${name} must be at least 16 characters when set`,
    });

/** Variables whose values never appear in an error. */
const secretVariables = new Set(['MONITOR_TOKEN', 'MONITOR_OPERATOR_TOKEN']);

const envSchema = z.object({
  PORT: positiveInt('PORT', 8080).refine((p) => p <= 65535, { message: 'PORT must be at most 65535' }),
  DATABASE_URL: url('DATABASE_URL', ['postgres:', 'postgresql:']),
  KAFKA_BROKERS: z
    .string({ error: 'KAFKA_BROKERS is required (host:port,…)' })
    .transform((v) => v.split(',').map((b) => b.trim()))
    .refine((list) => list.length > 0 && list.every((b) => /^[^\s:]+:\d{1,5}$/.test(b)), {
      message: 'KAFKA_BROKERS must be a comma-separated list of host:port',
    }),
  SCHEMA_REGISTRY_URL: url('SCHEMA_REGISTRY_URL', ['http:', 'https:']),
  MONITOR_TOPIC_PATTERN: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return defaultTopicPattern;
      try {
        return new RegExp(v);
      } catch (cause) {
        ctx.addIssue({
          code: 'custom',
          message: `MONITOR_TOPIC_PATTERN is not a regular expression: ${(cause as Error).message}`,
        });
        return z.NEVER;
      }
    }),
  MONITOR_LIFECYCLE_TOPIC: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/, 'MONITOR_LIFECYCLE_TOPIC must be a topic name')
    .default(LIFECYCLE_TOPIC),
  MONITOR_DEFINITIONS_TOPIC: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/, 'MONITOR_DEFINITIONS_TOPIC must be a topic name')
    .default(DEFINITIONS_TOPIC),
  MONITOR_GROUP_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/, 'MONITOR_GROUP_ID may only hold letters, digits, ".", "_" and "-"')
    .default('sagaflow-monitor'),
  MONITOR_STUCK_AFTER_MS: positiveInt('MONITOR_STUCK_AFTER_MS', 5 * 60_000).refine((n) => n >= 1000, {
    message: 'MONITOR_STUCK_AFTER_MS must be at least 1000',
  }),
  MONITOR_FLOW_STALL_MS: positiveInt('MONITOR_FLOW_STALL_MS', 30_000).refine((n) => n >= 1000, {
    message: 'MONITOR_FLOW_STALL_MS must be at least 1000',
  }),
  MONITOR_TOPIC_REFRESH_MS: positiveInt('MONITOR_TOPIC_REFRESH_MS', 10_000).refine((n) => n >= 100, {
    message: 'MONITOR_TOPIC_REFRESH_MS must be at least 100',
  }),
  MONITOR_STATS_WINDOW_MS: positiveInt('MONITOR_STATS_WINDOW_MS', 15 * 60_000).refine((n) => n >= 1000, {
    message: 'MONITOR_STATS_WINDOW_MS must be at least 1000',
  }),
  MONITOR_HOST: z
    .string()
    .regex(
      /^[A-Za-z0-9.:_-]+$/,
      'MONITOR_HOST must be a host name or an IP address (0.0.0.0 for every interface)',
    )
    .default('127.0.0.1'),
  // a short token is a guessable token: refuse it rather than protect nothing
  MONITOR_TOKEN: secret('MONITOR_TOKEN'),
  MONITOR_OPERATOR_TOKEN: secret('MONITOR_OPERATOR_TOKEN'),
  MONITOR_UI_DIR: z.string().optional(),
});

/**
 * Reads the monitor's configuration from `env`, once.
 * @param defaultUiDir where the built UI is when `MONITOR_UI_DIR` is not set.
 * @throws ConfigError naming every variable at fault, the rule and the value, before anything connects.
 */
export function parseMonitorConfig(env: NodeJS.ProcessEnv, defaultUiDir: string): MonitorConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => {
      const variable = String(i.path[0] ?? '?');
      const raw = env[variable];
      const value = secretVariables.has(variable)
        ? '(hidden)'
        : raw === undefined
          ? undefined
          : redactSecrets(JSON.stringify(raw));
      const message = i.message.startsWith(variable) ? i.message : `${variable}: ${i.message}`;
      return `${message} (value: ${value ?? 'unset'})`;
    });
    throw new ConfigError(`saga-monitor refuses to start: ${problems.join('; ')}`, {
      variables: parsed.error.issues.map((i) => i.path[0]),
    });
  }
  const e = parsed.data;
  for (const [variable, topic] of [
    ['MONITOR_LIFECYCLE_TOPIC', e.MONITOR_LIFECYCLE_TOPIC],
    ['MONITOR_DEFINITIONS_TOPIC', e.MONITOR_DEFINITIONS_TOPIC],
  ] as const) {
    if (!e.MONITOR_TOPIC_PATTERN.test(topic)) {
      throw new ConfigError(
        `saga-monitor refuses to start: ${variable} (${topic}) does not match MONITOR_TOPIC_PATTERN (${e.MONITOR_TOPIC_PATTERN.source}), so it would never be read`,
        {
          variables: [variable],
        },
      );
    }
  }
  if (e.MONITOR_OPERATOR_TOKEN !== undefined && e.MONITOR_OPERATOR_TOKEN === e.MONITOR_TOKEN) {
    throw new ConfigError(
      'saga-monitor refuses to start: MONITOR_OPERATOR_TOKEN must differ from MONITOR_TOKEN (value: (hidden)), or every reader could operate',
      { variables: ['MONITOR_OPERATOR_TOKEN'] },
    );
  }
  // the operator and audit topics carry the same prefix as the lifecycle topic (DESIGN.md: one prefix per deployment)
  const frameworkPrefix = e.MONITOR_LIFECYCLE_TOPIC.endsWith(LIFECYCLE_TOPIC)
    ? e.MONITOR_LIFECYCLE_TOPIC.slice(0, -LIFECYCLE_TOPIC.length)
    : undefined;
  if (frameworkPrefix === undefined && e.MONITOR_OPERATOR_TOKEN !== undefined) {
    throw new ConfigError(
      `saga-monitor refuses to start: MONITOR_LIFECYCLE_TOPIC (${e.MONITOR_LIFECYCLE_TOPIC}) must end in ${LIFECYCLE_TOPIC} when MONITOR_OPERATOR_TOKEN is set, so the operator topics can be named with the same prefix`,
      { variables: ['MONITOR_LIFECYCLE_TOPIC'] },
    );
  }
  return Object.freeze({
    port: e.PORT,
    host: e.MONITOR_HOST,
    databaseUrl: e.DATABASE_URL,
    kafkaBrokers: Object.freeze(e.KAFKA_BROKERS),
    schemaRegistryUrl: e.SCHEMA_REGISTRY_URL.replace(/\/+$/, ''),
    topics: Object.freeze({
      lifecycle: e.MONITOR_LIFECYCLE_TOPIC,
      definitions: e.MONITOR_DEFINITIONS_TOPIC,
      pattern: e.MONITOR_TOPIC_PATTERN,
    }),
    groupId: e.MONITOR_GROUP_ID,
    stuckAfterMs: e.MONITOR_STUCK_AFTER_MS,
    flowStallMs: e.MONITOR_FLOW_STALL_MS,
    topicRefreshMs: e.MONITOR_TOPIC_REFRESH_MS,
    statsWindowMs: e.MONITOR_STATS_WINDOW_MS,
    token: e.MONITOR_TOKEN,
    operatorToken: e.MONITOR_OPERATOR_TOKEN,
    auditTopic: `${frameworkPrefix ?? ''}sagaflow.audit`,
    frameworkPrefix: frameworkPrefix ?? '',
    uiDir: e.MONITOR_UI_DIR ?? defaultUiDir,
  });
}
