/** How a part was found: given by env var, already running, started by us, or a container. */
export type PartSource = 'env' | 'running' | 'local-process' | 'testcontainers';

/** Where the three parts are reachable. */
export interface StackEndpoints {
  kafkaBrokers: string[];
  /** Confluent-compatible base URL. */
  schemaRegistryUrl: string;
  /** Admin URL (the server's default database); suites create their own databases on that server. */
  databaseUrl: string;
  sources: { kafka: PartSource; schemaRegistry: PartSource; postgres: PartSource };
}
