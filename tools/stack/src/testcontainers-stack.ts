import type { StackEndpoints } from './stack-endpoints';

/**
 * Starts the three parts in containers when a Docker engine answers (never on the CI machine, which has
 * none). Reaping is left to Testcontainers' Ryuk, so the containers live as long as the calling process.
 */
export async function startTestcontainersStack(): Promise<StackEndpoints> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const { KafkaContainer } = await import('@testcontainers/kafka');
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');

  const [kafka, postgres] = await Promise.all([
    new KafkaContainer('confluentinc/cp-kafka:7.9.0').withKraft().start(),
    new PostgreSqlContainer('postgres:16-alpine').withUsername('postgres').withPassword('postgres').start(),
  ]);
  const registry = await new GenericContainer('apicurio/apicurio-registry:3.0.9')
    .withExposedPorts(8080)
    .withWaitStrategy(Wait.forHttp('/apis/ccompat/v7/subjects', 8080))
    .start();
  return {
    kafkaBrokers: [`${kafka.getHost()}:${kafka.getMappedPort(9093)}`],
    schemaRegistryUrl: `http://${registry.getHost()}:${registry.getMappedPort(8080)}/apis/ccompat/v7`,
    databaseUrl: postgres.getConnectionUri(),
    sources: { kafka: 'testcontainers', schemaRegistry: 'testcontainers', postgres: 'testcontainers' },
  };
}
