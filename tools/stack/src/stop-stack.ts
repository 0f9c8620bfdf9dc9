import { rmSync } from 'node:fs';
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
  const [kafka, registry] = await Promise.all([stopLocalKafka(config), stopLocalRegistry(config)]);
  rmSync(stackPaths(config).endpointsFile, { force: true });
  return { kafka, registry };
}
