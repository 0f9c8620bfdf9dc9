import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { ensureStack } from './ensure-stack.js';
import type { StackEndpoints } from './stack-endpoints.js';

declare module 'vitest' {
  export interface ProvidedContext {
    stack: StackEndpoints;
  }
}

/**
 * Vitest global setup: brings the stack up once per run and hands its endpoints to every suite
 * (`inject('stack')`), and to child processes the suites start (env vars). The stack is left running
 * so the next run starts in seconds; `npm run stack:down` stops it.
 */
export default async function setup(project: TestProject): Promise<void> {
  const endpoints = await ensureStack(undefined, (line) => console.log(line));
  process.env.KAFKA_BROKERS = endpoints.kafkaBrokers.join(',');
  process.env.SCHEMA_REGISTRY_URL = endpoints.schemaRegistryUrl;
  process.env.DATABASE_URL = endpoints.databaseUrl;
  project.provide('stack', endpoints);
}
