import { runningPid } from './local-process';
import { kafkaClusterAddresses } from './kafka-cluster';
import { localKafkaAddress } from './local-kafka';
import { localRegistryUrl } from './local-registry';
import { probeKafka } from './probe-kafka';
import { probePostgres } from './probe-postgres';
import { probeRegistry } from './probe-registry';
import { loadStackConfig, type StackConfig } from './stack-config';
import { stackPaths } from './stack-paths';
import { redact } from './redact-url';

/** One part's state as `stack:status` prints it. */
export interface PartStatus {
  part: 'kafka' | 'schema-registry' | 'postgres';
  address: string;
  answers: boolean;
  /** pid when tools/stack started it, else how it is provided. */
  managedBy: string;
  log?: string;
  error?: string;
}

/** Probes each part where the current environment says it is. */
export async function stackStatus(config: StackConfig = loadStackConfig()): Promise<PartStatus[]> {
  const paths = stackPaths(config);
  const kafka = config.kafkaBrokersFromEnv
    ? [...config.kafkaBrokersFromEnv]
    : config.kafkaNodes > 1
      ? kafkaClusterAddresses(config.kafkaNodes)
      : [localKafkaAddress(config)];
  const registry = config.schemaRegistryUrlFromEnv ?? localRegistryUrl(config);
  const managed = (pidFile: string, fromEnv: boolean) => {
    if (fromEnv) return 'env var';
    const pid = runningPid(pidFile);
    return pid ? `tools/stack (pid ${pid})` : 'not started by tools/stack';
  };
  const probe = async (fn: () => Promise<unknown>) => {
    try {
      await fn();
      return { answers: true };
    } catch (error) {
      return { answers: false, error: error instanceof Error ? error.message : String(error) };
    }
  };
  const [k, r, p] = await Promise.all([
    probe(() => probeKafka(kafka)),
    probe(() => probeRegistry(registry)),
    probe(() => probePostgres(config.databaseUrl)),
  ]);
  return [
    {
      part: 'kafka',
      address: kafka.join(','),
      ...k,
      managedBy: managed(paths.kafkaPid, !!config.kafkaBrokersFromEnv),
      log: paths.kafkaLog,
    },
    {
      part: 'schema-registry',
      address: registry,
      ...r,
      managedBy: managed(paths.registryPid, !!config.schemaRegistryUrlFromEnv),
      log: paths.registryLog,
    },
    {
      part: 'postgres',
      address: redact(config.databaseUrl),
      ...p,
      managedBy: config.databaseUrlFromEnv ? 'env var' : 'the machine',
    },
  ];
}
