import { z } from 'zod';
import { codecFrom, commonEnv, durationEnv, parseEnv } from '@sagaflow/service-kit';

/** The service name: the `source` header of what it writes and its Kafka consumer group. */
export const serviceName = 'order-service';

const schema = z.object({
  ...commonEnv,
  PORT: commonEnv.PORT.default(3001),
  /** How long the saga waits for inventory's and payment's replies before compensating. */
  ORDER_STEP_TIMEOUT: durationEnv.default(10_000),
  /** How long it waits for a compensation's confirmation before sending it again. */
  ORDER_COMPENSATION_TIMEOUT: durationEnv.default(30_000),
});

/** order-service's configuration, parsed once from the environment and frozen. */
export type OrderConfig = ReturnType<typeof loadOrderConfig>;

/**
 * Reads `PORT` (3001), `DATABASE_URL`, `KAFKA_BROKERS`, `SAGAFLOW_CODEC` (avro), `SCHEMA_REGISTRY_URL`
 * (required for avro), `LOG_LEVEL` (info), `SHUTDOWN_TIMEOUT` (20 s), `ORDER_STEP_TIMEOUT` (10s),
 * `ORDER_COMPENSATION_TIMEOUT` (30s).
 * @throws ConfigError naming each variable at fault.
 */
export function loadOrderConfig(env: NodeJS.ProcessEnv = process.env) {
  const parsed = parseEnv(schema, env);
  return Object.freeze({ ...parsed, codec: codecFrom(parsed) });
}
