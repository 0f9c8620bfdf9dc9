import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKafkaBroker, type KafkaBrokerSpec } from './kafka-broker-process';
import { fetchKafkaJars } from './local-kafka';
import { stopProcess } from './local-process';
import { loadStackConfig } from './stack-config';

/** A broker of one test's own: stopping it (an outage test) disturbs nobody else. */
export interface IsolatedKafka {
  brokers: string[];
  /** Stops the broker (SIGTERM, then SIGKILL); its data stays for {@link IsolatedKafka.start}. */
  stop(): Promise<void>;
  /** Starts it again on the same ports and data. */
  start(): Promise<void>;
  /** Stops it for good and deletes its data. */
  close(): Promise<void>;
}

/**
 * Starts a private single-node KRaft broker on free ports with its data in a temporary folder, from the
 * same jars as the stack's broker. Suites that must break a broker use this, never the shared one.
 */
export async function startIsolatedKafka(): Promise<IsolatedKafka> {
  const libsDir = await fetchKafkaJars(loadStackConfig());
  const dir = mkdtempSync(join(tmpdir(), 'sagaflow-kafka-'));
  const [port, controllerPort] = [await freePort(), await freePort()];
  const spec: KafkaBrokerSpec = {
    libsDir,
    dataDir: join(dir, 'data'),
    propertiesPath: join(dir, 'server.properties'),
    log4jPath: join(dir, 'log4j.properties'),
    logPath: join(dir, 'kafka.log'),
    pidFile: join(dir, 'kafka.pid'),
    port,
    controllerPort,
  };
  const address = await startKafkaBroker(spec);
  return {
    brokers: [address],
    stop: async () => void (await stopProcess(spec.pidFile)),
    start: async () => void (await startKafkaBroker(spec)),
    close: async () => {
      await stopProcess(spec.pidFile, 5_000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
