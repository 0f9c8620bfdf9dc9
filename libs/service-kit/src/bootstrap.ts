import 'reflect-metadata';
import { type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { JsonLogger, type LogLevel } from './logging/json-logger';
import { startTracing } from './tracing/start-tracing';
import { TracingShutdownModule } from './tracing/tracing-shutdown.module';

/** The settings every service's bootstrap needs from its config. */
export interface BootstrapConfig {
  PORT: number;
  LOG_LEVEL: LogLevel;
  SHUTDOWN_TIMEOUT: number;
  /** When set, the process exports its spans as OTLP/HTTP to this base URL. */
  OTEL_EXPORTER_OTLP_ENDPOINT?: string | undefined;
}

/**
 * Starts a demo service: parses its configuration first (a bad value stops the process with exit code 1
 * and one line naming the variable, before anything connects), then the Nest application with JSON logs
 * and shutdown hooks, listening on `PORT`. With `OTEL_EXPORTER_OTLP_ENDPOINT` the tracing SDK is registered
 * first, so every span of the start-up is recorded, and flushed after everything else has shut down.
 * @param loadConfig parses the environment; throws ConfigError naming the variable
 * @param appModule the root module for that configuration
 */
export async function bootstrapService<C extends BootstrapConfig>(
  service: string,
  loadConfig: () => C,
  appModule: (config: C, logger: JsonLogger) => DynamicModule,
): Promise<void> {
  let config: C;
  try {
    config = loadConfig();
  } catch (e) {
    new JsonLogger(service).error(`${service} refuses to start: ${(e as Error).message}`, {
      code: (e as { code?: string }).code,
    });
    process.exitCode = 1;
    return;
  }
  const logger = new JsonLogger(service, config.LOG_LEVEL);
  try {
    const endpoint = config.OTEL_EXPORTER_OTLP_ENDPOINT;
    const root = endpoint
      ? TracingShutdownModule.around(appModule(config, logger), startTracing(service, endpoint))
      : appModule(config, logger);
    const app = await NestFactory.create(root, { logger, abortOnError: false });
    app.enableShutdownHooks();
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        logger.info('shutting down: finishing in-flight work', {
          signal,
          timeoutSeconds: config.SHUTDOWN_TIMEOUT,
        });
        // a handler stuck on a dead broker must not keep an orchestrator waiting forever
        setTimeout(() => {
          logger.error('shutdown timed out; exiting', { timeoutSeconds: config.SHUTDOWN_TIMEOUT });
          process.exit(1);
        }, config.SHUTDOWN_TIMEOUT * 1000).unref();
      });
    }
    await app.listen(config.PORT, '0.0.0.0');
    logger.info(`${service} listening`, { port: config.PORT });
  } catch (e) {
    logger.error(`${service} failed to start: ${(e as Error).message}`, { error: e });
    process.exit(1);
  }
}
