/**
 * @sagaflow/service-kit — the plumbing the demo services share and that is not Sagaflow itself: the
 * environment parsed before Nest starts, one JSON log line per event with the correlation id, `/health`
 * and `/metrics`, the service's own database with versioned migrations, zod validation of HTTP input,
 * and the bootstrap with graceful shutdown. `libs/saga-core` and `libs/outbox-relay` never import it.
 *
 * @example
 * // main.ts
 * void bootstrapService('inventory-service', () => loadInventoryConfig(), (config, logger) =>
 *   AppModule.forRoot(config, logger));
 * // app.module.ts imports
 * DatabaseModule.forRoot({ url: config.DATABASE_URL, schema: 'inventory', migrations }), PlatformModule
 */
/** Starts a service: config first (exit 1 naming the variable), then Nest with JSON logs and shutdown hooks. */
export { bootstrapService, type BootstrapConfig } from './bootstrap';
/** Registers the OpenTelemetry SDK exporting OTLP/HTTP (what bootstrapService does when the endpoint is set). */
export { startTracing, type Tracing } from './tracing/start-tracing';
/** zod rules for the variables every service reads, a duration rule, and the parser that names faults. */
export { commonEnv, durationEnv, parseEnv, codecFrom } from './config/env-config';
/** One JSON object per log line, for Nest and for Sagaflow. */
export { JsonLogger, type LogLevel, type StructuredLogger } from './logging/json-logger';
/** Injection token of the app's {@link JsonLogger}. */
export { APP_LOGGER } from './logging/app-logger';
/** The correlation id of the request or message in hand, carried through async calls. */
export {
  correlationHeader,
  currentCorrelationId,
  withCorrelation,
  CorrelationMiddleware,
} from './logging/correlation';
/** The service's own pool (token {@link PG_POOL}), migrated before start-up completes. */
export { DatabaseModule, PG_POOL, type DatabaseOptions } from './database/database.module';
/** Versioned SQL migrations of a service's own schema, under an advisory lock. */
export { runServiceMigrations, type ServiceMigration } from './database/run-migrations';
/** `/health`, `/metrics`, correlation ids and HTTP timings for a service. */
export { PlatformModule } from './http/platform.module';
/** The app's own Prometheus registry (process metrics, HTTP timings). */
export { AppMetrics } from './http/app-metrics';
/** The controllers {@link PlatformModule} mounts, for apps that wire them themselves. */
export { HealthController } from './http/health.controller';
export { MetricsController } from './http/metrics.controller';
export { HttpMetricsMiddleware } from './http/http-metrics.middleware';
/** 400 naming each field at fault, from a zod schema. */
export { ZodValidationPipe } from './http/zod-validation.pipe';
