/**
 * tools/stack: real Kafka (KRaft), a real Confluent-compatible schema registry and PostgreSQL for dev,
 * tests and CI, plus the helpers suites use to isolate themselves on them.
 *
 * @example
 * const endpoints = await ensureStack();
 * const url = await createDatabase(endpoints.databaseUrl, uniqueDatabaseName('relay_spec'));
 */
export { ensureStack } from './ensure-stack';
export { stopStack } from './stop-stack';
export { stackStatus, type PartStatus } from './stack-status';
export { loadStackConfig, defaultDatabaseUrl, repoRoot, type StackConfig } from './stack-config';
export type { StackEndpoints, PartSource } from './stack-endpoints';
export { StackError, type StackPart } from './stack-error';
export { startLocalKafka, stopLocalKafka, localKafkaRunning, localKafkaAddress } from './local-kafka';
export { startIsolatedKafka, type IsolatedKafka } from './isolated-kafka';
export { createDatabase, dropDatabase, uniqueDatabaseName, databaseUrlFor } from './postgres-databases';
export { uniqueTopicName } from './kafka-topics';
export { waitFor, type WaitForOptions } from './wait-for';
export {
  startKafkaCluster,
  stopKafkaCluster,
  kafkaClusterRunning,
  kafkaClusterAddresses,
  defaultClusterBasePort,
  type KafkaCluster,
  type KafkaClusterOptions,
} from './kafka-cluster';
