import { ConfigError } from '@sagaflow/outbox-relay';
import { z } from 'zod';

/** Environment variables every demo service reads, as zod rules that say what a good value looks like. */
export const commonEnv = {
  PORT: z.coerce
    .number('must be an integer between 1 and 65535')
    .int('must be an integer')
    .min(1, 'must be between 1 and 65535')
    .max(65535, 'must be between 1 and 65535'),
  DATABASE_URL: z
    .string('must be a postgres:// URL of the service’s own database')
    .trim()
    .refine(
      (v) => /^postgres(ql)?:\/\/.+/.test(v),
      'must be a postgres:// URL of the service’s own database',
    ),
  KAFKA_BROKERS: z
    .string('must be a comma-separated list of host:port')
    .trim()
    .transform((v) => v.split(',').map((b) => b.trim()))
    .refine(
      (list) => list.length > 0 && list.every((b) => /^[\w.-]+:\d{1,5}$/.test(b)),
      'must be a comma-separated list of host:port',
    ),
  SAGAFLOW_CODEC: z.enum(['avro', 'json'], 'must be avro or json').default('avro'),
  SCHEMA_REGISTRY_URL: z.url('must be an http(s) URL of a Confluent-compatible registry').optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error'], 'must be debug, info, warn or error').default('info'),
  /** Base URL of an OTLP/HTTP collector: set, the service exports its spans there (`/v1/traces`). */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url('must be an http(s) URL of an OTLP/HTTP collector').optional(),
  /** Seconds to wait for in-flight work on SIGTERM before exiting anyway. */
  SHUTDOWN_TIMEOUT: z.coerce
    .number('must be an integer number of seconds')
    .int('must be an integer number of seconds')
    .min(1, 'must be ≥ 1')
    .default(20),
} as const;

/** A duration in env: milliseconds (`2500`) or `250ms`, `10s`, `5m`. */
export const durationEnv = z
  .string('must be a positive duration such as 10s, 500ms or 2m')
  .trim()
  .refine(
    (v) => /^\d+(\.\d+)?(ms|s|m)?$/.test(v) && toMs(v) > 0,
    'must be a positive duration such as 10s, 500ms or 2m',
  )
  .transform(toMs);

function toMs(v: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(v);
  if (!m) return NaN;
  return Number(m[1]) * ({ ms: 1, s: 1000, m: 60_000 } as const)[(m[2] ?? 'ms') as 'ms' | 's' | 'm'];
}

/**
 * Parses `env` with `schema` into a frozen object, or throws one {@link ConfigError} naming every
 * variable at fault, its rule and the value given (passwords in URLs masked).
 */
export function parseEnv<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv): Readonly<z.output<S>> {
  // an empty variable means "not set", so defaults apply and required ones are reported missing
  const given = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const result = schema.safeParse(given);
  if (result.success) return Object.freeze(result.data);
  const faults = result.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? '(environment)');
    const value = given[name];
    const shown = value === undefined ? 'it is not set' : `got ${JSON.stringify(mask(value))}`;
    return `${name} ${issue.message} (${shown})`;
  });
  throw new ConfigError(`invalid configuration: ${faults.join('; ')}`, {
    variables: result.error.issues.map((i) => i.path[0]),
  });
}

/** The codec setting `SagaflowModule.forRoot` takes, with the registry URL required for Avro. */
export function codecFrom(env: {
  SAGAFLOW_CODEC: 'avro' | 'json';
  SCHEMA_REGISTRY_URL?: string | undefined;
}): { kind: 'avro'; registryUrl: string } | { kind: 'json' } {
  if (env.SAGAFLOW_CODEC === 'json') return { kind: 'json' };
  if (!env.SCHEMA_REGISTRY_URL) {
    throw new ConfigError(
      'invalid configuration: SCHEMA_REGISTRY_URL must be set when SAGAFLOW_CODEC is avro (the default); set it, or set SAGAFLOW_CODEC=json to run without a registry',
      {
        variables: ['SCHEMA_REGISTRY_URL'],
      },
    );
  }
  return { kind: 'avro', registryUrl: env.SCHEMA_REGISTRY_URL };
}

function mask(value: string): string {
  return value.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}
