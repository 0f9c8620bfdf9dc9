import { parseArgs } from 'node:util';
import type { LogLevel } from '../logging/relay-logger';

/** What the `sagaflow-relay` command line asks for. */
export interface RelayCliOptions {
  databaseUrl: string;
  brokers: string[];
  codec: { kind: 'avro'; registryUrl: string } | { kind: 'json' };
  catalog: string;
  batchSize?: number;
  pollIntervalMs?: number;
  metricsPort?: number;
  migrate: boolean;
  logLevel: LogLevel;
}

/** A wrong flag: the CLI prints it with the usage and exits with status 2. */
export class CliUsageError extends Error {
  constructor(
    readonly flag: string,
    message: string,
  ) {
    super(`${flag}: ${message}`);
    this.name = 'CliUsageError';
  }
}

/** The `--help` text. */
export const relayUsage = `Usage: sagaflow-relay --catalog <module> [options]

Publishes the database's sagaflow.outbox to Kafka (one active relay per database; start several for
failover). Settings fall back to the environment variables in brackets.

  --database-url <url>       PostgreSQL URL                               [DATABASE_URL]
  --brokers <host:port,...>  Kafka bootstrap brokers                      [KAFKA_BROKERS]
  --registry-url <url>       Confluent-compatible schema registry (Avro)  [SCHEMA_REGISTRY_URL]
  --json                     publish JSON values instead of Avro (no registry)
  --catalog <module>         module exporting the MessageType objects (or a MessageCatalog) to publish
  --batch-size <n>           most messages per Kafka batch (default 500)
  --poll-interval-ms <ms>    fallback poll when no NOTIFY arrives (default 1000)
  --metrics-port <port>      serve Prometheus metrics on http://0.0.0.0:<port>/metrics
  --migrate                  apply the outbox migrations before starting
  --log-level <level>        debug | info | warn | error (default info)
  --help                     show this text
`;

/**
 * Parses the command line (and the environment fallbacks). Pure: no I/O.
 * @returns `'help'` when help was asked for.
 * @throws CliUsageError naming the flag at fault.
 */
export function parseRelayArgs(
  argv: readonly string[],
  env: Record<string, string | undefined>,
): RelayCliOptions | 'help' {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        'database-url': { type: 'string' },
        brokers: { type: 'string' },
        'registry-url': { type: 'string' },
        json: { type: 'boolean' },
        catalog: { type: 'string' },
        'batch-size': { type: 'string' },
        'poll-interval-ms': { type: 'string' },
        'metrics-port': { type: 'string' },
        migrate: { type: 'boolean' },
        'log-level': { type: 'string' },
        help: { type: 'boolean' },
      },
    }));
  } catch (error) {
    const message = (error as Error).message;
    const flag = /'(-[^'\s]+)/.exec(message)?.[1] ?? 'arguments';
    throw new CliUsageError(flag, message);
  }
  if (values.help) return 'help';
  const str = (flag: string, envName?: string): string | undefined => {
    const v = (values[flag] as string | undefined) ?? (envName ? env[envName] : undefined);
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const required = (flag: string, envName?: string): string => {
    const v = str(flag, envName);
    if (v === undefined)
      throw new CliUsageError(`--${flag}`, `is required${envName ? ` (or set ${envName})` : ''}`);
    return v;
  };
  const int = (flag: string, min: number, max: number): number | undefined => {
    const v = str(flag);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new CliUsageError(`--${flag}`, `must be an integer from ${min} to ${max} (got "${v}")`);
    }
    return n;
  };

  const databaseUrl = required('database-url', 'DATABASE_URL');
  const brokers = required('brokers', 'KAFKA_BROKERS')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  const bad = brokers.find((b) => !/^[^\s:]+:\d{1,5}$/.test(b));
  if (bad !== undefined) throw new CliUsageError('--brokers', `each broker must be host:port (got "${bad}")`);
  const registryUrl = str('registry-url', 'SCHEMA_REGISTRY_URL');
  if (values.json && values['registry-url'] !== undefined) {
    throw new CliUsageError('--json', 'cannot be combined with --registry-url: choose Avro or JSON');
  }
  if (!values.json && registryUrl === undefined) {
    throw new CliUsageError(
      '--registry-url',
      'is required for Avro (or set SCHEMA_REGISTRY_URL, or pass --json)',
    );
  }
  const logLevel = str('log-level') ?? 'info';
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) {
    throw new CliUsageError('--log-level', `must be debug, info, warn or error (got "${logLevel}")`);
  }
  const options: RelayCliOptions = {
    databaseUrl,
    brokers,
    codec: values.json ? { kind: 'json' } : { kind: 'avro', registryUrl: registryUrl! },
    catalog: required('catalog'),
    migrate: values.migrate === true,
    logLevel: logLevel as LogLevel,
  };
  const batchSize = int('batch-size', 1, 10_000);
  const pollIntervalMs = int('poll-interval-ms', 1, 600_000);
  const metricsPort = int('metrics-port', 0, 65_535);
  if (batchSize !== undefined) options.batchSize = batchSize;
  if (pollIntervalMs !== undefined) options.pollIntervalMs = pollIntervalMs;
  if (metricsPort !== undefined) options.metricsPort = metricsPort;
  return options;
}
