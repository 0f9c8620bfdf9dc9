import { join } from 'node:path';
import { ConfigError } from '@sagaflow/outbox-relay';
import { parseMonitorConfig } from './config/monitor-config';
import { jsonLogger } from './logging/monitor-logger';
import { startMonitor } from './monitor';

/**
 * `node dist/main.js [--rebuild]`: the saga monitor. Configuration comes from the environment
 * (PORT, DATABASE_URL, KAFKA_BROKERS, SCHEMA_REGISTRY_URL, MONITOR_*); see docs/guides/monitor.md.
 */
async function main(): Promise<void> {
  const logger = jsonLogger();
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== '--rebuild');
  if (unknown.length > 0) {
    logger.log('error', `unknown argument ${unknown[0]} (usage: node dist/main.js [--rebuild])`);
    process.exit(2);
  }
  let config;
  try {
    config = parseMonitorConfig(process.env, join(__dirname, 'ui'));
  } catch (error) {
    if (error instanceof ConfigError) {
      logger.log('error', error.message);
      process.exit(1);
    }
    throw error;
  }
  const monitor = await startMonitor(config, { rebuild: args.includes('--rebuild'), logger });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log('info', 'stopping', { signal });
    monitor.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${JSON.stringify({ level: 'error', service: 'saga-monitor', message: 'failed to start', error: String(error) })}\n`,
  );
  process.exit(1);
});
