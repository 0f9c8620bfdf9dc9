import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { awaitKafkaBroker, launchKafkaBroker, type KafkaBrokerSpec } from './kafka-broker-process';
import { newKafkaClusterId } from './kafka-cluster-id';
import { fetchKafkaJars } from './local-kafka';
import { killProcess, runningPid, stopProcess } from './local-process';
import { probeKafka } from './probe-kafka';
import { loadStackConfig, type StackConfig } from './stack-config';
import { StackError } from './stack-error';
import { clusterBrokerPaths, clusterIdFile } from './stack-paths';
import { waitFor } from './wait-for';

/** First port of the stack's cluster: node n listens on 19090 + 2n, its controller on 19091 + 2n. */
export const defaultClusterBasePort = 19092;

/** How to run a local Kafka cluster. */
export interface KafkaClusterOptions {
  /** Nodes (default 3). Each is broker and controller; a majority of them must run for the cluster to work. */
  size?: number;
  /** Node 1 listens on `basePort` (controller `basePort + 1`), node 2 on `basePort + 2`, … (default 19092). */
  basePort?: number;
  /**
   * Keep the data of a cluster this call starts, and leave it running on {@link KafkaCluster.close}
   * (the stack's cluster mode). Default false: a cluster a suite starts begins empty and is deleted after.
   */
  keep?: boolean;
  config?: StackConfig;
}

/** A local multi-node KRaft cluster whose nodes a test can kill and start one by one. */
export interface KafkaCluster {
  /** `host:port` of every node, node 1 first. */
  readonly brokers: readonly string[];
  readonly size: number;
  /** Whether node `nodeId` (1…size) runs. */
  running(nodeId: number): boolean;
  /** kill -9 of node `nodeId`: no controlled shutdown, its partitions' leadership moves when the controller notices. */
  kill(nodeId: number): Promise<void>;
  /** SIGTERM (controlled shutdown: leadership handed over first), SIGKILL after 15 s. */
  stop(nodeId: number): Promise<void>;
  /** Starts node `nodeId` again on its ports and data; resolves when it answers (it then rejoins the ISRs). */
  start(nodeId: number): Promise<void>;
  /** Resolves when every node runs and the metadata lists them all. */
  waitAllUp(timeoutMs?: number): Promise<void>;
  /**
   * Stops every node this call started and deletes their data, unless `keep` (a cluster found running is
   * left as it was found).
   */
  close(): Promise<void>;
}

/**
 * Starts (or finds running) a KRaft cluster of `size` nodes as separate java processes on this machine,
 * from the same jars as the stack's single broker, with data, logs and pid files under the stack dir.
 * Internal topics and topics created without settings get 3 replicas and `min.insync.replicas` 2.
 * Ports 19092–19097 by default, clear of the stack's single broker (9092/9093).
 * @throws StackError naming a node's log when the cluster does not come up.
 */
export async function startKafkaCluster(options: KafkaClusterOptions = {}): Promise<KafkaCluster> {
  const config = options.config ?? loadStackConfig();
  const size = options.size ?? 3;
  const basePort = options.basePort ?? defaultClusterBasePort;
  const libsDir = await fetchKafkaJars(config);
  const nodes = Array.from({ length: size }, (_, i) => i + 1);
  const port = (id: number) => basePort + 2 * (id - 1);
  const voters = nodes.map((id) => `${id}@127.0.0.1:${port(id) + 1}`).join(',');
  const idFile = clusterIdFile(config, basePort);
  const specs = new Map<number, KafkaBrokerSpec>();
  const foundRunning = nodes.every((id) => runningPid(clusterBrokerPaths(config, basePort, id).pidFile));
  if (!foundRunning && !options.keep) {
    // what a crashed earlier run left behind: a suite's cluster starts empty
    for (const id of nodes) await stopProcess(clusterBrokerPaths(config, basePort, id).pidFile, 5_000);
    rmSync(dirname(idFile), { recursive: true, force: true });
  }
  const clusterId = readOrCreateClusterId(idFile);
  for (const id of nodes) {
    specs.set(id, {
      libsDir,
      ...clusterBrokerPaths(config, basePort, id),
      port: port(id),
      controllerPort: port(id) + 1,
      cluster: { nodeId: id, voters, clusterId, size },
    });
  }
  const spec = (id: number): KafkaBrokerSpec => {
    const s = specs.get(id);
    if (!s) throw new Error(`the cluster has nodes 1…${size}, not ${id}`);
    return s;
  };
  const brokers = nodes.map((id) => `127.0.0.1:${port(id)}`);
  const waitAllUp = async (timeoutMs = 120_000) => {
    try {
      await waitFor(async () => (await probeKafka(brokers).catch(() => 0)) === size, {
        timeoutMs,
        intervalMs: 500,
        description: `all ${size} Kafka nodes to be in the cluster's metadata`,
      });
    } catch (error) {
      throw new StackError('kafka', `the Kafka cluster at ${brokers.join(',')} did not come up`, {
        hint: `the node logs; whether ports ${basePort}–${port(size) + 1} are taken by another process`,
        logPath: spec(1).logPath,
        cause: error,
      });
    }
  };

  // every node first, then wait: no node is ready before a majority of controllers runs
  for (const id of nodes) launchKafkaBroker(spec(id));
  try {
    await Promise.all(nodes.map((id) => awaitKafkaBroker(spec(id))));
    await waitAllUp();
  } catch (error) {
    if (!foundRunning) for (const id of nodes) await stopProcess(spec(id).pidFile, 5_000);
    throw error;
  }

  return {
    brokers,
    size,
    running: (id) => runningPid(spec(id).pidFile) !== undefined,
    kill: async (id) => void (await killProcess(spec(id).pidFile)),
    stop: async (id) => void (await stopProcess(spec(id).pidFile)),
    start: async (id) => {
      launchKafkaBroker(spec(id));
      await awaitKafkaBroker(spec(id));
    },
    waitAllUp,
    close: async () => {
      if (foundRunning || options.keep) return;
      await Promise.all(nodes.map((id) => stopProcess(spec(id).pidFile, 10_000)));
      rmSync(dirname(idFile), { recursive: true, force: true });
    },
  };
}

/** Whether every node of the cluster at `basePort` runs (started by tools/stack). */
export function kafkaClusterRunning(
  config: StackConfig,
  size = 3,
  basePort = defaultClusterBasePort,
): boolean {
  return Array.from({ length: size }, (_, i) => i + 1).every(
    (id) => runningPid(clusterBrokerPaths(config, basePort, id).pidFile) !== undefined,
  );
}

/** Stops every node of the cluster at `basePort` (data kept). Resolves true when one ran. */
export async function stopKafkaCluster(
  config: StackConfig,
  size = 3,
  basePort = defaultClusterBasePort,
): Promise<boolean> {
  const stopped = await Promise.all(
    Array.from({ length: size }, (_, i) =>
      stopProcess(clusterBrokerPaths(config, basePort, i + 1).pidFile, 15_000),
    ),
  );
  return stopped.some(Boolean);
}

function readOrCreateClusterId(file: string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dirname(file), { recursive: true });
  const id = newKafkaClusterId();
  writeFileSync(file, id);
  return id;
}

/** Brokers of the cluster at `basePort`, node 1 first. */
export function kafkaClusterAddresses(size = 3, basePort = defaultClusterBasePort): string[] {
  return Array.from({ length: size }, (_, i) => `127.0.0.1:${basePort + 2 * i}`);
}
