import { runningPid, stopProcess } from './local-process';
import { startKafkaBroker } from './kafka-broker-process';
import { mavenFetch } from './maven-fetch';
import type { StackConfig } from './stack-config';
import { stackPaths } from './stack-paths';

/** `host:port` of the broker tools/stack runs. */
export function localKafkaAddress(config: StackConfig): string {
  return `127.0.0.1:${config.kafkaPort}`;
}

/** Fetches the broker's jars through Maven once; resolves with their folder. */
export async function fetchKafkaJars(config: StackConfig): Promise<string> {
  const paths = stackPaths(config);
  await mavenFetch({
    part: 'kafka',
    pomPath: paths.kafkaPom,
    goal: 'dependency:copy-dependencies',
    outputDirectory: paths.kafkaLibs,
    properties: { 'kafka.version': config.kafkaVersion },
    logPath: paths.mavenLog,
  });
  return paths.kafkaLibs;
}

/**
 * Starts the stack's broker (KRaft, single node, on the configured port) unless it runs already;
 * resolves when it answers metadata requests.
 * @throws StackError naming the log when the broker does not come up within the deadline.
 */
export async function startLocalKafka(config: StackConfig): Promise<string> {
  const paths = stackPaths(config);
  return startKafkaBroker({
    libsDir: await fetchKafkaJars(config),
    dataDir: paths.kafkaData,
    propertiesPath: paths.kafkaProperties,
    log4jPath: paths.kafkaLog4j,
    logPath: paths.kafkaLog,
    pidFile: paths.kafkaPid,
    port: config.kafkaPort,
    controllerPort: config.kafkaControllerPort,
  });
}

/** Stops the broker tools/stack started. Resolves true when one ran. */
export function stopLocalKafka(config: StackConfig, graceMs?: number): Promise<boolean> {
  return stopProcess(stackPaths(config).kafkaPid, graceMs);
}

/** Whether the broker process tools/stack started is alive. */
export function localKafkaRunning(config: StackConfig): boolean {
  return runningPid(stackPaths(config).kafkaPid) !== undefined;
}
