import { resolve } from 'node:path';
import { z } from 'zod';

/** Repository root, found from this file's place in tools/stack/src. */
export const repoRoot = resolve(__dirname, '..', '..', '..');

const envSchema = z.object({
  KAFKA_BROKERS: z
    .string()
    .trim()
    .min(1, 'KAFKA_BROKERS must list at least one host:port')
    .regex(/^[^\s,:]+:\d+(,[^\s,:]+:\d+)*$/, 'KAFKA_BROKERS must be comma-separated host:port pairs')
    .optional(),
  SCHEMA_REGISTRY_URL: z.url({ message: 'SCHEMA_REGISTRY_URL must be an http(s) URL' }).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres:// URL')
    .optional(),
  SAGAFLOW_STACK_DIR: z.string().min(1).optional(),
  SAGAFLOW_KAFKA_VERSION: z
    .string()
    .regex(/^\d+\.\d+\.\d+$/, 'SAGAFLOW_KAFKA_VERSION must look like 3.9.1')
    .optional(),
  SAGAFLOW_STACK_DOCKER: z.enum(['auto', 'off']).optional(),
  SAGAFLOW_STACK_BROKERS: z
    .enum(['1', '3'], { message: 'SAGAFLOW_STACK_BROKERS must be 1 (one broker) or 3 (a cluster)' })
    .optional(),
});

/** Where and how the stack finds or starts its parts; parsed once from the environment. */
export interface StackConfig {
  /** Set when KAFKA_BROKERS is given: used as is, nothing is started. */
  readonly kafkaBrokersFromEnv: readonly string[] | undefined;
  readonly schemaRegistryUrlFromEnv: string | undefined;
  /** DATABASE_URL, or the machine's PostgreSQL. */
  readonly databaseUrl: string;
  readonly databaseUrlFromEnv: boolean;
  /** Cache for fetched jars, broker data, logs and pid files. */
  readonly stackDir: string;
  readonly kafkaVersion: string;
  readonly apicurioVersion: string;
  readonly kafkaPort: number;
  readonly kafkaControllerPort: number;
  readonly registryPort: number;
  /** Whether Testcontainers may be used when a Docker engine answers. */
  readonly docker: 'auto' | 'off';
  /**
   * Kafka nodes the stack runs: 1 (the broker on 9092) or 3 (cluster mode: a KRaft cluster on
   * 19092–19097 as local processes; see `kafka-cluster.ts`). From SAGAFLOW_STACK_BROKERS, default 1.
   */
  readonly kafkaNodes: 1 | 3;
}

/** The default database when DATABASE_URL is not set. */
export const defaultDatabaseUrl = 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * Parses the stack's environment variables.
 * @throws Error naming the variable and the rule it breaks.
 */
export function loadStackConfig(env: NodeJS.ProcessEnv = process.env): StackConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`tools/stack: invalid environment: ${issues}`);
  }
  const e = parsed.data;
  return Object.freeze({
    kafkaBrokersFromEnv: e.KAFKA_BROKERS ? Object.freeze(e.KAFKA_BROKERS.split(',')) : undefined,
    schemaRegistryUrlFromEnv: e.SCHEMA_REGISTRY_URL?.replace(/\/+$/, ''),
    databaseUrl: e.DATABASE_URL ?? defaultDatabaseUrl,
    databaseUrlFromEnv: e.DATABASE_URL !== undefined,
    stackDir: resolve(e.SAGAFLOW_STACK_DIR ?? resolve(repoRoot, '.stack')),
    kafkaVersion: e.SAGAFLOW_KAFKA_VERSION ?? '3.9.1',
    apicurioVersion: '3.0.9',
    kafkaPort: 9092,
    kafkaControllerPort: 9093,
    registryPort: 8081,
    docker: e.SAGAFLOW_STACK_DOCKER ?? 'auto',
    kafkaNodes: e.SAGAFLOW_STACK_BROKERS === '3' ? 3 : 1,
  });
}
