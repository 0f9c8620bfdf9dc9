import { ConfigError, defineMessage } from '@sagaflow/outbox-relay';
import { describe, expect, it } from 'vitest';
import { parseSagaflowConfig, type SagaflowConfig } from './sagaflow-config';

const Ping = defineMessage<{ id: string }>({
  topic: 'svc.events',
  kind: 'event',
  key: (m) => m.id,
  schema: { type: 'record', namespace: 'svc', name: 'Ping', fields: [{ name: 'id', type: 'string' }] },
});
const valid: SagaflowConfig = {
  service: 'inventory-service',
  databaseUrl: 'postgres://postgres@127.0.0.1:5432/inventory',
  kafka: { brokers: ['127.0.0.1:9092'] },
  codec: { kind: 'json' },
  catalog: [Ping],
};

describe('parseSagaflowConfig', () => {
  it('fills the defaults and freezes the result', () => {
    const c = parseSagaflowConfig(valid);
    expect(c.consumer).toMatchObject({
      concurrency: 16,
      groupId: 'inventory-service',
      retry: { attempts: 5, initialBackoffMs: 100, maxBackoffMs: 5000 },
      conflictTimeoutMs: 30_000,
      versionGapTimeoutMs: 300_000,
    });
    expect(
      parseSagaflowConfig({ ...valid, consumer: { versionGapTimeout: '90s' } }).consumer.versionGapTimeoutMs,
    ).toBe(90_000);
    expect(
      parseSagaflowConfig({ ...valid, consumer: { conflictTimeout: '2m' } }).consumer.conflictTimeoutMs,
    ).toBe(120_000);
    expect(c.relay.enabled).toBe(true);
    expect(c.deadlines.pollIntervalMs).toBe(1000);
    expect(Object.isFrozen(c.consumer)).toBe(true);
    // replication is left to the cluster's size unless set
    expect(c.topics).toEqual({});
    expect(parseSagaflowConfig({ ...valid, topics: { replicationFactor: 3 } }).topics).toEqual({
      replicationFactor: 3,
    });
  });

  it('keeps inbox rows 168h by default (Kafka’s default retention.ms), longer when set, or forever', () => {
    expect(parseSagaflowConfig(valid).inbox).toEqual({
      retentionMs: 168 * 3_600_000,
      cleanupIntervalMs: 300_000,
    });
    expect(
      parseSagaflowConfig({ ...valid, inbox: { retention: '720h', cleanupInterval: '1m' } }).inbox,
    ).toEqual({
      retentionMs: 720 * 3_600_000,
      cleanupIntervalMs: 60_000,
    });
    expect(parseSagaflowConfig({ ...valid, inbox: { retention: 'forever' } }).inbox).toEqual({
      cleanupIntervalMs: 300_000,
    });
  });

  it.each([
    [{ consumer: { concurrency: 0 } }, /consumer\.concurrency .*at least 1.*\(got 0\)/],
    [{ kafka: { brokers: [] } }, /kafka\.brokers must name at least one broker/],
    [{ databaseUrl: 'mysql://x' }, /databaseUrl must be a postgres:\/\/ .*\(got "mysql:\/\/x"\)/],
    [{ codec: { kind: 'avro', registryUrl: 'nope' } }, /codec\.registryUrl/],
    [{ service: 'Inventory Service' }, /service must be a lower-case name/],
    [{ deadlines: { pollInterval: '5 minutes' } }, /deadlines\.pollInterval must be a positive duration/],
    [
      { topics: { replicationFactor: 2, minInsyncReplicas: 3 } },
      /topics\.minInsyncReplicas cannot be more than replicationFactor/,
    ],
    [
      { consumer: { sessionTimeout: '3s', heartbeatInterval: '2s' } },
      /consumer\.heartbeatInterval \(2000 ms\) must be at most a third of consumer\.sessionTimeout/,
    ],
    [
      { consumer: { retry: { initialBackoff: '2s', maxBackoff: '1s' } } },
      /consumer\.retry\.maxBackoff cannot be less than its initialBackoff/,
    ],
    [{ consumer: { conflictTimeout: 'forever' } }, /consumer\.conflictTimeout must be a positive duration/],
    [
      { consumer: { conflictTimeout: '2h' } },
      /consumer\.conflictTimeout must be at most 1h \(got 7200000 ms\)/,
    ],
    [{ consumer: { versionGapTimeout: 'soon' } }, /consumer\.versionGapTimeout must be a positive duration/],
    [
      { consumer: { versionGapTimeout: '2h' } },
      /consumer\.versionGapTimeout must be at most 1h \(got 7200000 ms\)/,
    ],
    [
      { inbox: { retention: '30m' } },
      /inbox\.retention must be at least 1h, or 'forever' \(got 1800000 ms\)/,
    ],
    [{ inbox: { retention: 'never' } }, /inbox\.retention/],
    [{ inbox: { cleanupInterval: 0 } }, /inbox\.cleanupInterval must be a positive duration/],
    [{ inbox: { retentionMs: 5 } }, /inbox\.retentionMs is not a setting of inbox/],
    // a misspelt setting must not start with the default in its place
    [{ consumer: { concurency: 0 } }, /consumer\.concurency is not a setting of consumer/],
    [{ relays: { enabled: false } }, /Sagaflow config: relays is not a setting \(check the spelling\)/],
  ])('rejects %j naming the setting, the rule and the value', (patch, message) => {
    const bad = { ...valid, ...patch } as SagaflowConfig;
    expect(() => parseSagaflowConfig(bad)).toThrow(ConfigError);
    expect(() => parseSagaflowConfig(bad)).toThrow(message);
  });
});
