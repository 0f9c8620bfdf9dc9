import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { runningPid, startDetached, stopProcess } from './local-process';
import { mavenFetch } from './maven-fetch';
import { probeKafka } from './probe-kafka';
import type { StackConfig } from './stack-config';
import { StackError } from './stack-error';
import { javaBinary, stackPaths } from './stack-paths';
import { waitFor } from './wait-for';

const startDeadlineMs = 90_000;

function brokerProperties(config: StackConfig, dataDir: string): string {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${config.kafkaControllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${config.kafkaPort},CONTROLLER://127.0.0.1:${config.kafkaControllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${config.kafkaPort}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${dataDir}`,
    'num.partitions=3',
    // a single node: every internal topic has one replica
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=10',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=5',
    // tests join and leave groups constantly; the default 3 s delay would slow every one of them
    'group.initial.rebalance.delay.ms=0',
    'log.retention.hours=24',
    '',
  ].join('\n');
}

const log4j = [
  'log4j.rootLogger=INFO, stdout',
  'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
  'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
  'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
  'log4j.logger.kafka=INFO',
  'log4j.logger.org.apache.kafka=INFO',
  '',
].join('\n');

/** `host:port` of the broker tools/stack runs. */
export function localKafkaAddress(config: StackConfig): string {
  return `127.0.0.1:${config.kafkaPort}`;
}

/**
 * Fetches the broker's jars through Maven (once), formats the KRaft log dir (once) and starts the broker
 * as a detached java process; resolves when it answers metadata requests.
 * @throws StackError naming the log when the broker does not come up within the deadline.
 */
export async function startLocalKafka(config: StackConfig): Promise<string> {
  const paths = stackPaths(config);
  const address = localKafkaAddress(config);
  if (runningPid(paths.kafkaPid) === undefined) {
    await mavenFetch({
      part: 'kafka',
      pomPath: paths.kafkaPom,
      goal: 'dependency:copy-dependencies',
      outputDirectory: paths.kafkaLibs,
      properties: { 'kafka.version': config.kafkaVersion },
      logPath: paths.mavenLog,
    });
    writeFileSync(paths.kafkaProperties, brokerProperties(config, paths.kafkaData));
    writeFileSync(paths.kafkaLog4j, log4j);
    const classpath = `${paths.kafkaLibs}/*`;
    const logConfig = `-Dlog4j.configuration=file:${paths.kafkaLog4j}`;
    if (!existsSync(join(paths.kafkaData, 'meta.properties'))) {
      const format = spawnSync(
        javaBinary(),
        [
          '-cp',
          classpath,
          logConfig,
          'kafka.tools.StorageTool',
          'format',
          '-t',
          randomUUID16(),
          '-c',
          paths.kafkaProperties,
        ],
        { encoding: 'utf8' },
      );
      if (format.status !== 0) {
        throw new StackError('kafka', `formatting the KRaft log dir ${paths.kafkaData} failed`, {
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
        paths.kafkaProperties,
      ],
      { pidFile: paths.kafkaPid, logPath: paths.kafkaLog },
    );
  }
  try {
    await waitFor(
      async () => {
        if (runningPid(paths.kafkaPid) === undefined) throw new Error('the broker process exited');
        return (await probeKafka([address])) > 0;
      },
      { timeoutMs: startDeadlineMs, intervalMs: 500, description: `Kafka at ${address} to answer` },
    );
  } catch (error) {
    throw new StackError('kafka', `the local broker did not become ready at ${address}`, {
      hint: `the end of the log; whether port ${config.kafkaPort} or ${config.kafkaControllerPort} is taken by another process`,
      logPath: paths.kafkaLog,
      cause: error,
    });
  }
  return address;
}

/** Stops the broker tools/stack started (tests use it to cause an outage). Resolves true when one ran. */
export function stopLocalKafka(config: StackConfig, graceMs?: number): Promise<boolean> {
  return stopProcess(stackPaths(config).kafkaPid, graceMs);
}

/** Whether the broker process tools/stack started is alive. */
export function localKafkaRunning(config: StackConfig): boolean {
  return runningPid(stackPaths(config).kafkaPid) !== undefined;
}

// KRaft wants a cluster id of 16 bytes in URL-safe base64 without padding
function randomUUID16(): string {
  return Buffer.from(randomUUID().replace(/-/g, ''), 'hex').toString('base64url');
}
