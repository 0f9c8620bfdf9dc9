import { writeFileSync } from 'node:fs';
import { dockerEngineAnswers } from './docker-engine';
import { localKafkaAddress, startLocalKafka } from './local-kafka';
import { localRegistryUrl, setGlobalCompatibility, startLocalRegistry } from './local-registry';
import { probeKafka } from './probe-kafka';
import { probePostgres } from './probe-postgres';
import { probeRegistry } from './probe-registry';
import { loadStackConfig, type StackConfig } from './stack-config';
import type { PartSource, StackEndpoints } from './stack-endpoints';
import { StackError } from './stack-error';
import { stackPaths, type StackPaths } from './stack-paths';
import { withStackLock } from './stack-lock';
import { join } from 'node:path';
import { waitFor } from './wait-for';
import { kafkaClusterAddresses, startKafkaCluster } from './kafka-cluster';
import { redact } from './redact-url';

/** How long a part named by an env var gets to answer before we say it is unreachable. */
const givenPartDeadlineMs = 15_000;

/**
 * Makes Kafka, the schema registry and PostgreSQL reachable and says where they are.
 *
 * Per part, in order: the env var (`KAFKA_BROKERS`, `SCHEMA_REGISTRY_URL`, `DATABASE_URL`) is used as is;
 * else a part already answering at its default address is reused; else, when a Docker engine answers,
 * Testcontainers provides the parts; else local processes are started from Maven Central jars.
 * Idempotent: a second call finds everything running and starts nothing.
 *
 * @throws StackError naming the part, its address, its log and what to check.
 */
export async function ensureStack(
  config: StackConfig = loadStackConfig(),
  log: (line: string) => void = () => undefined,
): Promise<StackEndpoints> {
  const paths = stackPaths(config);
  return withStackLock(join(config.stackDir, 'run'), () => ensureUnlocked(config, paths, log));
}

async function ensureUnlocked(
  config: StackConfig,
  paths: StackPaths,
  log: (line: string) => void,
): Promise<StackEndpoints> {
  const databaseUrl = config.databaseUrl;
  const kafkaGiven = config.kafkaBrokersFromEnv;
  const registryGiven = config.schemaRegistryUrlFromEnv;

  // Parts named by env vars first: a wrong address must fail fast, before anything is fetched or started.
  await Promise.all([
    config.databaseUrlFromEnv
      ? reachable('postgres', 'DATABASE_URL', redact(databaseUrl), () => probePostgres(databaseUrl))
      : undefined,
    kafkaGiven
      ? reachable('kafka', 'KAFKA_BROKERS', kafkaGiven.join(','), () => probeKafka(kafkaGiven))
      : undefined,
    registryGiven
      ? reachable('schema-registry', 'SCHEMA_REGISTRY_URL', registryGiven, () => probeRegistry(registryGiven))
      : undefined,
  ]);

  const localKafka = config.kafkaNodes === 1 ? [localKafkaAddress(config)] : kafkaClusterAddresses();
  const [kafkaRunning, registryRunning, pgRunning] = await Promise.all([
    kafkaGiven
      ? true
      : answers(async () => {
          if ((await probeKafka(localKafka, 1_000)) < config.kafkaNodes) throw new Error('nodes missing');
        }),
    registryGiven ? true : answers(() => probeRegistry(localRegistryUrl(config), 1_000)),
    config.databaseUrlFromEnv ? true : answers(() => probePostgres(databaseUrl, 1_000)),
  ]);

  // cluster mode runs the nodes as local processes, never in containers
  const nothingGiven = !kafkaGiven && !registryGiven && !config.databaseUrlFromEnv && config.kafkaNodes === 1;
  const someMissing = !kafkaRunning || !registryRunning || !pgRunning;
  if (nothingGiven && someMissing && config.docker === 'auto' && (await dockerEngineAnswers())) {
    log('stack: a Docker engine answers; starting Kafka, the registry and PostgreSQL with Testcontainers');
    const { startTestcontainersStack } = await import('./testcontainers-stack.js');
    const endpoints = await startTestcontainersStack();
    await setGlobalCompatibility(endpoints.schemaRegistryUrl, 'BACKWARD');
    writeFileSync(paths.endpointsFile, JSON.stringify(endpoints, null, 2));
    return endpoints;
  }
  if (!pgRunning) {
    throw new StackError('postgres', `PostgreSQL at ${redact(databaseUrl)} does not answer`, {
      hint: 'that PostgreSQL runs (pg_ctlcluster <version> main start) or set DATABASE_URL',
    });
  }
  const pgSource: PartSource = config.databaseUrlFromEnv ? 'env' : 'running';

  let kafkaSource: PartSource = kafkaGiven ? 'env' : 'running';
  let registrySource: PartSource = registryGiven ? 'env' : 'running';
  const [kafkaBrokers, schemaRegistryUrl] = await Promise.all([
    kafkaGiven
      ? [...kafkaGiven]
      : kafkaRunning
        ? localKafka
        : config.kafkaNodes > 1
          ? (log(
              `stack: starting a ${config.kafkaNodes}-node Kafka cluster (KRaft) on ${localKafka.join(',')}`,
            ),
            (kafkaSource = 'local-process'),
            startKafkaCluster({ size: config.kafkaNodes, keep: true, config }).then((c) => [...c.brokers]))
          : (log(
              `stack: starting Kafka ${config.kafkaVersion} (KRaft) on ${localKafkaAddress(config)}; log ${paths.kafkaLog}`,
            ),
            (kafkaSource = 'local-process'),
            startLocalKafka(config).then((a) => [a])),
    registryGiven
      ? registryGiven
      : registryRunning
        ? localRegistryUrl(config)
        : (log(
            `stack: starting Apicurio Registry ${config.apicurioVersion} on ${localRegistryUrl(config)}; log ${paths.registryLog}`,
          ),
          (registrySource = 'local-process'),
          startLocalRegistry(config, databaseUrl)),
  ]);
  if (registrySource === 'running') await setGlobalCompatibility(schemaRegistryUrl, 'BACKWARD');

  const endpoints: StackEndpoints = {
    kafkaBrokers,
    schemaRegistryUrl,
    databaseUrl,
    sources: { kafka: kafkaSource, schemaRegistry: registrySource, postgres: pgSource },
  };
  writeFileSync(paths.endpointsFile, JSON.stringify(endpoints, null, 2));
  return endpoints;
}

async function reachable(
  part: 'kafka' | 'schema-registry' | 'postgres',
  setting: string,
  address: string,
  probe: () => Promise<unknown>,
): Promise<void> {
  try {
    await waitFor(async () => (await probe(), true), {
      timeoutMs: givenPartDeadlineMs,
      intervalMs: 500,
      description: `${part} at ${address}`,
    });
  } catch (error) {
    throw new StackError(
      part,
      `${part} at ${address} (from ${setting}) did not answer within ${givenPartDeadlineMs / 1000} s`,
      {
        hint: `that ${address} is right and the service listens there, or unset ${setting} to let tools/stack find or start it`,
        cause: error,
      },
    );
  }
}

async function answers(probe: () => Promise<unknown>): Promise<boolean> {
  try {
    await probe();
    return true;
  } catch {
    return false;
  }
}
