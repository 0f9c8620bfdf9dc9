import { rmSync } from 'node:fs';
import { stopKafkaCluster } from './kafka-cluster';
import { stopLocalKafka } from './local-kafka';
import { stopLocalRegistry } from './local-registry';
import { loadStackConfig, type StackConfig } from './stack-config';
import { stackPaths } from './stack-paths';

/**
 * Stops what tools/stack started as local processes (never what it found running or what env vars name).
 * Data and fetched jars stay in the stack directory for the next `up`.
 */
export async function stopStack(
  config: StackConfig = loadStackConfig(),
): Promise<{ kafka: boolean; registry: boolean }> {
  const [kafka, cluster, registry] = await Promise.all([
    stopLocalKafka(config),
    // cluster mode's nodes, only when asked for: SAGAFLOW_STACK_BROKERS=3 npm run stack:down
    config.kafkaNodes > 1 ? stopKafkaCluster(config, config.kafkaNodes) : false,
    stopLocalRegistry(config),
  ]);
  rmSync(stackPaths(config).endpointsFile, { force: true });
  return { kafka: kafka || cluster, registry };
}
