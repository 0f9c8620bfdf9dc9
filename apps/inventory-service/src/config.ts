import { z } from 'zod';
import { codecFrom, commonEnv, parseEnv } from '@sagaflow/service-kit';

/** The service name: the `source` header of what it writes and its Kafka consumer group. */
export const serviceName = 'inventory-service';

const schema = z.object({ ...commonEnv, PORT: commonEnv.PORT.default(3002) });

/** inventory-service's configuration, parsed once from the environment and frozen. */
export type InventoryConfig = ReturnType<typeof loadInventoryConfig>;

/**
 * Reads `PORT` (3002), `DATABASE_URL`, `KAFKA_BROKERS`, `SAGAFLOW_CODEC` (avro), `SCHEMA_REGISTRY_URL`
 * (required for avro), `LOG_LEVEL` (info), `SHUTDOWN_TIMEOUT` (20 s).
 * @throws ConfigError naming each variable at fault.
 */
export function loadInventoryConfig(env: NodeJS.ProcessEnv = process.env) {
  const parsed = parseEnv(schema, env);
  return Object.freeze({ ...parsed, codec: codecFrom(parsed) });
}
