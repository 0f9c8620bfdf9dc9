import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newKafkaClusterId } from './kafka-cluster-id';
import { runningPid, startDetached } from './local-process';
import { probeKafka } from './probe-kafka';
import { StackError } from './stack-error';
import { javaBinary } from './stack-paths';
import { waitFor } from './wait-for';

/** Where one single-node KRaft broker keeps everything, and the ports it listens on. */
export interface KafkaBrokerSpec {
  /** Folder of the broker's jars (fetched by Maven). */
  libsDir: string;
  dataDir: string;
  propertiesPath: string;
  log4jPath: string;
  logPath: string;
  pidFile: string;
  port: number;
  controllerPort: number;
  /** Set when the broker is one node of a KRaft cluster (see `kafka-cluster.ts`); a single node otherwise. */
  cluster?: KafkaClusterMember;
}

/** One node of a multi-node KRaft cluster: every node is broker and controller (combined mode). */
export interface KafkaClusterMember {
  /** 1, 2, 3, … unique in the cluster. */
  nodeId: number;
  /** `controller.quorum.voters`, e.g. `1@127.0.0.1:19093,2@127.0.0.1:19095,3@127.0.0.1:19097`. */
  voters: string;
  /** The same for every node; each node's log dir is formatted with it. */
  clusterId: string;
  /** Number of nodes: the replication factor of the internal topics and the topic default. */
  size: number;
}

const startDeadlineMs = 90_000;

function brokerProperties(spec: KafkaBrokerSpec): string {
  const c = spec.cluster;
  return [
    'process.roles=broker,controller',
    `node.id=${c?.nodeId ?? 1}`,
    `controller.quorum.voters=${c?.voters ?? `1@127.0.0.1:${spec.controllerPort}`}`,
    `listeners=PLAINTEXT://127.0.0.1:${spec.port},CONTROLLER://127.0.0.1:${spec.controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${spec.port}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${spec.dataDir}`,
    'num.partitions=3',
    ...(c ? clusterReplication(c.size) : singleNodeReplication),
    'offsets.topic.num.partitions=10',
    'transaction.state.log.num.partitions=5',
    // tests join and leave groups constantly; the default 3 s delay would slow every one of them
    'group.initial.rebalance.delay.ms=0',
    'log.retention.hours=24',
    '',
  ].join('\n');
}

// a single node: every internal topic has one replica
const singleNodeReplication = [
  'offsets.topic.replication.factor=1',
  'transaction.state.log.replication.factor=1',
  'transaction.state.log.min.isr=1',
];

// a cluster: internal topics and topics created without settings get up to 3 replicas, and a write
// acknowledged by all in-sync replicas needs two of them, so one node may die without losing a write
function clusterReplication(size: number): string[] {
  const rf = Math.min(size, 3);
  const minIsr = rf >= 3 ? 2 : 1;
  return [
    `offsets.topic.replication.factor=${rf}`,
    `transaction.state.log.replication.factor=${rf}`,
    `transaction.state.log.min.isr=${minIsr}`,
    `default.replication.factor=${rf}`,
    `min.insync.replicas=${minIsr}`,
    'unclean.leader.election.enable=false',
  ];
}

const log4j = [
  'log4j.rootLogger=INFO, stdout',
  'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
  'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
  'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
  '',
].join('\n');

/**
 * Formats the KRaft log dir (once) and starts the broker of `spec` as a detached java process unless it
 * runs already; resolves with `host:port` when it answers metadata requests.
 * @throws StackError naming the log when it does not come up within the deadline.
 */
export async function startKafkaBroker(spec: KafkaBrokerSpec): Promise<string> {
  launchKafkaBroker(spec);
  return awaitKafkaBroker(spec);
}

/**
 * Formats the KRaft log dir (once) and spawns the broker of `spec` unless it runs already, without
 * waiting: the nodes of a cluster must all be launched before any of them can elect a controller.
 * @throws StackError when formatting fails.
 */
export function launchKafkaBroker(spec: KafkaBrokerSpec): void {
  if (runningPid(spec.pidFile) === undefined) {
    writeFileSync(spec.propertiesPath, brokerProperties(spec));
    writeFileSync(spec.log4jPath, log4j);
    const classpath = `${spec.libsDir}/*`;
    const logConfig = `-Dlog4j.configuration=file:${spec.log4jPath}`;
    if (!existsSync(join(spec.dataDir, 'meta.properties'))) {
      const format = spawnSync(
        javaBinary(),
        [
          '-cp',
          classpath,
          logConfig,
          'kafka.tools.StorageTool',
          'format',
          '-t',
          spec.cluster?.clusterId ?? newKafkaClusterId(),
          '-c',
          spec.propertiesPath,
        ],
        { encoding: 'utf8' },
      );
      if (format.status !== 0) {
        throw new StackError('kafka', `formatting the KRaft log dir ${spec.dataDir} failed`, {
          hint: 'that `java -version` says 17 or newer; the output was: ' + (format.stderr || format.stdout),
        });
      }
    }
    startDetached(
      javaBinary(),
      [
        '-Xms256m',
        '-Xmx1g',
        '-XX:+UseG1GC',
        '-Djava.awt.headless=true',
        logConfig,
        '-cp',
        classpath,
        'kafka.Kafka',
        spec.propertiesPath,
      ],
      { pidFile: spec.pidFile, logPath: spec.logPath },
    );
  }
}

/**
 * Resolves with `host:port` once the broker of `spec` answers metadata requests.
 * @throws StackError naming the log when it does not within the deadline, or at once when its process exits.
 */
export async function awaitKafkaBroker(spec: KafkaBrokerSpec): Promise<string> {
  const address = `127.0.0.1:${spec.port}`;
  try {
    await waitFor(
      async () => {
        if (runningPid(spec.pidFile) === undefined) throw new Error('the broker process exited');
        return (await probeKafka([address])) > 0;
      },
      { timeoutMs: startDeadlineMs, intervalMs: 500, description: `Kafka at ${address} to answer` },
    );
  } catch (error) {
    throw new StackError('kafka', `the local broker did not become ready at ${address}`, {
      hint: `the end of the log; whether port ${spec.port} or ${spec.controllerPort} is taken by another process`,
      logPath: spec.logPath,
      cause: error,
    });
  }
  return address;
}
