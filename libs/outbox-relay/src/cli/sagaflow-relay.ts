#!/usr/bin/env node
import { once } from 'node:events';
import { ConfigError, SagaflowError } from '../errors/sagaflow-error';
import { jsonLogger } from '../logging/relay-logger';
import { outboxMigrations } from '../migrations/outbox-migrations';
import { runMigrations } from '../migrations/run-migrations';
import { OutboxRelay } from '../relay/outbox-relay';
import { loadCatalog } from './load-catalog';
import { CliUsageError, parseRelayArgs, relayUsage } from './parse-relay-args';
import { serveMetrics } from './serve-metrics';

// config settings the CLI sets, by the flag that sets them, so a ConfigError names what the user typed
const flagOf: Record<string, string> = {
  databaseUrl: '--database-url',
  brokers: '--brokers',
  'codec.registryUrl': '--registry-url',
  batchSize: '--batch-size',
  pollIntervalMs: '--poll-interval-ms',
};

/** Runs the relay until SIGTERM/SIGINT. @returns the exit status: 0 done, 2 bad usage or config, 1 failure. */
export async function main(
  argv: readonly string[],
  env: Record<string, string | undefined>,
): Promise<number> {
  let relay: OutboxRelay;
  let options;
  try {
    options = parseRelayArgs(argv, env);
    if (options === 'help') {
      process.stdout.write(relayUsage);
      return 0;
    }
    const catalog = await loadCatalog(options.catalog);
    relay = new OutboxRelay({
      databaseUrl: options.databaseUrl,
      brokers: options.brokers,
      codec: options.codec,
      catalog,
      logger: jsonLogger({ level: options.logLevel }),
      ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
      ...(options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }),
    });
  } catch (error) {
    if (error instanceof CliUsageError) {
      process.stderr.write(`sagaflow-relay: ${error.message}\n\n${relayUsage}`);
      return 2;
    }
    if (error instanceof ConfigError) {
      const setting = String(error.context.setting ?? '');
      const flag = flagOf[setting];
      process.stderr.write(`sagaflow-relay: ${flag ? `${flag}: ` : ''}${error.message}\n`);
      return 2;
    }
    throw error;
  }
  if (options.migrate) await runMigrations(options.databaseUrl, [outboxMigrations]);
  await relay.start();
  const server =
    options.metricsPort === undefined ? undefined : await serveMetrics(relay, options.metricsPort);
  await Promise.race([once(process, 'SIGTERM'), once(process, 'SIGINT')]);
  server?.close();
  await relay.stop();
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2), process.env).then(
    (code) => process.exit(code),
    (error: unknown) => {
      const code = error instanceof SagaflowError ? error.code : 'FAILED';
      process.stderr.write(`sagaflow-relay: [${code}] ${(error as Error)?.message ?? String(error)}\n`);
      process.exit(1);
    },
  );
}
