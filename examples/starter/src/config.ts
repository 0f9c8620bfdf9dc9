import type { SagaflowConfig } from '@sagaflow/saga-core';
import { catalog } from './messages';

/**
 * The service's Sagaflow configuration from the environment. Sagaflow validates it at start-up and stops
 * with the setting's name when a value is wrong; it never falls back to a default broker or database.
 */
export function sagaflowConfig(env: NodeJS.ProcessEnv = process.env): SagaflowConfig {
  return {
    service: env.SERVICE_NAME ?? 'trip-service',
    databaseUrl: env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/trip_service',
    kafka: { brokers: (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',') },
    codec: { kind: 'avro', registryUrl: env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7' },
    catalog,
    // A new consumer group reads each topic from its start (the default): nothing written before the first
    // deployment is skipped. Set false for a service added to a running system that must ignore history.
    consumer: { fromBeginning: true },
  };
}
