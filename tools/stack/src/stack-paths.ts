import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, type StackConfig } from './stack-config';

/** Where each part keeps its cache, data, log and pid file under the stack directory. */
export interface StackPaths {
  kafkaLibs: string;
  kafkaData: string;
  kafkaProperties: string;
  kafkaLog4j: string;
  kafkaLog: string;
  kafkaPid: string;
  registryHome: string;
  registryLog: string;
  registryPid: string;
  mavenLog: string;
  endpointsFile: string;
  kafkaPom: string;
  registryPom: string;
}

/** Paths for `config`, creating the folders they live in. */
export function stackPaths(config: StackConfig): StackPaths {
  const dir = config.stackDir;
  for (const sub of ['cache', 'data', 'logs', 'run']) mkdirSync(join(dir, sub), { recursive: true });
  return {
    kafkaLibs: join(dir, 'cache', `kafka-${config.kafkaVersion}`),
    kafkaData: join(dir, 'data', `kafka-${config.kafkaVersion}`),
    kafkaProperties: join(dir, 'run', 'kafka.properties'),
    kafkaLog4j: join(dir, 'run', 'kafka-log4j.properties'),
    kafkaLog: join(dir, 'logs', 'kafka.log'),
    kafkaPid: join(dir, 'run', 'kafka.pid'),
    registryHome: join(dir, 'cache', `apicurio-${config.apicurioVersion}`),
    registryLog: join(dir, 'logs', 'schema-registry.log'),
    registryPid: join(dir, 'run', 'schema-registry.pid'),
    mavenLog: join(dir, 'logs', 'maven.log'),
    endpointsFile: join(dir, 'run', 'endpoints.json'),
    kafkaPom: join(repoRoot, 'tools', 'stack', 'maven', 'kafka', 'pom.xml'),
    registryPom: join(repoRoot, 'tools', 'stack', 'maven', 'registry', 'pom.xml'),
  };
}

/** The java binary: JAVA_HOME's when set, else the one on PATH. */
export function javaBinary(): string {
  return process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

/** Where node `nodeId` of the stack's Kafka cluster (cluster mode) keeps its data, log and pid file. */
export interface ClusterBrokerPaths {
  dataDir: string;
  propertiesPath: string;
  log4jPath: string;
  logPath: string;
  pidFile: string;
}

/**
 * Paths of node `nodeId` (1, 2, 3) of the cluster whose first port is `basePort`, under the stack
 * directory: `data/kafka-cluster-<basePort>/node-<id>`, `logs/kafka-cluster-<basePort>-<id>.log`, `run/…`.
 */
export function clusterBrokerPaths(
  config: StackConfig,
  basePort: number,
  nodeId: number,
): ClusterBrokerPaths {
  const dir = config.stackDir;
  for (const sub of ['data', 'logs', 'run']) mkdirSync(join(dir, sub), { recursive: true });
  const name = `kafka-cluster-${basePort}`;
  return {
    dataDir: join(dir, 'data', name, `node-${nodeId}`),
    propertiesPath: join(dir, 'run', `${name}-${nodeId}.properties`),
    log4jPath: join(dir, 'run', `${name}-log4j.properties`),
    logPath: join(dir, 'logs', `${name}-${nodeId}.log`),
    pidFile: join(dir, 'run', `${name}-${nodeId}.pid`),
  };
}

/** The cluster id file of the cluster whose first port is `basePort` (all nodes are formatted with it). */
export function clusterIdFile(config: StackConfig, basePort: number): string {
  return join(config.stackDir, 'data', `kafka-cluster-${basePort}`, 'cluster.id');
}
