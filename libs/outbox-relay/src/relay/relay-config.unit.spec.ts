import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/sagaflow-error';
import { defineMessage } from '../message/message-type';
import { parseRelayConfig, type OutboxRelayConfig } from './relay-config';

const type = defineMessage<{ id: string }>({
  topic: 'spec.events',
  kind: 'event',
  key: (e) => e.id,
  schema: { type: 'record', namespace: 'spec', name: 'Thing', fields: [{ name: 'id', type: 'string' }] },
});
const valid: OutboxRelayConfig = {
  databaseUrl: 'postgres://app:secret@db:5432/app',
  brokers: ['kafka:9092'],
  codec: { kind: 'json' },
  catalog: [type],
};

function configError(config: unknown): ConfigError {
  try {
    parseRelayConfig(config as OutboxRelayConfig);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('parseRelayConfig', () => {
  it('fills the defaults into a frozen object and builds the catalog', () => {
    const config = parseRelayConfig(valid);
    expect(config).toMatchObject({
      batchSize: 500,
      pollIntervalMs: 1000,
      retentionMs: 0,
      clientId: 'sagaflow-relay',
    });
    expect(config.catalog.get('spec.Thing')).toBe(type);
    expect(config.metricsRegistry).toBeInstanceOf(Registry);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.backoff)).toBe(true);
  });

  it.each([
    [{ batchSize: 20_000 }, 'batchSize', '20000'],
    [{ batchSize: 0 }, 'batchSize', '0'],
    [{ brokers: [] }, 'brokers', '[]'],
    [{ brokers: ['kafka'] }, 'brokers.0', 'host:port'],
    [{ databaseUrl: 'mysql://db/app' }, 'databaseUrl', 'postgres://'],
    [{ codec: { kind: 'avro', registryUrl: 'not a url' } }, 'codec.registryUrl', 'not a url'],
    [{ catalog: [] }, 'catalog', 'message type'],
    [{ backoff: { initialMs: 500, maxMs: 100 } }, 'backoff.maxMs', 'maxMs cannot be less than initialMs'],
    [{ pollIntervalMs: 'fast' }, 'pollIntervalMs', '"fast"'],
    [{ batchSise: 100 }, 'batchSise', 'is not a setting'],
    [{ backoff: { initalMs: 10 } }, 'backoff.initalMs', 'is not a setting of backoff'],
  ])('refuses %j, naming %s', (override, setting, mentioned) => {
    const error = configError({ ...valid, ...override });
    expect(error.context.setting).toBe(setting);
    expect(error.message).toContain(`OutboxRelay config: ${setting} `);
    expect(error.message).toContain(mentioned);
  });

  it('names a missing required setting', () => {
    const { databaseUrl: _omitted, ...rest } = valid;
    expect(configError(rest).message).toMatch(/databaseUrl .*\(got nothing\)/);
  });

  it('never prints a database password', () => {
    const error = configError({
      ...valid,
      databaseUrl: 'postgres://app:secret@db/app',
      brokers: 'kafka:9092',
    });
    expect(error.context.setting).toBe('brokers');
    const bad = configError({ ...valid, databaseUrl: 'http://app:secret@db/app' });
    expect(bad.message).not.toContain('secret');
  });
});
