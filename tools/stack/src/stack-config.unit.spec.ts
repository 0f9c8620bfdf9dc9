import { describe, expect, it } from 'vitest';
import { defaultDatabaseUrl, loadStackConfig } from './stack-config';

describe('loadStackConfig', () => {
  it('uses the machine PostgreSQL when DATABASE_URL is unset, and says so', () => {
    const config = loadStackConfig({});
    expect(config.databaseUrl).toBe(defaultDatabaseUrl);
    expect(config.databaseUrlFromEnv).toBe(false);
    expect(config.kafkaBrokersFromEnv).toBeUndefined();
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('splits KAFKA_BROKERS and trims the registry URL', () => {
    const config = loadStackConfig({
      KAFKA_BROKERS: 'a:1,b:2',
      SCHEMA_REGISTRY_URL: 'http://r:8081/apis/ccompat/v7/',
    });
    expect(config.kafkaBrokersFromEnv).toEqual(['a:1', 'b:2']);
    expect(config.schemaRegistryUrlFromEnv).toBe('http://r:8081/apis/ccompat/v7');
  });

  it('runs one broker unless SAGAFLOW_STACK_BROKERS=3 asks for the cluster', () => {
    expect(loadStackConfig({}).kafkaNodes).toBe(1);
    expect(loadStackConfig({ SAGAFLOW_STACK_BROKERS: '3' }).kafkaNodes).toBe(3);
  });

  it.each([
    [{ KAFKA_BROKERS: 'localhost' }, 'KAFKA_BROKERS'],
    [{ SCHEMA_REGISTRY_URL: 'registry' }, 'SCHEMA_REGISTRY_URL'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ SAGAFLOW_STACK_DOCKER: 'maybe' }, 'SAGAFLOW_STACK_DOCKER'],
    [{ SAGAFLOW_STACK_BROKERS: '2' }, 'SAGAFLOW_STACK_BROKERS'],
  ])('names the bad setting in %o', (env, name) => {
    expect(() => loadStackConfig(env)).toThrow(name);
  });
});
