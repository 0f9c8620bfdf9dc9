import { ConfigError } from '@sagaflow/outbox-relay';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { codecFrom, commonEnv, durationEnv, parseEnv } from './env-config';

const schema = z.object({
  ...commonEnv,
  PORT: commonEnv.PORT.default(3000),
  STEP: durationEnv.default(10_000),
});
const good = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/db',
  KAFKA_BROKERS: '127.0.0.1:9092, kafka:29092',
};

function fault(env: NodeJS.ProcessEnv): string {
  try {
    parseEnv(schema, env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('parseEnv accepted a bad environment');
}

describe('parseEnv', () => {
  it('parses, applies defaults and freezes', () => {
    const c = parseEnv(schema, { ...good, STEP: '2s' });
    expect(c).toMatchObject({
      PORT: 3000,
      KAFKA_BROKERS: ['127.0.0.1:9092', 'kafka:29092'],
      SAGAFLOW_CODEC: 'avro',
      STEP: 2000,
      LOG_LEVEL: 'info',
    });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('names the variable, the rule and the value', () => {
    expect(fault({ ...good, PORT: 'abc' })).toMatch(
      /PORT must be an integer between 1 and 65535 \(got "abc"\)/,
    );
    expect(fault({ ...good, PORT: '70000' })).toMatch(/PORT must be between 1 and 65535/);
    expect(fault({ ...good, KAFKA_BROKERS: 'kafka' })).toMatch(
      /KAFKA_BROKERS must be a comma-separated list of host:port \(got "kafka"\)/,
    );
    expect(fault({ ...good, STEP: 'soon' })).toMatch(/STEP must be a positive duration/);
    expect(fault({ ...good, SAGAFLOW_CODEC: 'xml' })).toMatch(/SAGAFLOW_CODEC must be avro or json/);
  });

  it('reports a missing variable as not set, and treats an empty one as missing', () => {
    expect(fault({ KAFKA_BROKERS: good.KAFKA_BROKERS, DATABASE_URL: ' ' })).toMatch(
      /DATABASE_URL must be a postgres:\/\/ URL .*\(it is not set\)/,
    );
  });

  it('never prints a password from a URL', () => {
    expect(fault({ ...good, DATABASE_URL: 'mysql://app:hunter2@db/x' })).not.toContain('hunter2');
  });
});

describe('codecFrom', () => {
  it('requires the registry for Avro and says how to opt out', () => {
    expect(() => codecFrom({ SAGAFLOW_CODEC: 'avro' })).toThrow(
      /SCHEMA_REGISTRY_URL must be set .* SAGAFLOW_CODEC=json/,
    );
    expect(codecFrom({ SAGAFLOW_CODEC: 'json' })).toEqual({ kind: 'json' });
    expect(codecFrom({ SAGAFLOW_CODEC: 'avro', SCHEMA_REGISTRY_URL: 'http://r:8081' })).toEqual({
      kind: 'avro',
      registryUrl: 'http://r:8081',
    });
  });
});
